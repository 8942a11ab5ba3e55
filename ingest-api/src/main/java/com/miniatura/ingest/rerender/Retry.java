package com.miniatura.ingest.rerender;

import com.miniatura.common.storage.StorageUnavailableException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Storage outages retried with exponential backoff (1 s, 2 s, 4 s … at most 30 s), up to {@link #ATTEMPTS} attempts,
 * and not at all once the run is halted: the one retry policy of rerender, {@code --prune} and {@code --move-metadata}.
 */
final class Retry {
    static final int ATTEMPTS = 6;

    private final BooleanSupplier halted;
    private final Sleeper sleeper;

    /** How a wait is waited: {@code Thread::sleep}, or a test's record of the waits. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** @param halted whether the run is stopping: a failure then is thrown at once */
    Retry(BooleanSupplier halted) {
        this(halted, Thread::sleep);
    }

    Retry(BooleanSupplier halted, Sleeper sleeper) {
        this.halted = halted;
        this.sleeper = sleeper;
    }

    /** The call's result, retrying it while storage is unavailable. */
    <T> T call(Supplier<T> call) {
        Attempts attempts = attempts();
        while (true) {
            try {
                return call.get();
            } catch (StorageUnavailableException e) {
                try {
                    attempts.failed(e);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The count of failures of a longer task that resumes where it was, such as listing a key range. */
    Attempts attempts() {
        return new Attempts();
    }

    /** Failures in a row; {@link #reset} after progress. */
    final class Attempts {
        private int failed;

        private Attempts() {}

        /** Waits before the next attempt, or throws {@code e} when it was the last or the run is halted. */
        void failed(StorageUnavailableException e) throws InterruptedException {
            long wait = backoffMillis();
            failed++;
            if (failed >= ATTEMPTS || halted.getAsBoolean()) {
                throw e;
            }
            sleeper.sleep(wait);
        }

        /** What the next {@link #failed} waits, for a log line. */
        long backoffMillis() {
            return Math.min(30_000, 500L << (failed + 1));
        }

        void reset() {
            failed = 0;
        }
    }
}
