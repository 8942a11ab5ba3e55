package com.miniatura.ingest.auth;

import io.github.bucket4j.TimeMeter;
import java.util.function.LongSupplier;

/** Bucket4j's time from a nanosecond source: {@code System::nanoTime}, or a test's hand-driven clock. */
record NanoTimeMeter(LongSupplier nanoTime) implements TimeMeter {
    @Override
    public long currentTimeNanos() {
        return nanoTime.getAsLong();
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }
}
