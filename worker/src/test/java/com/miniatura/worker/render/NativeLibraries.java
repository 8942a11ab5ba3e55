package com.miniatura.worker.render;

import com.miniatura.common.testing.Prerequisite;
import org.junit.jupiter.api.Assumptions;

/**
 * The native libraries the worker binds, as test prerequisites ({@link Prerequisite}): a test that needs one is
 * skipped without it on a developer's machine and fails under CI, where {@code .ci/run} installs it; in the test run
 * that turns them off ({@code imageio-jpeg}, as on a bare JDK) it is skipped.
 */
public final class NativeLibraries {
    private NativeLibraries() {}

    /** libjpeg-turbo's TurboJPEG API ({@code libturbojpeg0}). */
    public static TurboJpeg turboJpeg() {
        Assumptions.assumeFalse(
                Boolean.getBoolean(TurboJpeg.DISABLED), "libjpeg-turbo turned off (the imageio-jpeg test run)");
        return TurboJpeg.load()
                .orElseThrow(() ->
                        Prerequisite.missing("libjpeg-turbo (libturbojpeg0) is not installed; .ci/run installs it"));
    }

    /** libavif 0.11 ({@code libavif15}). */
    public static Avif avif() {
        Assumptions.assumeFalse(Boolean.getBoolean(Avif.DISABLED), "libavif turned off (the imageio-jpeg test run)");
        return Avif.load()
                .orElseThrow(
                        () -> Prerequisite.missing("libavif 0.11 (libavif15) is not installed; .ci/run installs it"));
    }
}
