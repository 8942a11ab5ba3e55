package com.miniatura.worker.consume;

import com.miniatura.worker.WorkerSettings;
import java.time.Clock;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires {@link DeadLetters} for the image binding (the one container customizer: the binder picks it up by type). */
@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

    @Bean
    DeadLetters deadLetters(RetrySettings retry, WorkerSettings worker, KafkaProperties kafka, Environment environment) {
        return new DeadLetters(retry, environment.getRequiredProperty("miniatura.worker.topic") + ".dlq",
                kafka.buildProducerProperties(), Clock.systemUTC(), worker.shutdownDeadline());
    }
}
