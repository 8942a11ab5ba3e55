package com.miniatura.worker.render.codec;

import com.miniatura.worker.render.Deadline;
import java.io.IOException;
import java.util.Objects;
import javax.imageio.IIOException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * The bytes of a source as the ImageIO readers read them, in place (no copy, no cache file), with two guards the
 * readers lack: reads go on only so long past the end of the data (TwelveMonkeys' WebP bit reader swallows the
 * end-of-file error of every read past the end and loops for minutes on a Huffman table that runs off the data),
 * and the render deadline is polled every few thousand reads, for readers that report no progress.
 */
public final class GuardedImageInputStream extends ImageInputStreamImpl {

    /** Reads past the end tolerated: a reader that checks for the end stops at the first. */
    public static final int MAX_READS_PAST_END = 1 << 16;
    /** Reads between two deadline polls. */
    private static final int POLL_MASK = (1 << 12) - 1;

    private final byte[] data;
    private Deadline deadline = Deadline.NONE;
    private int reads;
    private int pastEnd;

    public GuardedImageInputStream(byte[] data) {
        this.data = Objects.requireNonNull(data, "data");
    }

    /** From now on, reads poll {@code deadline}: {@link Deadline.Expired} ends the decode. */
    public void watch(Deadline deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public int read() throws IOException {
        checkClosed();
        bitOffset = 0;
        tick();
        if (streamPos >= data.length) {
            return endOfData();
        }
        return data[(int) streamPos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkClosed();
        Objects.checkFromIndexSize(off, len, b.length);
        bitOffset = 0;
        tick();
        if (len == 0) {
            return 0;
        }
        if (streamPos >= data.length) {
            return endOfData();
        }
        int n = (int) Math.min(len, data.length - streamPos);
        System.arraycopy(data, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return data.length;
    }

    @Override
    public boolean isCached() {
        return true;
    }

    @Override
    public boolean isCachedMemory() {
        return true;
    }

    private void tick() {
        if ((++reads & POLL_MASK) == 0) {
            deadline.poll("decoding");
        }
    }

    private int endOfData() throws IIOException {
        if (++pastEnd > MAX_READS_PAST_END) {
            throw new IIOException("the file ends before its image data does");
        }
        return -1;
    }
}
