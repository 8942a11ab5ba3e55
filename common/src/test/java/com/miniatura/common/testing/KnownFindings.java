package com.miniatura.common.testing;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.databind.exc.JsonNodeException;

/**
 * Findings of the fuzz tests, in every module, that are reported but not fixed yet (docs/fuzzing.md). The fuzz
 * tests skip an input that fails in exactly one of these ways, so that their committed crash seeds and the CI fuzz
 * budget stay green while the fix is pending; everything else still fails. Each entry has a regression test marked
 * {@code @Disabled("finding: ...")}: fixing the bug means deleting the entry and enabling that test.
 */
public final class KnownFindings {

    /** An open finding: what it is called in docs/fuzzing.md and how its failure looks. */
    public record Finding(String id, Predicate<Throwable> failure) {

        /** An exception of {@code type} thrown from {@code className.method}. */
        static Finding thrownFrom(String id, Class<? extends Throwable> type, String className, String method) {
            return new Finding(id, t -> type.isInstance(t) && Arrays.stream(t.getStackTrace())
                    .anyMatch(f -> f.getClassName().equals(className) && f.getMethodName().equals(method)));
        }

        /** As {@link #thrownFrom(String, Class, String, String)}, with a message that contains {@code text}. */
        static Finding thrownFrom(String id, Class<? extends Throwable> type, String className, String method, String text) {
            Finding thrown = thrownFrom(id, type, className, method);
            return new Finding(id, t -> thrown.failure().test(t) && t.getMessage() != null && t.getMessage().contains(text));
        }

        /** A failed assertion of a fuzz test whose message starts with {@code prefix}. */
        static Finding assertion(String id, String prefix) {
            return new Finding(id, t -> t instanceof AssertionError && t.getMessage() != null && t.getMessage().startsWith(prefix));
        }
    }

    public static final List<Finding> OPEN = List.of(
            // Frames.count("tiff", b) reads the first-IFD offset (bytes 4-7) of a file Sniff named TIFF from its
            // first 4 bytes: "MM\0*" plus fewer than 4 bytes throws, out of Decode.decode too.
            Finding.thrownFrom("F1 frames-tiff-short-header", ArrayIndexOutOfBoundsException.class,
                    "com.miniatura.worker.render.Frames", "tiff"),
            // Exif's copyright keeps C1 control characters (U+0080-U+009F): \p{Cntrl} is ASCII-only.
            Finding.assertion("F2 exif-copyright-c1-controls", "C1 control character in copyright"),
            // ManifestCodec.read returns null for the JSON document "null".
            Finding.assertion("F6 manifest-json-null", "read a manifest as null"),
            // ManifestCodec.read accepts a manifest without a status; NotificationsController and Rerender trip on it.
            Finding.assertion("F7 manifest-without-status", "read a manifest without a status"),
            // MinioNotification.metadata calls asString() on a user metadata value that is an object or an array.
            Finding.thrownFrom("F4 minio-metadata-not-a-string", JsonNodeException.class,
                    "com.miniatura.ingest.http.MinioNotification", "metadata", "asString()"),
            // MinioNotification.record calls asLong() on an integral "size" beyond the long range.
            Finding.thrownFrom("F5 minio-size-out-of-long-range", JsonNodeException.class,
                    "com.miniatura.ingest.http.MinioNotification", "record", "asLong()"),
            // TwelveMonkeys allocates an embedded ICC profile (JPEG APP2, WebP ICCP) at the size its header claims:
            // under the fuzz budget's 1 GB heap a 1 KB file runs out of memory, an Error that escapes Decode.
            Finding.thrownFrom("F8 icc-profile-size-allocates", OutOfMemoryError.class,
                    "com.twelvemonkeys.imageio.color.ColorProfiles", "readProfile"));

    @FunctionalInterface
    public interface Action<E extends Exception> {
        void run() throws E;
    }

    private KnownFindings() {
    }

    /** Runs {@code action}: false when it returns, true when it fails as an {@link #OPEN} finding; else rethrows. */
    public static <E extends Exception> boolean tolerated(Action<E> action) throws E {
        try {
            action.run();
            return false;
        } catch (RuntimeException | Error e) {
            for (Finding finding : OPEN) {
                if (finding.failure().test(e)) {
                    return true;
                }
            }
            throw e;
        }
    }
}
