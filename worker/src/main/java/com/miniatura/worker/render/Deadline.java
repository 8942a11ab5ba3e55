package com.miniatura.worker.render;

import com.miniatura.worker.render.RenderException.Reason;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The wall-clock budget of one render, checked between steps and, while decoding, between rows
 * (through the decoder's progress callbacks, which can abort it). Reads time from a supplier so tests
 * can drive it without sleeping.
 */
final class Deadline {
    private final LongSupplier nanoTime;
    private final long start;
    private final long budget;
    private final Duration timeout;

    private Deadline(LongSupplier nanoTime, Duration timeout) {
        this.nanoTime = nanoTime;
        this.timeout = timeout;
        this.start = nanoTime.getAsLong();
        this.budget = timeout.toNanos();
    }

    static Deadline start(Duration timeout, LongSupplier nanoTime) {
        return new Deadline(nanoTime, timeout);
    }

    boolean expired() {
        return nanoTime.getAsLong() - start > budget;
    }

    /** Throws the typed failure when the budget is spent; {@code stage} says where it ran out. */
    void check(String stage) throws RenderException {
        if (expired()) {
            throw timedOut(stage);
        }
    }

    RenderException timedOut(String stage) {
        return new RenderException(Reason.TIMED_OUT,
                "render timed out: took longer than " + describe(timeout) + " (while " + stage + ")");
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
