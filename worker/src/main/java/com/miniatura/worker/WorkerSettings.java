package com.miniatura.worker;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.Problems;
import com.miniatura.worker.render.RenderLimits;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.unit.DataSize;

/**
 * The worker's own settings, {@code miniatura.worker.*} (defaults in {@code miniatura/worker-defaults.yml}).
 *
 * @param limits           the security limits every source is held to
 * @param shutdownDeadline how long a stopping worker may take to finish the image in hand (SIGTERM);
 *                         Kubernetes' {@code terminationGracePeriodSeconds} must be longer
 */
public record WorkerSettings(RenderLimits limits, Duration shutdownDeadline) {
    public static final String PREFIX = "miniatura.worker";
    public static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(30);

    /** Limits with the default shutdown deadline. */
    public WorkerSettings(RenderLimits limits) {
        this(limits, DEFAULT_SHUTDOWN_DEADLINE);
    }

    public static WorkerSettings load(ConfigurableEnvironment environment, Problems problems) {
        Map<String, String> raw = new ConfigurationReader(environment).readFlat(PREFIX);
        long maxBytes = positive(raw, "max-source-bytes", "a positive size such as 50MB", problems,
                v -> DataSize.parse(v).toBytes());
        long maxPixels = positive(raw, "max-source-pixels", "a positive number of pixels such as 100000000", problems,
                Long::parseLong);
        long maxFrames = positive(raw, "max-source-frames", "a number of frames 1..1000000 such as 1000", problems,
                v -> {
                    long n = Long.parseLong(v);
                    return n > 1_000_000 ? -1 : n;
                });
        long timeoutMillis = positive(raw, "render-timeout", "a positive duration such as 60s", problems,
                v -> DurationStyle.detectAndParse(v).toMillis());
        long shutdownMillis = positive(raw, "shutdown-deadline", "a positive duration such as 30s", problems,
                v -> DurationStyle.detectAndParse(v).toMillis());
        return new WorkerSettings(new RenderLimits(maxBytes, maxPixels, (int) Math.max(0, maxFrames),
                Duration.ofMillis(Math.max(0, timeoutMillis))), Duration.ofMillis(Math.max(0, shutdownMillis)));
    }

    private interface Parser {
        long parse(String value);
    }

    /** Parses a required positive value, recording a problem naming the key otherwise. */
    private static long positive(Map<String, String> raw, String name, String expected, Problems problems, Parser parser) {
        String value = raw.get(name);
        long parsed;
        try {
            parsed = parser.parse(value.trim());
        } catch (RuntimeException e) {
            parsed = -1;
        }
        if (parsed < 1) {
            problems.expected(PREFIX + "." + name, expected, Problems.show(value));
        }
        return parsed;
    }
}
