package com.miniatura.worker;

import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.config.Problems;
import com.miniatura.common.storage.StorageConfiguration;
import com.miniatura.worker.consume.DeadLetterStatusSettings;
import com.miniatura.worker.consume.RetrySettings;
import com.miniatura.worker.render.Avif;
import com.miniatura.worker.render.MemoryBudget;
import com.miniatura.worker.render.Renderer;
import com.miniatura.worker.render.TurboJpeg;
import com.miniatura.worker.render.Watermarks;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Optional;
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

    record Settings(
            MiniaturaSettings common,
            WorkerSettings worker,
            RetrySettings retry,
            Watermarks watermarks,
            DeadLetterStatusSettings deadLetterStatus) {}

    @Bean
    Settings settings(ConfigurableEnvironment environment) {
        Settings settings = load(environment);
        log.info(
                "Rendering variants {} with limits {}",
                settings.common().catalog(),
                settings.worker().limits());
        return settings;
    }

    /** The budget every render of this worker shares, and of any other worker in this JVM (the standalone's lanes). */
    @Bean
    MemoryBudget memoryBudget(Settings settings) {
        MemoryBudget budget = MemoryBudget.shared(settings.worker().memoryBudget());
        if (budget.capacity() != settings.worker().memoryBudget()) {
            log.warn(
                    "miniatura.worker.memory-budget of {} ignored: this JVM's workers already share a budget of {}",
                    MemoryBudget.megabytes(settings.worker().memoryBudget()),
                    budget);
        }
        return budget;
    }

    /** The worker's whole configuration, or {@link com.miniatura.common.config.InvalidConfigurationException} naming every problem. */
    static Settings load(ConfigurableEnvironment environment) {
        Problems problems = new Problems();
        MiniaturaSettings common = MiniaturaSettings.load(environment, problems);
        WorkerSettings worker = WorkerSettings.load(environment, problems);
        RetrySettings retry = RetrySettings.load(environment, problems);
        DeadLetterStatusSettings deadLetterStatus = DeadLetterStatusSettings.load(environment, problems);
        // Watermark images are read now, so a missing or unreadable one stops the worker at startup,
        // named by its key, instead of failing every render later.
        Watermarks watermarks = common.catalog() == null
                ? Watermarks.NONE
                : new WatermarkLoader(WorkerConfiguration.class.getClassLoader()).load(common.catalog(), problems);
        if (common.catalog() != null) {
            requireEncoders(common.catalog(), Avif.load(), problems);
        }
        problems.throwIfAny();
        return new Settings(common, worker, retry, watermarks, deadLetterStatus);
    }

    /**
     * Every format the catalog lists has an encoder on this worker: AVIF has none without libavif, so such a catalog
     * stops the worker at startup, naming each variant, rather than dead-lettering every image.
     */
    static void requireEncoders(VariantCatalog catalog, Optional<Avif> avif, Problems problems) {
        if (avif.isPresent()) {
            return;
        }
        catalog.variants().stream()
                .filter(spec -> spec.format() == OutputFormat.AVIF)
                .forEach(spec -> problems.add(
                        VariantCatalog.PREFIX + "." + spec.name(), "lists format avif, but " + Avif.absence()));
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
    DeadLetterStatusSettings deadLetterStatusSettings(Settings settings) {
        return settings.deadLetterStatus();
    }

    @Bean
    Renderer renderer(Settings settings, MemoryBudget budget) {
        Renderer renderer = new Renderer(settings.worker().limits(), settings.watermarks(), budget, TurboJpeg.load());
        log.info(
                "Renders may hold {} of heap at once (of the {} pool large images are allocated in); JPEGs decoded by {}; AVIF {}",
                budget,
                MemoryBudget.megabytes(MemoryBudget.largestHeapPool()),
                renderer.jpegDecoder(),
                Avif.load().map(a -> "encoded by " + a.libraryName()).orElse("not available"));
        return renderer;
    }

    /**
     * The memory budget as gauges: its size, what renders hold now, and how many wait for it (a worker whose renders
     * wait often needs a larger heap, or fewer consumer threads).
     */
    @Bean
    MeterBinder memoryBudgetMeters(MemoryBudget budget) {
        return registry -> {
            Gauge.builder("miniatura.memory.budget", budget, MemoryBudget::capacity)
                    .baseUnit("bytes")
                    .description("Heap the worker lets its renders hold at once")
                    .register(registry);
            Gauge.builder("miniatura.memory.reserved", budget, MemoryBudget::reserved)
                    .baseUnit("bytes")
                    .description("Heap reserved by the renders running now")
                    .register(registry);
            Gauge.builder("miniatura.memory.waiting", budget, MemoryBudget::waiting)
                    .description("Renders waiting for memory to start")
                    .register(registry);
        };
    }
}
