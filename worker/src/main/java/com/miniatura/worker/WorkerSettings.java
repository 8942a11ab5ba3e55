package com.miniatura.worker;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.ConfigurationSection;
import com.miniatura.common.config.Problems;
import com.miniatura.worker.render.MemoryBudget;
import com.miniatura.worker.render.RenderLimits;
import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.unit.DataSize;

/**
 * The worker's own settings, {@code miniatura.worker.*} (defaults in {@code miniatura/worker-defaults.yml}).
 *
 * @param limits           the security limits every source is held to
 * @param shutdownDeadline how long a stopping worker may take to finish the image in hand (SIGTERM);
 *                         Kubernetes' {@code terminationGracePeriodSeconds} must be longer
 * @param maxRenderAttempts how many times workers may stop (their JVM dying) while rendering one event before the
 *                          next delivery fails the image and dead-letters the event
 * @param memoryBudget     the heap all renders of this worker may hold at once, in bytes ({@link MemoryBudget})
 */
public record WorkerSettings(RenderLimits limits, Duration shutdownDeadline, int maxRenderAttempts, long memoryBudget) {
    public static final String PREFIX = "miniatura.worker";
    public static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RENDER_ATTEMPTS = 3;

    /** Limits with the default shutdown deadline, render attempts and memory budget. */
    public WorkerSettings(RenderLimits limits) {
        this(
                limits,
                DEFAULT_SHUTDOWN_DEADLINE,
                DEFAULT_MAX_RENDER_ATTEMPTS,
                MemoryBudget.fromHeap().capacity());
    }

    public static WorkerSettings load(ConfigurableEnvironment environment, Problems problems) {
        ConfigurationSection raw = new ConfigurationReader(environment).readFlat(PREFIX);
        long maxBytes = problems.parse(
                        PREFIX + ".max-source-bytes",
                        raw.get("max-source-bytes"),
                        "a positive size such as 50MB",
                        v -> DataSize.parse(v).toBytes(),
                        n -> n >= 1)
                .orElse(0L);
        long maxPixels = problems.parse(
                        PREFIX + ".max-source-pixels",
                        raw.get("max-source-pixels"),
                        "a positive number of pixels such as 250000000",
                        Long::parseLong,
                        n -> n >= 1)
                .orElse(0L);
        int maxFrames = problems.parse(
                        PREFIX + ".max-source-frames",
                        raw.get("max-source-frames"),
                        "a number of frames 1..1000000 such as 1000",
                        Integer::parseInt,
                        n -> n >= 1 && n <= 1_000_000)
                .orElse(0);
        Duration renderTimeout = problems.parse(
                        PREFIX + ".render-timeout",
                        raw.get("render-timeout"),
                        "a positive duration such as 60s",
                        DurationStyle::detectAndParse,
                        d -> d.toMillis() >= 1)
                .orElse(Duration.ZERO);
        Duration shutdownDeadline = problems.parse(
                        PREFIX + ".shutdown-deadline",
                        raw.get("shutdown-deadline"),
                        "a positive duration such as 30s",
                        DurationStyle::detectAndParse,
                        d -> d.toMillis() >= 1)
                .orElse(Duration.ZERO);
        int maxRenderAttempts = problems.parse(
                        PREFIX + ".max-render-attempts",
                        raw.get("max-render-attempts"),
                        "a number of attempts 1..1000 such as 3",
                        Integer::parseInt,
                        n -> n >= 1 && n <= 1000)
                .orElse(1);
        long budget = memoryBudget(raw.get("memory-budget"), MemoryBudget.largestHeapPool(), problems);
        return new WorkerSettings(
                new RenderLimits(maxBytes, maxPixels, maxFrames, renderTimeout),
                shutdownDeadline,
                maxRenderAttempts,
                budget);
    }

    /**
     * {@code memory-budget}: a share of the heap that large images can use ({@link MemoryBudget#largestHeapPool},
     * the old generation) such as {@code 60%}, or a size such as {@code 200MB}, at most that pool.
     */
    static long memoryBudget(String value, long heapPool, Problems problems) {
        String key = PREFIX + ".memory-budget";
        String expected = "a share of the heap such as 60% or a size such as 200MB, at most the "
                + MemoryBudget.megabytes(heapPool) + " the heap has for large images";
        if (value != null && value.trim().endsWith("%")) {
            String number = value.trim().substring(0, value.trim().length() - 1);
            return problems.parse(key, value, expected, v -> Double.parseDouble(number), p -> p > 0 && p <= 100)
                    .map(p -> (long) (heapPool * p / 100))
                    .orElse(0L);
        }
        return problems.parse(key, value, expected, v -> DataSize.parse(v).toBytes(), n -> n >= 1 && n <= heapPool)
                .orElse(0L);
    }
}
