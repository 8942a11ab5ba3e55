package com.miniatura.common.testing;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;
import tools.jackson.databind.exc.JsonNodeException;

/**
 * Findings of the fuzz tests, in every module, that are reported but not fixed yet (docs/fuzzing.md). The fuzz
 * tests skip an input that fails in exactly one of these ways, so that their committed crash seeds and the CI fuzz
 * budget stay green while the fix is pending; everything else still fails. Each entry has a regression test marked
 * {@code @Disabled("finding: ...")}: fixing the bug means deleting the entry and enabling that test. F3 and F9 have
 * no entry: no fuzz test has an oracle for F3, and F9's input (a hang) is kept out of the seed corpus.
 */
public final class KnownFindings {

    /** An open finding: what it is called in docs/fuzzing.md and how its failure looks. */
    public record Finding(String id, BiPredicate<Throwable, byte[]> failure) {

        /** An exception of {@code type} thrown from {@code className.method}. */
        static Finding thrownFrom(String id, Class<? extends Throwable> type, String className, String method) {
            return new Finding(id, (t, input) -> type.isInstance(t) && Arrays.stream(t.getStackTrace())
                    .anyMatch(f -> f.getClassName().equals(className) && f.getMethodName().equals(method)));
        }

        /** As {@link #thrownFrom(String, Class, String, String)}, with a message that contains {@code text}. */
        static Finding thrownFrom(String id, Class<? extends Throwable> type, String className, String method, String text) {
            Finding thrown = thrownFrom(id, type, className, method);
            return new Finding(id, (t, input) -> thrown.failure().test(t, input) && t.getMessage() != null
                    && t.getMessage().contains(text));
        }

        /** A failed assertion of a fuzz test whose message starts with {@code prefix}. */
        static Finding assertion(String id, String prefix) {
            return new Finding(id, (t, input) -> t instanceof AssertionError && t.getMessage() != null
                    && t.getMessage().startsWith(prefix));
        }
    }

    public static final List<Finding> OPEN = List.of(
            // Frames.count("tiff", b) reads the first-IFD offset (bytes 4-7) of a file Sniff named TIFF from its
            // first 4 bytes: "MM\0*" plus fewer than 4 bytes throws, out of Decode.decode too.
            Finding.thrownFrom("F1 frames-tiff-short-header", ArrayIndexOutOfBoundsException.class,
                    "com.miniatura.worker.render.Frames", "tiff"),
            // Exif's copyright keeps C1 control characters (U+0080-U+009F): \p{Cntrl} is ASCII-only.
            Finding.assertion("F2 exif-copyright-c1-controls", "C1 control character in copyright"),
            // MinioNotification.metadata calls asString() on a user metadata value that is an object or an array.
            Finding.thrownFrom("F4 minio-metadata-not-a-string", JsonNodeException.class,
                    "com.miniatura.ingest.http.MinioNotification", "metadata", "asString()"),
            // MinioNotification.record calls asLong() on an integral "size" beyond the long range.
            Finding.thrownFrom("F5 minio-size-out-of-long-range", JsonNodeException.class,
                    "com.miniatura.ingest.http.MinioNotification", "record", "asLong()"),
            // ManifestCodec.read returns null for the JSON document "null".
            Finding.assertion("F6 manifest-json-null", "read a manifest as null"),
            // ManifestCodec.read accepts a manifest without a status; NotificationsController and Rerender trip on it.
            Finding.assertion("F7 manifest-without-status", "read a manifest without a status"),
            // TwelveMonkeys allocates an embedded ICC profile (JPEG APP2, WebP ICCP) at the size its header claims:
            // under the fuzz budget's 1 GB heap a 1 KB file runs out of memory, an Error that escapes Decode. Told
            // by the input, as the JVM throws its OutOfMemoryErrors without a stack trace after the first few.
            new Finding("F8 icc-profile-size-allocates",
                    (t, input) -> t instanceof OutOfMemoryError && input != null && IccClaims.claimsMoreThanItHas(input)));

    @FunctionalInterface
    public interface Action<E extends Exception> {
        void run() throws E;
    }

    private KnownFindings() {
    }

    /** Runs {@code action}: false when it returns, true when it fails as an {@link #OPEN} finding; else rethrows. */
    public static <E extends Exception> boolean tolerated(Action<E> action) throws E {
        return tolerated(null, action);
    }

    /** As {@link #tolerated(Action)}, for findings that are told by the {@code input} too. */
    public static <E extends Exception> boolean tolerated(byte[] input, Action<E> action) throws E {
        try {
            action.run();
            return false;
        } catch (RuntimeException | Error e) {
            for (Finding finding : OPEN) {
                if (finding.failure().test(e, input)) {
                    return true;
                }
            }
            throw e;
        }
    }

    /** F8's inputs: a JPEG or WebP whose embedded ICC profile claims (bytes 0-3) more bytes than the file holds. */
    static final class IccClaims {
        private IccClaims() {
        }

        static boolean claimsMoreThanItHas(byte[] b) {
            if (b.length > 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F') {
                for (long pos = 12; pos + 8 <= b.length; ) {
                    int p = (int) pos;
                    long length = le32(b, p + 4);
                    if (b[p] == 'I' && b[p + 1] == 'C' && b[p + 2] == 'C' && b[p + 3] == 'P' && p + 12 <= b.length) {
                        return be32(b, p + 8) > length;
                    }
                    pos += 8 + length + (length & 1);
                }
                return false;
            }
            if (b.length > 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
                long claimed = -1;
                long present = 0;
                for (int pos = 2; pos + 4 <= b.length && (b[pos] & 0xFF) == 0xFF; ) {
                    int marker = b[pos + 1] & 0xFF;
                    int length = (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF);
                    if (marker == 0xDA || length < 2) {
                        break;
                    }
                    if (marker == 0xE2 && length >= 16 && pos + 18 <= b.length
                            && new String(b, pos + 4, 11, java.nio.charset.StandardCharsets.ISO_8859_1).equals("ICC_PROFILE")) {
                        present += length - 16;
                        if (claimed < 0 && pos + 22 <= b.length) {
                            claimed = be32(b, pos + 18);
                        }
                    }
                    pos += 2 + length;
                }
                return claimed > present;
            }
            return false;
        }

        private static long le32(byte[] b, int p) {
            return (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24;
        }

        private static long be32(byte[] b, int p) {
            return (b[p] & 0xFFL) << 24 | (b[p + 1] & 0xFFL) << 16 | (b[p + 2] & 0xFFL) << 8 | (b[p + 3] & 0xFFL);
        }
    }
}
