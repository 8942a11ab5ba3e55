package com.miniatura.worker.render;

import com.miniatura.worker.render.RenderException.Reason;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The wall-clock budget of one render, checked between steps and inside every loop that runs over a whole
 * image: the decoder's rows (through its progress callbacks, which can abort it), colour conversion, box
 * shrinks, each resampling pass, filters and the encoder's rows. Reads time from a supplier so tests can drive
 * it without sleeping.
 *
 * <p>Between steps {@link #check} throws the typed {@link RenderException}; inside a loop, {@link #poll} throws
 * the unchecked {@link Expired}, which the {@link Renderer} turns into the same refusal, so the pixel loops
 * need no checked exceptions.
 */
public final class Deadline {

    /** A deadline that never passes: for steps run outside a render (tests, the watermark loader). */
    public static final Deadline NONE = new Deadline(() -> 0, Duration.ofNanos(Long.MAX_VALUE));

    /** Rows a loop may run between two polls: a few milliseconds of work at most. */
    public static final int ROWS = 16;

    /** The deadline passed inside a loop; {@link #stage} says which. */
    public static final class Expired extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String stage;

        public Expired(String stage) {
            super("render deadline passed while " + stage, null, false, false);
            this.stage = stage;
        }

        public String stage() {
            return stage;
        }
    }

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

    public static Deadline start(Duration timeout, LongSupplier nanoTime) {
        return new Deadline(nanoTime, timeout);
    }

    public boolean expired() {
        return nanoTime.getAsLong() - start > budget;
    }

    /** Nanoseconds left before the budget is spent, 0 once it is; {@link Long#MAX_VALUE} for {@link #NONE}. */
    public long remainingNanos() {
        return this == NONE ? Long.MAX_VALUE : Math.max(0, budget - (nanoTime.getAsLong() - start));
    }

    /** Throws {@link Expired} when the budget is spent: for pixel loops, every {@link #ROWS} rows or so. */
    public void poll(String stage) {
        if (this != NONE && expired()) {
            throw new Expired(stage);
        }
    }

    /** Throws the typed failure when the budget is spent; {@code stage} says where it ran out. */
    public void check(String stage) throws RenderException {
        if (expired()) {
            throw timedOut(stage);
        }
    }

    public RenderException timedOut(String stage) {
        return new RenderException(
                Reason.TIMED_OUT, "render timed out: took longer than " + describe(timeout) + " (while " + stage + ")");
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
