package com.miniatura.ingest;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.config.Problems;
import com.miniatura.common.storage.StorageConfiguration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;

/** Validates the whole configuration at startup (every problem at once) and wires the ingest services. */
@Configuration(proxyBeanMethods = false)
@Import(StorageConfiguration.class)
class IngestConfiguration {
    /** Shared and ingest settings, validated together so one startup reports every problem. */
    record Settings(MiniaturaSettings common, IngestSettings ingest) {}

    @Bean
    Settings settings(ConfigurableEnvironment environment) {
        Problems problems = new Problems();
        MiniaturaSettings common = MiniaturaSettings.load(environment, problems);
        IngestSettings ingest = IngestSettings.load(environment, problems);
        problems.throwIfAny();
        return new Settings(common, ingest);
    }

    @Bean
    MiniaturaSettings miniaturaSettings(Settings settings) {
        return settings.common();
    }

    @Bean
    IngestSettings ingestSettings(Settings settings) {
        return settings.ingest();
    }

    /** Pending-status writes of a batch run in parallel on this bounded pool. */
    @Bean(destroyMethod = "shutdown")
    ExecutorService storageWriters() {
        return Executors.newFixedThreadPool(16, runnable -> {
            Thread thread = new Thread(runnable, "storage-writer");
            thread.setDaemon(true);
            return thread;
        });
    }
}
