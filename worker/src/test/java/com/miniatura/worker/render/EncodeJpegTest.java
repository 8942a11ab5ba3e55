package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Encode;
import com.miniatura.worker.render.filter.ToSrgb;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** JPEG options reach the JDK writer: frame type, chroma subsampling, quality, Huffman optimisation, markers. */
class EncodeJpegTest {

    private static final BufferedImage SYNTHETIC = synthetic(97, 61, BufferedImage.TYPE_INT_RGB);

    record SofCase(boolean progressive, ChromaSubsampling chroma, int sofMarker, int[] samplingBytes) {
        @Override
        public String toString() {
            return (progressive ? "progressive" : "baseline") + " " + chroma.configName();
        }
    }

    static Stream<SofCase> sofCases() {
        return Stream.of(
                new SofCase(false, ChromaSubsampling.S420, 0xC0, new int[] {0x22, 0x11, 0x11}),
                new SofCase(false, ChromaSubsampling.S422, 0xC0, new int[] {0x21, 0x11, 0x11}),
                new SofCase(false, ChromaSubsampling.S444, 0xC0, new int[] {0x11, 0x11, 0x11}),
                new SofCase(true, ChromaSubsampling.S420, 0xC2, new int[] {0x22, 0x11, 0x11}),
                new SofCase(true, ChromaSubsampling.S422, 0xC2, new int[] {0x21, 0x11, 0x11}),
                new SofCase(true, ChromaSubsampling.S444, 0xC2, new int[] {0x11, 0x11, 0x11}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sofCases")
    void frameHeaderCarriesTheScanModeAndSampling(SofCase c) {
        byte[] jpeg = Encode.apply(SYNTHETIC, spec(80, c.progressive(), c.chroma()), null);

        List<Segment> segments = segments(jpeg);
        List<Integer> sofs = segments.stream()
                .map(Segment::marker)
                .filter(m -> m == 0xC0 || m == 0xC2)
                .toList();
        assertThat(sofs).as("one SOF0 (baseline) or SOF2 (progressive)").containsExactly(c.sofMarker());
        byte[] sof = segments.stream()
                .filter(s -> s.marker() == c.sofMarker())
                .findFirst()
                .orElseThrow()
                .payload();
        assertThat(new int[] {uint16(sof, 3), uint16(sof, 1)})
                .as("width, height")
                .containsExactly(97, 61);
        assertThat(sof[5]).as("components").isEqualTo((byte) 3);
        int[] sampling = {sof[7] & 0xFF, sof[10] & 0xFF, sof[13] & 0xFF};
        assertThat(sampling).as("H<<4|V of Y, Cb, Cr").containsExactly(c.samplingBytes());
        assertThat(RenderTestSupport.meanAbsDiff(RenderTestSupport.read(jpeg), SYNTHETIC))
                .as("decodes to the image")
                .isLessThan(6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sofCases")
    void higherQualityMakesBiggerFilesOnAPhoto(SofCase c) {
        BufferedImage photo = photo();
        List<Integer> sizes = new ArrayList<>();
        for (int quality : new int[] {10, 30, 50, 70, 85, 95, 100}) {
            sizes.add(Encode.apply(photo, spec(quality, c.progressive(), c.chroma()), null).length);
        }
        assertThat(sizes).as("sizes at q10, 30, 50, 70, 85, 95, 100").isSorted().doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sofCases")
    void onlyJfifAndCodingSegmentsBeforeTheScan(SofCase c) {
        byte[] jpeg = Encode.apply(SYNTHETIC, spec(80, c.progressive(), c.chroma()), "© someone (not kept)");

        List<Segment> segments = segments(jpeg);
        assertThat(segments.get(0).marker()).as("APP0 first").isEqualTo(0xE0);
        assertThat(new String(segments.get(0).payload(), 0, 5, StandardCharsets.ISO_8859_1))
                .isEqualTo("JFIF\0");
        assertThat(segments.subList(1, segments.size()))
                .extracting(Segment::marker)
                .as("quantisation, Huffman, frame and scan headers only: no APPn, no comment")
                .allMatch(m -> m == 0xDB || m == 0xC4 || m == c.sofMarker() || m == 0xDA);
    }

    /** Luminance DC code lengths of ITU T.81 Annex K (table K.3): what an unoptimised baseline file carries. */
    private static final int[] STANDARD_LUMA_DC_BITS = {0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};

    /**
     * The JPEG writer is handed 3-byte BGR pixels (its native layout, a third faster than packed ints): the
     * copy must hold exactly the same pixels, also for a cropped view sharing a larger image's buffer and for
     * an image that is not packed RGB, or the encoded bytes would differ.
     */
    @Test
    void theBgrCopyForTheJpegWriterHoldsExactlyThePixels() {
        Random random = new Random(7);
        BufferedImage packed = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
        BufferedImage gray = new BufferedImage(19, 11, BufferedImage.TYPE_BYTE_GRAY);
        for (BufferedImage image : List.of(packed, gray)) {
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    image.setRGB(x, y, random.nextInt());
                }
            }
        }
        for (BufferedImage image : List.of(packed, packed.getSubimage(5, 3, 20, 17), gray)) {
            BufferedImage bgr = Encode.bgr(image);
            assertThat(bgr.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
            assertThat(bgr.getRGB(0, 0, bgr.getWidth(), bgr.getHeight(), null, 0, bgr.getWidth()))
                    .containsExactly(
                            image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth()));
        }
    }

    @Test
    void baselineHuffmanTablesAreOptimisedForTheImage() {
        byte[] jpeg = Encode.apply(photo(), spec(80, false, ChromaSubsampling.S420), null);

        byte[] dht = segments(jpeg).stream()
                .filter(s -> s.marker() == 0xC4)
                .findFirst()
                .orElseThrow()
                .payload();
        assertThat(dht[0]).as("first table: class DC, id 0").isEqualTo((byte) 0x00);
        int[] bits = new int[16];
        for (int i = 0; i < 16; i++) {
            bits[i] = dht[1 + i] & 0xFF;
        }
        assertThat(bits).as("luminance DC code lengths").isNotEqualTo(STANDARD_LUMA_DC_BITS);
    }

    @Test
    void theJdkWriterIsUsedWhateverImageIoListsFirst() {
        assertThat(Encode.writer("jpeg", Encode.JDK_JPEG_WRITER).getClass().getName())
                .isEqualTo("com.sun.imageio.plugins.jpeg.JPEGImageWriter");
    }

    @Test
    void anImageWithAlphaIsRefused() {
        BufferedImage argb = synthetic(8, 8, BufferedImage.TYPE_INT_ARGB);
        assertThatThrownBy(() -> Encode.apply(argb, spec(80, false, ChromaSubsampling.S420), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JPEG output needs an opaque image: flatten alpha first");
    }

    static VariantSpec spec(int quality, boolean progressive, ChromaSubsampling chroma) {
        return RenderTestSupport.jpeg("t", 100, 100, Fit.INSIDE, quality)
                .withEncoding(OutputFormat.JPEG, quality, progressive, chroma, false);
    }

    /** {@code photos/DSCN0010.jpg} (640×480), decoded and in sRGB packed ints. */
    static BufferedImage photo() {
        try {
            return ToSrgb.apply(Decode.decode(RenderTestSupport.fixture("photos/DSCN0010.jpg"), RenderLimits.defaults())
                    .image());
        } catch (RenderException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Smooth colour ramps with fine noise: compresses like a photo (neither flat nor random). For ARGB, alpha
     * runs from 0 at the left through every level, with a fully transparent top-left block (all of a 1×1 image).
     */
    static BufferedImage synthetic(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Random noise = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = clamp(255 * x / width + noise.nextInt(9) - 4);
                int g = clamp(255 * y / height + noise.nextInt(9) - 4);
                int b = clamp(128 + (int) (100 * Math.sin((x + y) / 7.0)));
                boolean corner = x <= width / 4 && y <= height / 4;
                int a = type != BufferedImage.TYPE_INT_ARGB ? 255 : corner ? 0 : 255 * x / Math.max(1, width - 1);
                image.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
            }
        }
        return image;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    record Segment(int marker, byte[] payload) {
        @Override
        public String toString() {
            return String.format("FF%02X (%d bytes)", marker, payload.length);
        }
    }

    /** Segments from SOI up to and including the first scan header (payload = bytes after the length). */
    static List<Segment> segments(byte[] jpeg) {
        assertThat(uint16(jpeg, 0)).as("SOI").isEqualTo(0xFFD8);
        List<Segment> segments = new ArrayList<>();
        int pos = 2;
        while (true) {
            assertThat(jpeg[pos] & 0xFF).as("marker at %d", pos).isEqualTo(0xFF);
            int marker = jpeg[pos + 1] & 0xFF;
            int length = uint16(jpeg, pos + 2);
            segments.add(new Segment(marker, Arrays.copyOfRange(jpeg, pos + 4, pos + 2 + length)));
            if (marker == 0xDA) {
                return segments;
            }
            pos += 2 + length;
        }
    }

    static int uint16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }
}
