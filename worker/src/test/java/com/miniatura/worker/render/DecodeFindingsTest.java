package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.miniatura.worker.render.codec.Decode;
import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for what fuzzing {@link Decode#decode} found (docs/fuzzing.md, DecodeFuzzTest): a tiny file must
 * not make a decoder allocate what no limit allowed, nor run past the render deadline.
 */
class DecodeFindingsTest {

    private static final RenderLimits LIMITS = DecodeFuzzTest.LIMITS;

    /**
     * F8: TwelveMonkeys' JPEG and WebP readers allocate an embedded ICC profile at the size its header claims
     * ({@code ColorProfiles.readProfile}), before anything checks it: a 1 KB file costs 1 GB (an OutOfMemoryError
     * under a smaller heap, which escapes Decode as an Error).
     */
    @Test
    void anIccProfileClaimingAGigabyteIsNotAllocated() {
        byte[] liar = SyntheticInputs.matrixProfile("P3", SyntheticInputs.DISPLAY_P3, 2.2);
        ByteBuffer.wrap(liar).putInt(0, 0x40000000);
        byte[] jpeg =
                SyntheticInputs.withIccProfile(SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false), liar, 65519);
        byte[] webp = SyntheticInputs.webpWith(
                SyntheticInputs.webp(SyntheticInputs.rgbPatches(), true),
                SyntheticInputs.WIDTH,
                SyntheticInputs.HEIGHT,
                liar,
                null);

        assertThat(allocatedBy(jpeg))
                .as("bytes allocated decoding a %d-byte JPEG", jpeg.length)
                .isLessThan(64L << 20);
        assertThat(allocatedBy(webp))
                .as("bytes allocated decoding a %d-byte WebP", webp.length)
                .isLessThan(64L << 20);
    }

    /**
     * F9: a 513-byte lossless WebP whose Huffman code lengths run past the end of the data: TwelveMonkeys' bit reader
     * swallows the EOFException and goes on reading, one exception per byte, for minutes, and reports no progress,
     * so the 2 s render deadline never stops it. (Not a seed of DecodeFuzzTest: it would hang the build.)
     */
    @Test
    void aLosslessWebpReadingPastItsEndStopsAtTheDeadline() throws IOException {
        byte[] webp = resource("findings/F9-vp8l-huffman-codes-past-the-end.webp");

        assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> assertThatThrownBy(() -> Decode.decode(webp, LIMITS)).isInstanceOf(RenderException.class));
    }

    private static long allocatedBy(byte[] source) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try {
            Decode.decode(source, LIMITS);
        } catch (RenderException e) {
            // refusing it is fine; allocating a gigabyte first is not
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DecodeFindingsTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("no resource " + name));
            }
            return in.readAllBytes();
        }
    }
}
