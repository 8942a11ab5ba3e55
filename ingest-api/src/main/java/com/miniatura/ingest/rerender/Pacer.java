package com.miniatura.ingest.rerender;

import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * Paces events (or deletions, or moves) to at most {@code perSecond}, evenly, shared by every thread: a Bucket4j
 * bucket of one token, so there is no burst after a pause.
 */
final class Pacer {
    private final Bucket bucket;

    private Pacer(double perSecond) {
        Duration interval = Duration.ofNanos(Math.max(1, (long) (1e9 / perSecond)));
        this.bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(1).refillGreedy(1, interval))
                .build();
    }

    /** A pacer for {@code perSecond} (> 0), or {@code null} for no limit (0). */
    static Pacer of(double perSecond) {
        return perSecond > 0 ? new Pacer(perSecond) : null;
    }

    void acquire() throws InterruptedException {
        bucket.asBlocking().consume(1);
    }
}
