package com.miniatura.worker;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.config.Problems;
import com.miniatura.common.storage.StorageConfiguration;
import com.miniatura.worker.consume.RetrySettings;
import com.miniatura.worker.render.Renderer;
import com.miniatura.worker.render.Watermarks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;

/** Validates the whole configuration at startup (every problem at once) and wires the worker. */
@Configuration(proxyBeanMethods = false)
@Import(StorageConfiguration.class)
class WorkerConfiguration {
    private static final Logger log = LoggerFactory.getLogger(WorkerConfiguration.class);

    record Settings(MiniaturaSettings common, WorkerSettings worker, RetrySettings retry, Watermarks watermarks) {}

    @Bean
    Settings settings(ConfigurableEnvironment environment) {
        Settings settings = load(environment);
        log.info("Rendering variants {} with limits {}", settings.common().catalog(), settings.worker().limits());
        return settings;
    }

    /** The worker's whole configuration, or {@link com.miniatura.common.config.InvalidConfigurationException} naming every problem. */
    static Settings load(ConfigurableEnvironment environment) {
        Problems problems = new Problems();
        MiniaturaSettings common = MiniaturaSettings.load(environment, problems);
        WorkerSettings worker = WorkerSettings.load(environment, problems);
        RetrySettings retry = RetrySettings.load(environment, problems);
        // Watermark images are read now, so a missing or unreadable one stops the worker at startup,
        // named by its key, instead of failing every render later.
        Watermarks watermarks = common.catalog() == null ? Watermarks.NONE
                : new WatermarkLoader(WorkerConfiguration.class.getClassLoader()).load(common.catalog(), problems);
        problems.throwIfAny();
        return new Settings(common, worker, retry, watermarks);
    }

    @Bean
    MiniaturaSettings miniaturaSettings(Settings settings) {
        return settings.common();
    }

    @Bean
    WorkerSettings workerSettings(Settings settings) {
        return settings.worker();
    }

    @Bean
    RetrySettings retrySettings(Settings settings) {
        return settings.retry();
    }

    @Bean
    Renderer renderer(Settings settings) {
        return new Renderer(settings.worker().limits(), settings.watermarks());
    }
}
