package com.miniatura.worker.consume;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.ConfigurationSection;
import com.miniatura.common.config.Problems;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * How the status of a dead-lettered image is written when storage does not answer at once,
 * {@code miniatura.worker.dead-letter-status.*} (defaults in {@code miniatura/worker-defaults.yml}): tried again in the
 * background, waiting {@code initialInterval} doubled each time up to {@code maxInterval}, for at most
 * {@code giveUpAfter}; at most {@code maxPending} such writes wait at once, the others are not attempted. What is not
 * written stays {@code pending}, and the ingest API reports it stuck.
 */
public record DeadLetterStatusSettings(
        int maxPending, Duration giveUpAfter, Duration initialInterval, Duration maxInterval) {
    public static final String PREFIX = "miniatura.worker.dead-letter-status";

    public static DeadLetterStatusSettings load(ConfigurableEnvironment environment, Problems problems) {
        ConfigurationSection raw = new ConfigurationReader(environment).readFlat(PREFIX);
        Optional<Integer> maxPending = problems.parse(
                PREFIX + ".max-pending",
                raw.get("max-pending"),
                "a number of writes 1..1000000 such as 10000",
                Integer::parseInt,
                n -> n >= 1 && n <= 1_000_000);
        Optional<Duration> giveUp = problems.parse(
                PREFIX + ".give-up-after",
                raw.get("give-up-after"),
                "a positive duration such as 1h",
                DurationStyle::detectAndParse,
                d -> d.toMillis() >= 1);
        Optional<Duration> initial = problems.parse(
                PREFIX + ".initial-interval",
                raw.get("initial-interval"),
                "a positive duration such as 1s",
                DurationStyle::detectAndParse,
                d -> d.toMillis() >= 1);
        Optional<Duration> max = problems.parse(
                PREFIX + ".max-interval",
                raw.get("max-interval"),
                "a positive duration such as 1m",
                DurationStyle::detectAndParse,
                d -> d.toMillis() >= 1);
        if (initial.isPresent() && max.isPresent() && max.get().compareTo(initial.get()) < 0) {
            problems.expected(
                    PREFIX + ".max-interval",
                    "a duration not below initial-interval ("
                            + raw.get("initial-interval").trim() + ")",
                    Problems.show(raw.get("max-interval")));
        }
        return new DeadLetterStatusSettings(
                maxPending.orElse(1),
                giveUp.orElse(Duration.ofMillis(1)),
                initial.orElse(Duration.ofMillis(1)),
                max.orElse(Duration.ofMillis(1)));
    }
}
