package com.miniatura.ingest.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key: a key may send {@code burst} requests at once, then {@code requestsPerSecond} on
 * average. A refused request learns how long until its next token ({@code Retry-After}). Per process: with
 * {@code n} ingest replicas a key gets up to {@code n} times its limit.
 */
final class RateLimiter {
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    RateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Takes one token for {@code principal}, or returns how many seconds (≥ 1) until one is available. */
    long acquire(Principal principal) {
        AuthSettings.RateLimit limit = principal.rateLimit();
        return buckets.computeIfAbsent(principal.name(), name -> new Bucket(limit.burst(), nanoTime.getAsLong()))
                .take(limit, nanoTime.getAsLong());
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(int tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized long take(AuthSettings.RateLimit limit, long now) {
            tokens = Math.min(limit.burst(), tokens + (now - updated) / 1e9 * limit.requestsPerSecond());
            updated = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / limit.requestsPerSecond()));
        }
    }
}
