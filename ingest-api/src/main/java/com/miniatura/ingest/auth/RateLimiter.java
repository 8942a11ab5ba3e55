package com.miniatura.ingest.auth;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (Bucket4j): a key may send {@code burst} requests at once, then {@code requestsPerSecond}
 * on average. A refused request learns how long until its next token ({@code Retry-After}). Per process: with
 * {@code n} ingest replicas a key gets up to {@code n} times its limit.
 */
final class RateLimiter {
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final TimeMeter clock;

    RateLimiter(LongSupplier nanoTime) {
        this.clock = new NanoTimeMeter(nanoTime);
    }

    /** Takes one token for {@code principal}, or returns how many seconds (≥ 1) until one is available. */
    long acquire(Principal principal) {
        ConsumptionProbe probe = buckets.computeIfAbsent(principal.name(), name -> bucket(principal.rateLimit()))
                .tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }

    /** Full at first; refilled continuously: {@code burst} tokens every {@code burst / requestsPerSecond} seconds. */
    private Bucket bucket(AuthSettings.RateLimit limit) {
        Duration period = Duration.ofNanos(Math.max(1, Math.round(limit.burst() / limit.requestsPerSecond() * 1e9)));
        return Bucket.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit.burst()).refillGreedy(limit.burst(), period))
                .withCustomTimePrecision(clock)
                .build();
    }
}
