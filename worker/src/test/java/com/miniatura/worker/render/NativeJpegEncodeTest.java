package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.EncodeJpegTest.Segment;
import com.miniatura.worker.render.codec.Encode;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JPEGs encoded by libjpeg-turbo ({@link TurboJpeg#encode}) against the JDK's writer, option by option: the same
 * frame (scan mode, sampling factors), the same quantisation tables, optimised Huffman tables, the copyright in
 * the same APP1 at the same place, and the same picture within rounding, in as many bytes give or take 1 %.
 */
class NativeJpegEncodeTest {

    private static Optional<TurboJpeg> turbo;

    @BeforeAll
    static void library() {
        Optional<TurboJpeg> loaded = Optional.of(NativeLibraries.turboJpeg());
        assertThat(loaded.get().encodesOptimised())
                .as(TurboJpeg.OPTIMIZE_VARIABLE + " set in this process")
                .isTrue();
        turbo = loaded;
    }

    static Stream<EncodeJpegTest.SofCase> sofCases() {
        return EncodeJpegTest.sofCases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sofCases")
    void libjpegTurboWritesTheFileTheJdkWriterWrites(EncodeJpegTest.SofCase c) {
        BufferedImage photo = EncodeJpegTest.photo();
        for (int quality : new int[] {30, 80, 85, 95}) {
            VariantSpec spec = EncodeJpegTest.spec(quality, c.progressive(), c.chroma());
            byte[] jdk = Encode.apply(photo, spec, null, Deadline.NONE, Optional.empty());
            byte[] ours = Encode.apply(photo, spec, null, Deadline.NONE, turbo);

            assertThat(markers(ours)).as("segments before the scan").isEqualTo(markers(jdk));
            assertThat(payload(ours, c.sofMarker())).as("frame header").isEqualTo(payload(jdk, c.sofMarker()));
            byte[] tables = payload(ours, 0xDB);
            byte[] jdkTables = payload(jdk, 0xDB);
            // the standard tables scaled by quality: libjpeg in whole percent, the JDK in floating point, so an
            // entry that lands on .5 may round the other way (q30, q85); the same tables otherwise
            assertThat(tables).hasSameSizeAs(jdkTables);
            for (int i = 0; i < tables.length; i++) {
                assertThat(tables[i] & 0xFF)
                        .as("quantisation table byte %d at q%d", i, quality)
                        .isCloseTo(jdkTables[i] & 0xFF, within(1));
            }
            double ratio = (double) ours.length / jdk.length;
            System.out.printf(
                    Locale.ROOT, "%-22s q%-3d %7d / %7d bytes = %.4f%n", c, quality, ours.length, jdk.length, ratio);
            assertThat(ratio)
                    .as("bytes against the JDK writer's at q%d", quality)
                    .isBetween(0.99, 1.01);
            assertThat(RenderTestSupport.meanAbsDiff(RenderTestSupport.read(ours), RenderTestSupport.read(jdk)))
                    .as("the same picture, within rounding, at q%d", quality)
                    .isLessThan(0.5);
        }
    }

    /** Without {@code TJ_OPTIMIZE} libjpeg-turbo 2.1 writes the standard tables of ITU T.81 Annex K. */
    @Test
    void baselineHuffmanTablesAreOptimisedForTheImage() {
        byte[] jpeg = Encode.apply(
                EncodeJpegTest.photo(),
                EncodeJpegTest.spec(80, false, ChromaSubsampling.S420),
                null,
                Deadline.NONE,
                turbo);

        byte[] dht = payload(jpeg, 0xC4);
        int[] bits = new int[16];
        for (int i = 0; i < 16; i++) {
            bits[i] = dht[1 + i] & 0xFF;
        }
        assertThat(dht[0]).as("first table: class DC, id 0").isEqualTo((byte) 0x00);
        assertThat(bits)
                .as("luminance DC code lengths")
                .isNotEqualTo(new int[] {0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0});
    }

    @Test
    void theCopyrightGoesInTheJdkWritersApp1RightAfterJfif() {
        VariantSpec spec =
                EncodeJpegTest.spec(80, false, ChromaSubsampling.S420).withKeepCopyright(true);
        byte[] jdk = Encode.apply(EncodeJpegTest.photo(), spec, "© 2026 Ann Example", Deadline.NONE, Optional.empty());
        byte[] ours = Encode.apply(EncodeJpegTest.photo(), spec, "© 2026 Ann Example", Deadline.NONE, turbo);

        assertThat(markers(ours)).startsWith(0xE0, 0xE1).isEqualTo(markers(jdk));
        assertThat(payload(ours, 0xE1)).isEqualTo(payload(jdk, 0xE1));
    }

    /** A crop taken as a view of a larger image's buffer is encoded as its own pixels, not the buffer's start. */
    @Test
    void aSubimageViewIsEncodedAsTheViewsPixels() {
        BufferedImage photo = Encode.bgr(EncodeJpegTest.photo());
        BufferedImage view = photo.getSubimage(101, 57, 200, 150);
        VariantSpec spec = EncodeJpegTest.spec(95, false, ChromaSubsampling.S444);

        byte[] ours = Encode.apply(view, spec, null, Deadline.NONE, turbo);
        byte[] jdk = Encode.apply(view, spec, null, Deadline.NONE, Optional.empty());

        assertThat(RenderTestSupport.meanAbsDiff(RenderTestSupport.read(ours), RenderTestSupport.read(jdk)))
                .isLessThan(0.5);
    }

    @Test
    void anImageWithAlphaIsRefused() {
        BufferedImage argb = EncodeJpegTest.synthetic(8, 8, BufferedImage.TYPE_INT_ARGB);
        assertThatThrownBy(() -> Encode.apply(
                        argb, EncodeJpegTest.spec(80, false, ChromaSubsampling.S420), null, Deadline.NONE, turbo))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JPEG output needs an opaque image: flatten alpha first");
    }

    private static List<Integer> markers(byte[] jpeg) {
        return EncodeJpegTest.segments(jpeg).stream().map(Segment::marker).toList();
    }

    /** The payloads of every segment with {@code marker} before the first scan, concatenated. */
    private static byte[] payload(byte[] jpeg, int marker) {
        List<byte[]> payloads = EncodeJpegTest.segments(jpeg).stream()
                .filter(s -> s.marker() == marker)
                .map(Segment::payload)
                .toList();
        assertThat(payloads).as("segments FF%02X", marker).isNotEmpty();
        int length = payloads.stream().mapToInt(p -> p.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : payloads) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
