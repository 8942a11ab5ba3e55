package com.miniatura.common.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a response body whole, refusing one over a limit with {@link ObjectTooLargeException}. */
final class BoundedRead {
    /** The largest array a JVM allocates (a few header words below {@link Integer#MAX_VALUE}). */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private BoundedRead() {}

    /**
     * The whole body. With a declared length it is read straight into an array of that size, so a 50 MB original
     * costs 50 MB (a growing buffer held 114 MB for it at its peak: its last doubling to 64 MB, then the copy out).
     * Without one, or should more follow than declared, it is read on up to {@code maxBytes} and refused beyond.
     */
    static byte[] read(InputStream in, long declared, long maxBytes, String bucket, String key) throws IOException {
        long limit = Math.min(maxBytes, MAX_ARRAY);
        if (declared > limit) {
            throw new ObjectTooLargeException(bucket, key, declared, limit);
        }
        if (declared < 0) {
            return readAtMost(in, new ByteArrayOutputStream(), limit, bucket, key);
        }
        byte[] bytes = new byte[(int) declared];
        int read = in.readNBytes(bytes, 0, bytes.length);
        if (read < bytes.length) {
            throw new IOException("the body ended after " + read + " of " + declared + " bytes");
        }
        int next = in.read();
        if (next < 0) {
            return bytes;
        }
        ByteArrayOutputStream more = new ByteArrayOutputStream((int) Math.min(MAX_ARRAY, bytes.length + 64L * 1024));
        more.write(bytes);
        more.write(next);
        return readAtMost(in, more, limit, bucket, key);
    }

    /** What is in {@code out}, then the rest of {@code in}, refusing it all beyond {@code limit} bytes. */
    private static byte[] readAtMost(InputStream in, ByteArrayOutputStream out, long limit, String bucket, String key)
            throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = out.size();
        if (total > limit) {
            throw new ObjectTooLargeException(bucket, key, -1, limit);
        }
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
            if (total > limit) {
                throw new ObjectTooLargeException(bucket, key, -1, limit);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
