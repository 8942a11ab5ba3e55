package com.miniatura.worker.consume;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.ConfigurationSection;
import com.miniatura.common.config.Problems;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * How a record that failed transiently is retried, {@code miniatura.worker.retry.*} (defaults in
 * {@code miniatura/worker-defaults.yml}): up to {@code maxAttempts} deliveries in all, waiting an
 * exponentially growing interval, randomised by ±{@code jitter} so that workers that failed together
 * (storage down) do not all retry in the same instant, and never longer than {@code maxInterval}.
 * Each single wait must stay well below the consumer's {@code max.poll.interval.ms}.
 */
public record RetrySettings(
        int maxAttempts, Duration initialInterval, double multiplier, Duration maxInterval, double jitter) {
    public static final String PREFIX = "miniatura.worker.retry";

    public static RetrySettings load(ConfigurableEnvironment environment, Problems problems) {
        ConfigurationSection raw = new ConfigurationReader(environment).readFlat(PREFIX);
        Optional<Integer> attempts = problems.parse(
                PREFIX + ".max-attempts",
                raw.get("max-attempts"),
                "a number of attempts 1..1000 such as 6",
                Integer::parseInt,
                n -> n >= 1 && n <= 1000);
        Optional<Duration> initial = problems.parse(
                PREFIX + ".initial-interval",
                raw.get("initial-interval"),
                "a positive duration such as 1s",
                DurationStyle::detectAndParse,
                d -> d.toMillis() >= 1);
        Optional<Double> multiplier = problems.parse(
                PREFIX + ".multiplier",
                raw.get("multiplier"),
                "a number 1..10 such as 2.0",
                Double::parseDouble,
                m -> m >= 1 && m <= 10);
        Optional<Duration> max = problems.parse(
                PREFIX + ".max-interval",
                raw.get("max-interval"),
                "a positive duration such as 30s",
                DurationStyle::detectAndParse,
                d -> d.toMillis() >= 1);
        Optional<Double> jitter = problems.parse(
                PREFIX + ".jitter",
                raw.get("jitter"),
                "a fraction 0..1 such as 0.2",
                Double::parseDouble,
                j -> j >= 0 && j <= 1);
        if (initial.isPresent() && max.isPresent() && max.get().compareTo(initial.get()) < 0) {
            problems.expected(
                    PREFIX + ".max-interval",
                    "a duration not below initial-interval ("
                            + raw.get("initial-interval").trim() + ")",
                    Problems.show(raw.get("max-interval")));
        }
        return new RetrySettings(
                attempts.orElse(1),
                initial.orElse(Duration.ofMillis(1)),
                multiplier.orElse(1.0),
                max.orElse(Duration.ofMillis(1)),
                jitter.orElse(0.0));
    }
}
