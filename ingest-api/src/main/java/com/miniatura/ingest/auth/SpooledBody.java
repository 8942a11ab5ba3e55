package com.miniatura.ingest.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A request body read to its end, at most {@code limit} bytes, with the SHA-256 of those bytes computed as they
 * arrived: held in memory (small JSON bodies) or written to a temporary file (uploads). The buffer grows with
 * the bytes that actually arrive, never with what a header announces. {@link #close()} deletes the file.
 */
final class SpooledBody implements Closeable {
    private static final int CHUNK = 16 * 1024;

    private final byte[] bytes;
    private final Path file;
    private final long length;
    private final byte[] sha256;

    private SpooledBody(byte[] bytes, Path file, long length, byte[] sha256) {
        this.bytes = bytes;
        this.file = file;
        this.length = length;
        this.sha256 = sha256;
    }

    /**
     * Reads {@code in} to its end.
     *
     * @param toDisk a temporary file rather than the heap
     * @throws BodyTooLargeException past {@code limit} bytes (nothing is kept)
     */
    static SpooledBody read(InputStream in, long limit, boolean toDisk) throws IOException {
        MessageDigest digest = sha256Digest();
        Path file = toDisk ? Files.createTempFile("miniatura-signed-", ".body") : null;
        ByteArrayOutputStream memory = toDisk ? null : new ByteArrayOutputStream((int) Math.min(limit, CHUNK));
        boolean kept = false;
        try (OutputStream out = toDisk ? Files.newOutputStream(file) : memory) {
            byte[] buffer = new byte[CHUNK];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > limit) {
                    throw new BodyTooLargeException(limit);
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            kept = true;
            return new SpooledBody(toDisk ? null : memory.toByteArray(), file, total, digest.digest());
        } finally {
            if (!kept && file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    long length() {
        return length;
    }

    byte[] sha256() {
        return sha256.clone();
    }

    /** The bytes again, from the start. */
    InputStream open() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(bytes);
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
