package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.SyntheticInputs.Entry;
import com.miniatura.worker.render.codec.Decode;
import com.sun.management.ThreadMXBean;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Structure bombs ({@link Structure}): files of modest size whose containers would make a decoder spend memory or
 * time out of all proportion, each refused from its structure before a decoder sees it, with its own reason; and
 * files at the edge of each bound, which render.
 */
class StructureTest {

    record Case(String label, Supplier<byte[]> source, Reason reason, String message) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> refused() {
        return Stream.of(
                new Case(
                        "a progressive JPEG of 5000 scans",
                        () -> LargeImages.manyScansJpeg(5000),
                        Reason.TOO_COMPLEX,
                        "too complex to render: the JPEG has more than 100 scans"),
                new Case(
                        "a progressive JPEG of 101 scans",
                        () -> LargeImages.manyScansJpeg(101),
                        Reason.TOO_COMPLEX,
                        "too complex to render: the JPEG has more than 100 scans"),
                new Case(
                        "a JPEG of 300 APP1 segments of 64 KB (19 MB of metadata)",
                        () -> jpegWithSegments(0xE1, 300, 65_000),
                        Reason.TOO_COMPLEX,
                        "too complex to render: the JPEG's metadata (EXIF, XMP, ICC profile, comments) is more than 16 MB"),
                new Case(
                        "a JPEG of 1001 comment segments",
                        () -> jpegWithSegments(0xFE, 1001, 4),
                        Reason.TOO_COMPLEX,
                        "too complex to render: the JPEG has more than 1000 marker segments"),
                new Case(
                        "a PNG of 8000 zTXt chunks of 256 KiB each (2 GB inflated)",
                        () -> LargeImages.textBombPng(8000, 256),
                        Reason.TOO_COMPLEX,
                        "too complex to render: the PNG's text, profile and other metadata chunks hold more than 16 MB once inflated"),
                new Case(
                        "a PNG of 1001 small text chunks",
                        () -> pngWithTextChunks(1001),
                        Reason.TOO_COMPLEX,
                        "too complex to render: the PNG has more than 1000 text, profile and other ancillary chunks"),
                new Case(
                        "a TIFF IFD of 1001 entries",
                        () -> tiffWithEntries(1001),
                        Reason.TOO_COMPLEX,
                        "too complex to render: a TIFF IFD has 1001 entries, more than the limit of 1000"),
                new Case(
                        "a TIFF whose strip table of 3 million offsets lies outside the file",
                        () -> SyntheticInputs.rgbTiff(false, List.of(new Entry(0x0111, 4, 3_000_000, new byte[4]))),
                        Reason.CORRUPT,
                        "corrupt image: the TIFF field 273 declares 3000000 values, which do not fit in the file"),
                new Case(
                        "a TIFF of 65535×65535 tiles on a 64×32 image",
                        () -> SyntheticInputs.rgbTiff(
                                false, List.of(Entry.longValue(0x0142, 65_535), Entry.longValue(0x0143, 65_535))),
                        Reason.TOO_COMPLEX,
                        "too complex to render: the TIFF's 65535x65535 tiles are larger than its 64x32 image"),
                new Case(
                        "a GIF whose second frame is 20000×20000",
                        StructureTest::gifWithHugeSecondFrame,
                        Reason.TOO_MANY_PIXELS,
                        "source too large: a frame of 400000000 pixels exceeds the limit of 250000000"),
                new Case(
                        "a GIF with 17 MB of comments before its first frame",
                        StructureTest::gifWithComments,
                        Reason.TOO_COMPLEX,
                        "too complex to render: the GIF's comments and other extensions before its first frame are more than 16 MB"),
                new Case(
                        "an animated WebP whose frame lies outside its canvas",
                        StructureTest::webpFrameOffCanvas,
                        Reason.CORRUPT,
                        "corrupt image: a WebP animation frame lies outside its 1x1 canvas"),
                new Case(
                        "a 4-bit BMP declaring 100000 palette colours",
                        StructureTest::bmpWithPalette,
                        Reason.CORRUPT,
                        "corrupt image: the 4-bit BMP declares 100000 palette colours"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedFromItsStructureBeforeDecoding(Case c) {
        byte[] source = c.source().get();
        // once before measuring: the first file of a format loads its reader's classes, whatever the file holds
        catchThrowableOfType(
                RenderException.class,
                () -> Decode.open(source, RenderLimits.defaults(), TurboJpeg.load())
                        .close());
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);

        RenderException e = catchThrowableOfType(
                RenderException.class,
                () -> Decode.open(source, RenderLimits.defaults(), TurboJpeg.load())
                        .close());
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).isEqualTo(c.message());
        assertThat(e.reason()).isEqualTo(c.reason());
        System.out.printf("%-70s %9d bytes, %7d KB allocated refusing it%n", c.label(), source.length, allocated >> 10);
        assertThat(allocated).as("bytes allocated refusing it").isLessThan(Math.max(4L << 20, 2L * source.length));
    }

