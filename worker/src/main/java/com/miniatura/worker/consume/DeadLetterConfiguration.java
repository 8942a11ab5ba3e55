package com.miniatura.worker.consume;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.worker.WorkerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires {@link DeadLetters} for the image binding (the one container customizer: the binder picks it up by type). */
@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

    @Bean
    DeadLetters deadLetters(
            RetrySettings retry,
            WorkerSettings worker,
            KafkaProperties kafka,
            Environment environment,
            DeadLetterStatus status) {
        return new DeadLetters(
                retry,
                DeadLetterContract.topicOf(environment.getRequiredProperty("miniatura.worker.topic")),
                kafka.buildProducerProperties(),
                Clock.systemUTC(),
                worker.shutdownDeadline(),
                status);
    }

    @Bean
    DeadLetterStatus deadLetterStatus(
            ObjectStore store,
            MiniaturaSettings settings,
            DeadLetterStatusSettings statusSettings,
            Environment environment,
            MeterRegistry meters) {
        return new DeadLetterStatus(
                store,
                settings.storage(),
                environment.getRequiredProperty("miniatura.worker.topic"),
                statusSettings,
                Clock.systemUTC(),
                meters);
    }
}
