package com.miniatura.worker.render;

import static com.miniatura.worker.render.SyntheticInputs.TAG_COPYRIGHT;
import static com.miniatura.worker.render.SyntheticInputs.TAG_ORIENTATION;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.worker.render.SyntheticInputs.Entry;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Exif;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Decode} returns the EXIF orientation and copyright of IFD0 from wherever the container keeps them
 * (JPEG APP1, TIFF IFD0, WebP EXIF chunk, PNG eXIf chunk), and nothing else; decoders never apply the
 * orientation themselves (the stored size comes back), so {@link Orient} applies it exactly once.
 */
class ExifMetadataTest {

    private static final String JANE = "\u00a9 2024 Jane Doe, Ljubljana";

    record Case(String label, Supplier<byte[]> source, SourceMetadata expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> containers() {
        return Stream.of(
                new Case(
                        "JPEG APP1, big-endian", () -> jpegWithExif(exif(false, 6, JANE)), new SourceMetadata(6, JANE)),
                new Case(
                        "JPEG APP1, little-endian, no copyright",
                        () -> jpegWithExif(SyntheticInputs.exif(true, 3, null)),
                        new SourceMetadata(3, null)),
                new Case(
                        "JPEG without EXIF",
                        () -> SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false),
                        new SourceMetadata(1, null)),
                new Case(
                        "TIFF IFD0, big-endian",
                        () -> SyntheticInputs.rgbTiff(
                                false,
                                List.of(
                                        Entry.shortValue(TAG_ORIENTATION, 8),
                                        Entry.ascii(
                                                TAG_COPYRIGHT, SyntheticInputs.text(JANE, StandardCharsets.UTF_8)))),
                        new SourceMetadata(8, JANE)),
                new Case(
                        "TIFF IFD0, little-endian",
                        () -> SyntheticInputs.rgbTiff(
                                true,
                                List.of(
                                        Entry.shortValue(TAG_ORIENTATION, 5),
                                        Entry.ascii(
                                                TAG_COPYRIGHT,
                                                SyntheticInputs.text("Shop", StandardCharsets.US_ASCII)))),
                        new SourceMetadata(5, "Shop")),
                new Case("WebP EXIF chunk", () -> webpWithExif(exif(false, 5, JANE)), new SourceMetadata(5, JANE)),
                new Case(
                        "WebP EXIF chunk with a stray Exif\\0\\0 header",
                        () -> webpWithExif(SyntheticInputs.concat(
                                "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), exif(true, 7, "Shop"))),
                        new SourceMetadata(7, "Shop")),
                new Case("PNG eXIf chunk", () -> pngWithExif(exif(false, 6, JANE)), new SourceMetadata(6, JANE)),
                new Case(
                        "PNG eXIf chunk, little-endian, orientation only",
                        () -> pngWithExif(SyntheticInputs.exif(true, 2, null)),
                        new SourceMetadata(2, null)),
                new Case(
                        "PNG eXIf chunk after the image data",
                        () -> pngWithExifAtEnd(exif(true, 4, "Shop")),
                        new SourceMetadata(4, "Shop")),
                new Case(
                        "GIF: no EXIF",
                        () -> SyntheticInputs.gif(SyntheticInputs.palettePatches(-1)),
                        new SourceMetadata(1, null)),
                new Case(
                        "BMP: no EXIF",
                        () -> SyntheticInputs.bmp(SyntheticInputs.rgbPatches()),
                        new SourceMetadata(1, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containers")
    void readsOrientationAndCopyrightFromEachContainer(Case c) throws RenderException {
        Decode.Decoded decoded = Decode.decode(c.source().get(), RenderLimits.defaults());

        assertThat(decoded.metadata()).isEqualTo(c.expected());
        assertThat(new int[] {decoded.image().getWidth(), decoded.image().getHeight()})
                .as("stored, not yet oriented")
                .containsExactly(SyntheticInputs.WIDTH, SyntheticInputs.HEIGHT);
    }

    /** The copyright value as it appears in IFD0 (raw bytes, NUL included or not) → what is kept. */
    record CopyrightCase(String label, byte[] value, int type, String expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<CopyrightCase> copyrights() {
        String long3000 = "x".repeat(3000);
        return Stream.of(
                new CopyrightCase("plain ASCII", ascii("Jane Doe"), 2, "Jane Doe"),
                new CopyrightCase("short enough to sit in the entry itself", ascii("Ann"), 2, "Ann"),
                new CopyrightCase("UTF-8", SyntheticInputs.text(JANE, StandardCharsets.UTF_8), 2, JANE),
                new CopyrightCase(
                        "Latin-1 (not valid UTF-8)", SyntheticInputs.text(JANE, StandardCharsets.ISO_8859_1), 2, JANE),
                new CopyrightCase("surrounding spaces are trimmed", ascii("   Jane Doe  "), 2, "Jane Doe"),
                new CopyrightCase("photographer NUL editor", ascii("Jane Doe\0Editor Co"), 2, "Jane Doe; Editor Co"),
                new CopyrightCase("editor only (space NUL editor)", ascii(" \0Editor Co"), 2, "Editor Co"),
                new CopyrightCase("control characters become spaces", ascii("Jane\tDoe\r\n"), 2, "Jane Doe"),
                new CopyrightCase("blank", ascii("    "), 2, null),
                new CopyrightCase("empty", new byte[] {0}, 2, null),
                new CopyrightCase("capped at 1 KB", ascii(long3000), 2, "x".repeat(1024)),
                new CopyrightCase("type BYTE is tolerated", ascii("Jane Doe"), 1, "Jane Doe"),
                new CopyrightCase("type SHORT is not text", new byte[] {0, 65, 0, 66}, 3, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("copyrights")
    void keepsTheCopyrightTextOnly(CopyrightCase c) {
        byte[] tiff = SyntheticInputs.tiffStructure(
                false,
                List.of(List.of(
                        Entry.shortValue(TAG_ORIENTATION, 1),
                        new Entry(
                                TAG_COPYRIGHT,
                                c.type(),
                                c.type() == 3 ? c.value().length / 2 : c.value().length,
                                c.value()))),
                null);

        assertThat(Exif.fromTiff(tiff, 0, tiff.length)).isEqualTo(new SourceMetadata(1, c.expected()));
    }

    @Test
    void aCopyrightOffsetPastTheEndIsIgnoredButTheOrientationKept() {
        byte[] tiff = exif(false, 6, "Jane Doe, a long enough name");
        byte[] cut = Arrays.copyOf(tiff, tiff.length - 10);

        assertThat(Exif.fromTiff(cut, 0, cut.length)).isEqualTo(new SourceMetadata(6, null));
    }

    /**
     * F2 (docs/fuzzing.md, ExifFuzzTest): "control characters become spaces", but {@code \p{Cntrl}} is ASCII only,
     * so the C1 controls U+0080-U+009F survive, whether they come from UTF-8 or from the Latin-1 fallback.
     */
    @Test
    void copyrightC1ControlCharactersBecomeSpaces() {
        byte[] utf8 = SyntheticInputs.exif(false, 1, new byte[] {'A', (byte) 0xC2, (byte) 0x85, 'B', 0});
        byte[] latin1 = SyntheticInputs.exif(false, 1, new byte[] {'A', (byte) 0x9B, 'B', (byte) 0xFF, 0});

        assertThat(Exif.fromTiff(utf8, 0, utf8.length).copyright()).isEqualTo("A B");
        assertThat(Exif.fromTiff(latin1, 0, latin1.length).copyright()).isEqualTo("A B\u00ff");
    }

    /**
     * F3 (docs/fuzzing.md; seen while writing F2's test, not by the fuzzer): a Latin-1 copyright whose only
     * non-ASCII byte is among its last three is cut before it, not read as Latin-1: the retries meant for UTF-8
     * cut by the 1 KB cap also run on text that is shorter than the cap.
     */
    @Test
    void latin1CopyrightEndingInAnAccentKeepsIt() {
        byte[] tiff = SyntheticInputs.exif(false, 1, SyntheticInputs.text("Herv\u00e9", StandardCharsets.ISO_8859_1));

        assertThat(Exif.fromTiff(tiff, 0, tiff.length).copyright()).isEqualTo("Herv\u00e9");
    }

    /** End to end: the upright size and the orientation reach {@link SourceInfo}. */
    @Test
    void aPngRotatedByItsExifRendersUpright() throws RenderException {
        RenderResult result = new Renderer(RenderLimits.defaults())
                .render(pngWithExif(SyntheticInputs.exif(false, 6, null)), List.of());

        assertThat(result.source()).isEqualTo(new SourceInfo("png", SyntheticInputs.HEIGHT, SyntheticInputs.WIDTH, 6));
    }

    // --- sources ----------------------------------------------------------------------------------------

    private static byte[] ascii(String text) {
        return SyntheticInputs.text(text, StandardCharsets.ISO_8859_1);
    }

    private static byte[] exif(boolean little, int orientation, String copyright) {
        return SyntheticInputs.exif(little, orientation, SyntheticInputs.text(copyright, StandardCharsets.UTF_8));
    }

    /** {@code jpeg} with an EXIF block saying {@code orientation} first, before any of its own. */
    static byte[] withOrientation(byte[] jpeg, int orientation) {
        return SyntheticInputs.insertAfterSoi(
                jpeg,
                SyntheticInputs.segment(
                        0xE1,
                        SyntheticInputs.concat(
                                "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1),
                                SyntheticInputs.exif(false, orientation, null))));
    }

    static byte[] jpegWithExif(byte[] tiff) {
        return SyntheticInputs.insertAfterSoi(
                SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false),
                SyntheticInputs.segment(
                        0xE1, SyntheticInputs.concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), tiff)));
    }

    static byte[] webpWithExif(byte[] exif) {
        return SyntheticInputs.webpWith(
                SyntheticInputs.webp(SyntheticInputs.rgbPatches(), true),
                SyntheticInputs.WIDTH,
                SyntheticInputs.HEIGHT,
                null,
                exif);
    }

    static byte[] pngWithExif(byte[] exif) {
        return SyntheticInputs.afterIhdr(
                SyntheticInputs.png(SyntheticInputs.rgbPatches()), SyntheticInputs.pngChunk("eXIf", exif));
    }

    private static byte[] pngWithExifAtEnd(byte[] exif) {
        byte[] png = SyntheticInputs.png(SyntheticInputs.rgbPatches());
        int iend = png.length - 12;
        return SyntheticInputs.concat(
                Arrays.copyOf(png, iend),
                SyntheticInputs.pngChunk("eXIf", exif),
                Arrays.copyOfRange(png, iend, png.length));
    }
}
