package com.miniatura.worker.consume;

import java.util.random.RandomGenerator;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Exponential backoff with jitter, bounded in attempts and interval. The n-th retry (from 0) waits
 * {@code min(initial x multiplier^n, max)} scaled by a uniform random factor in
 * {@code [1 - jitter, 1 + jitter]} and clipped to {@code max}: spread out, so that consumers that failed
 * together (storage down) do not come back in lock-step. After {@code maxAttempts - 1} retries it answers
 * {@link BackOffExecution#STOP} and the record is dead-lettered. Spring's own backoffs have no jitter.
 */
public final class JitteredBackOff implements BackOff {
    private final RetrySettings settings;
    private final RandomGenerator random;

    /** {@code random} must be safe to share between consumer threads (say, a {@link java.util.Random}). */
    public JitteredBackOff(RetrySettings settings, RandomGenerator random) {
        this.settings = settings;
        this.random = random;
    }

    @Override
    public BackOffExecution start() {
        return new BackOffExecution() {
            private int retries;

            @Override
            public long nextBackOff() {
                if (retries >= settings.maxAttempts() - 1) {
                    return STOP;
                }
                double max = settings.maxInterval().toMillis();
                double base =
                        Math.min(settings.initialInterval().toMillis() * Math.pow(settings.multiplier(), retries), max);
                retries++;
                double factor = 1 + settings.jitter() * (2 * random.nextDouble() - 1);
                return Math.max(0, Math.round(Math.min(base * factor, max)));
            }

            @Override
            public String toString() {
                return "JitteredBackOff{retries=" + retries + ", " + settings + "}";
            }
        };
    }

    @Override
    public String toString() {
        return "JitteredBackOff" + settings;
    }
}
