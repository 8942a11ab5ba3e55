package com.miniatura.common.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Random access to a source's bytes for {@link FormatSniffer}: the worker holds the whole source in memory, the
 * API only a file on disk, and both must be judged on the same bytes.
 */
public interface SourceBytes {

    long length();

    /** The byte at {@code position} (0..255), or -1 outside the source. */
    int u8(long position);

    /** Up to {@code length} bytes from {@code position} (fewer at the end). */
    default byte[] read(long position, int length) {
        int n = (int) Math.max(0, Math.min(length, length() - position));
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) u8(position + i);
        }
        return out;
    }

    static SourceBytes of(byte[] bytes) {
        return new SourceBytes() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public int u8(long position) {
                return position >= 0 && position < bytes.length ? bytes[(int) position] & 0xFF : -1;
            }
        };
    }

    /**
     * The bytes of an open file, read through one window at a time (the sniffer reads the start and hops over
     * a few headers); a read failure is an {@link UncheckedIOException}.
     */
    static SourceBytes of(FileChannel file) throws IOException {
        long length = file.size();
        return new SourceBytes() {
            private final ByteBuffer window = ByteBuffer.allocate(FormatSniffer.TEXT_SCAN);
            private long windowStart = -1;

            @Override
            public long length() {
                return length;
            }

            @Override
            public int u8(long position) {
                if (position < 0 || position >= length) {
                    return -1;
                }
                if (windowStart < 0 || position < windowStart || position >= windowStart + window.limit()) {
                    fill(position);
                }
                return window.get((int) (position - windowStart)) & 0xFF;
            }

            private void fill(long position) {
                window.clear();
                try {
                    while (window.hasRemaining() && file.read(window, position + window.position()) > 0) {
                        // read until the window is full or the file ends
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                window.flip();
                windowStart = position;
            }
        };
    }
}
