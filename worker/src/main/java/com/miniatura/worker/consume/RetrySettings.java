package com.miniatura.worker.consume;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.Problems;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * How a record that failed transiently is retried, {@code miniatura.worker.retry.*} (defaults in
 * {@code miniatura/worker-defaults.yml}): up to {@code maxAttempts} deliveries in all, waiting an
 * exponentially growing interval, randomised by ±{@code jitter} so that workers that failed together
 * (storage down) do not all retry in the same instant, and never longer than {@code maxInterval}.
 * Each single wait must stay well below the consumer's {@code max.poll.interval.ms}.
 */
public record RetrySettings(int maxAttempts, Duration initialInterval, double multiplier, Duration maxInterval,
                            double jitter) {
    public static final String PREFIX = "miniatura.worker.retry";

    public static RetrySettings load(ConfigurableEnvironment environment, Problems problems) {
        Map<String, String> raw = new ConfigurationReader(environment).readFlat(PREFIX);
        double attempts = number(raw, "max-attempts", "a number of attempts 1..1000 such as 6", problems,
                v -> {
                    int n = Integer.parseInt(v);
                    return n >= 1 && n <= 1000 ? n : Double.NaN;
                });
        double initial = number(raw, "initial-interval", "a positive duration such as 1s", problems,
                v -> positiveMillis(v));
        double multiplier = number(raw, "multiplier", "a number 1..10 such as 2.0", problems,
                v -> {
                    double m = Double.parseDouble(v);
                    return m >= 1 && m <= 10 ? m : Double.NaN;
                });
        double max = number(raw, "max-interval", "a positive duration such as 30s", problems,
                v -> positiveMillis(v));
        double jitter = number(raw, "jitter", "a fraction 0..1 such as 0.2", problems,
                v -> {
                    double j = Double.parseDouble(v);
                    return j >= 0 && j <= 1 ? j : Double.NaN;
                });
        if (!Double.isNaN(initial) && !Double.isNaN(max) && max < initial) {
            problems.expected(PREFIX + ".max-interval", "a duration not below initial-interval ("
                    + raw.get("initial-interval").trim() + ")", Problems.show(raw.get("max-interval")));
        }
        return new RetrySettings(Double.isNaN(attempts) ? 1 : (int) attempts,
                Duration.ofMillis(Double.isNaN(initial) ? 1 : (long) initial), Double.isNaN(multiplier) ? 1 : multiplier,
                Duration.ofMillis(Double.isNaN(max) ? 1 : (long) max), Double.isNaN(jitter) ? 0 : jitter);
    }

    private static double positiveMillis(String value) {
        long millis = DurationStyle.detectAndParse(value).toMillis();
        return millis >= 1 ? millis : Double.NaN;
    }

    private interface Parser {
        double parse(String value);
    }

    /** Parses a required value, NaN (with a problem naming the key) if it is missing or out of range. */
    private static double number(Map<String, String> raw, String name, String expected, Problems problems, Parser parser) {
        String value = raw.get(name);
        double parsed;
        try {
            parsed = parser.parse(value.trim());
        } catch (RuntimeException e) {
            parsed = Double.NaN;
        }
        if (Double.isNaN(parsed) || Double.isInfinite(parsed)) {
            problems.expected(PREFIX + "." + name, expected, Problems.show(value));
            return Double.NaN;
        }
        return parsed;
    }
}
