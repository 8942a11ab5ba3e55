package com.miniatura.ingest;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.ConfigurationSection;
import com.miniatura.common.config.Problems;
import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Stuck images, {@code miniatura.ingest.stuck.*}: images {@code pending} for longer than they should be (an event lost
 * before a worker saw it, or whose failed status could not be written).
 *
 * @param after           a {@code pending} status older than this is reported stuck by the status read and counted
 *                        by the sweep
 * @param sweepInterval   how often each API instance lists the pending markers to count stuck images
 * @param sweepMaxMarkers most markers one sweep lists; beyond, the counts are those of the first ones (in key order)
 * @param sweepMaxChecks  most manifests one sweep reads to tell a marker left behind (its image no longer pending)
 *                        from a stuck image; the markers past it count as stuck until a later sweep checks them
 */
public record StuckSettings(Duration after, Duration sweepInterval, int sweepMaxMarkers, int sweepMaxChecks) {
    public static final String PREFIX = "miniatura.ingest.stuck";

    public static StuckSettings load(ConfigurableEnvironment environment, Problems problems) {
        ConfigurationSection raw = new ConfigurationReader(environment).readFlat(PREFIX);
        Duration after = problems.parse(
                        PREFIX + ".after",
                        raw.get("after"),
                        "a duration from 1m to 30d such as 1h",
                        DurationStyle::detectAndParse,
                        d -> d.compareTo(Duration.ofMinutes(1)) >= 0 && d.compareTo(Duration.ofDays(30)) <= 0)
                .orElse(Duration.ofHours(1));
        Duration interval = problems.parse(
                        PREFIX + ".sweep-interval",
                        raw.get("sweep-interval"),
                        "a duration from 10s to 1d such as 5m",
                        DurationStyle::detectAndParse,
                        d -> d.compareTo(Duration.ofSeconds(10)) >= 0 && d.compareTo(Duration.ofDays(1)) <= 0)
                .orElse(Duration.ofMinutes(5));
        int maxMarkers = problems.parse(
                        PREFIX + ".sweep-max-markers",
                        raw.get("sweep-max-markers"),
                        "a number of markers 1..10000000 such as 100000",
                        Integer::parseInt,
                        n -> n >= 1 && n <= 10_000_000)
                .orElse(1);
        int maxChecks = problems.parse(
                        PREFIX + ".sweep-max-checks",
                        raw.get("sweep-max-checks"),
                        "a number of manifest reads 0..100000 such as 1000",
                        Integer::parseInt,
                        n -> n >= 0 && n <= 100_000)
                .orElse(0);
        return new StuckSettings(after, interval, maxMarkers, maxChecks);
    }

    /** {@code after} as people write it: {@code 1h}, {@code 90m}, {@code 1h30m}, {@code 2d}. */
    public String afterText() {
        long seconds = after.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        StringBuilder text = new StringBuilder();
        if (seconds >= 3600) {
            text.append(seconds / 3600).append('h');
        }
        if (seconds % 3600 >= 60) {
            text.append(seconds % 3600 / 60).append('m');
        }
        if (seconds % 60 > 0) {
            text.append(seconds % 60).append('s');
        }
        return text.toString();
    }
}
