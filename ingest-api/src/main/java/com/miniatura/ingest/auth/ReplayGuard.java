package com.miniatura.ingest.auth;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers every verified signature until its timestamp falls out of the replay window, so a captured request
 * sent again is refused even within the window. A signature older than the window is refused by its timestamp,
 * so nothing needs remembering longer.
 *
 * <p>Per process: with several ingest replicas, a replay to another replica within the window is let in. Every
 * write is idempotent by imageId, so a replay repeats a render, never corrupts one.
 */
final class ReplayGuard {
    private final Map<String, Long> seen = new ConcurrentHashMap<>(); // signature → forget after (epoch ms)
    private final Clock clock;
    private volatile long nextSweep;

    ReplayGuard(Clock clock) {
        this.clock = clock;
    }

    /** True the first time {@code signature} is offered; false for a replay. */
    boolean firstUse(String signature, long forgetAfterMillis) {
        long now = clock.millis();
        if (now >= nextSweep) {
            nextSweep = now + 10_000;
            seen.values().removeIf(until -> until < now);
        }
        Long previous = seen.putIfAbsent(signature, forgetAfterMillis);
        return previous == null || previous < now;
    }

    int size() {
        return seen.size();
    }
}
