package com.miniatura.ingest.stuck;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.StuckSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts the stuck-image sweep of this API instance. */
@Configuration(proxyBeanMethods = false)
class StuckConfiguration {

    @Bean(destroyMethod = "close")
    StuckSweep stuckSweep(ObjectStore store, MiniaturaSettings settings, StuckSettings stuck, MeterRegistry meters) {
        StuckSweep sweep = new StuckSweep(store, settings.storage(), stuck, Clock.systemUTC(), meters);
        sweep.start();
        return sweep;
    }
}