    static Stream<Case> accepted() {
        return Stream.of(
                new Case("a progressive JPEG of 100 scans", () -> LargeImages.manyScansJpeg(100), null, null),
                new Case("a PNG of 1000 small text chunks", () -> pngWithTextChunks(1000), null, null),
                new Case(
                        "a PNG of 60 zTXt chunks of 256 KiB each (15 MB inflated)",
                        () -> LargeImages.textBombPng(60, 256),
                        null,
                        null),
                new Case(
                        "a JPEG with 250 APP1 segments of 64 KB (15.5 MB of metadata)",
                        () -> jpegWithSegments(0xE1, 250, 65_000),
                        null,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void atTheBoundStillRenders(Case c) throws RenderException {
        RenderResult result =
                new Renderer(RenderLimits.defaults()).render(c.source().get(), RenderTestSupport.referenceVariants());

        assertThat(result.variants()).hasSize(6);
    }

    @Test
    void theJdkPngReaderNeverInflatesTextChunks() throws RenderException {
        // 60 × 256 KiB of text passes the structure check; the reader must skip it, not inflate 15 MB into Strings
        byte[] png = LargeImages.textBombPng(60, 256);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Decode.decode(SyntheticInputs.png(SyntheticInputs.rgbPatches()), RenderLimits.defaults()); // warm up
        long before = threads.getThreadAllocatedBytes(thread);

        Decode.Decoded decoded = Decode.decode(png, RenderLimits.defaults());
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(decoded.image().getWidth()).isEqualTo(SyntheticInputs.WIDTH);
        assertThat(allocated)
                .as("bytes allocated decoding a 64x32 PNG with 15 MB of text")
                .isLessThan(16L << 20);
    }

    // --- sources ------------------------------------------------------------------------------------------

    private static byte[] jpegWithSegments(int marker, int count, int size) {
        byte[][] segments = new byte[count][];
        for (int i = 0; i < count; i++) {
            segments[i] = SyntheticInputs.segment(marker, new byte[size]);
        }
        return SyntheticInputs.insertAfterSoi(SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false), segments);
    }

    private static byte[] pngWithTextChunks(int count) {
        byte[][] chunks = new byte[count][];
        for (int i = 0; i < count; i++) {
            chunks[i] = SyntheticInputs.pngChunk("tEXt", "Comment\0hello".getBytes(StandardCharsets.ISO_8859_1));
        }
        return SyntheticInputs.afterIhdr(SyntheticInputs.png(SyntheticInputs.rgbPatches()), chunks);
    }

    private static byte[] tiffWithEntries(int count) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(Entry.shortValue(0x8000 + i, 1));
        }
        return SyntheticInputs.tiffStructure(false, List.of(entries), null);
    }

    /** Two 1×1 frames, the second's descriptor saying 20000×20000. */
    private static byte[] gifWithHugeSecondFrame() {
        byte[] gif = SyntheticInputs.gifFrames(2);
        // header 13 + colour table 6, then per frame: graphic control (8) and descriptor (15)
        int second = 13 + 6 + 8 + 15 + 8;
        gif[second + 5] = (byte) (20_000 & 0xFF);
        gif[second + 6] = (byte) (20_000 >> 8);
        gif[second + 7] = (byte) (20_000 & 0xFF);
        gif[second + 8] = (byte) (20_000 >> 8);
        return gif;
    }

    private static byte[] gifWithComments() {
        byte[] gif = SyntheticInputs.gifFrames(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(gif, 0, 19);
        int blocks = 17 * 4096 + 1; // 255-byte sub-blocks, 17 MB in all
        out.write(0x21);
        out.write(0xFE); // comment extension
        byte[] block = new byte[256];
        block[0] = (byte) 255;
        for (int i = 0; i < blocks; i++) {
            out.write(block, 0, 256);
        }
        out.write(0);
        out.write(gif, 19, gif.length - 19);
        return out.toByteArray();
    }

    /** An animated WebP on a 1×1 canvas whose first frame is placed at (2, 2). */
    private static byte[] webpFrameOffCanvas() {
        byte[] webp = SyntheticInputs.animatedWebp(2);
        for (int i = 12; i + 8 <= webp.length; i++) {
            if (webp[i] == 'A' && webp[i + 1] == 'N' && webp[i + 2] == 'M' && webp[i + 3] == 'F') {
                webp[i + 8] = 1; // frame X / 2
                webp[i + 11] = 1; // frame Y / 2
                break;
            }
        }
        return webp;
    }

    private static byte[] bmpWithPalette() {
        byte[] bmp = SyntheticInputs.bmp(SyntheticInputs.palettePatches(-1));
        int colours = 100_000;
        bmp[46] = (byte) colours;
        bmp[47] = (byte) (colours >> 8);
        bmp[48] = (byte) (colours >> 16);
        bmp[49] = (byte) (colours >> 24);
        return bmp;
    }
}
