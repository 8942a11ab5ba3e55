package com.miniatura.common.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one verdict on a source's format, for the API and the worker alike; the regression tests are named after
 * the places where the API's own sniffer and the worker's used to disagree.
 */
class FormatSnifferTest {

    private static final String ACCEPTED = "; we accept JPEG, PNG, GIF, WebP, BMP and TIFF";

    record Case(String label, byte[] source, InputFormat format, String refusal) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("baseline JPEG", bytes(0xFF, 0xD8, 0xFF, 0xC0, 0, 4, 0, 0), InputFormat.JPEG, null),
                new Case(
                        "lossless JPEG",
                        bytes(0xFF, 0xD8, 0xFF, 0xC3, 0, 4, 0, 0),
                        null,
                        "unsupported format: lossless JPEG" + ACCEPTED),
                new Case("PNG", bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A), InputFormat.PNG, null),
                new Case("GIF87a", ascii("GIF87a\1\0\1\0"), InputFormat.GIF, null),
                new Case("GIF89a", ascii("GIF89a\1\0\1\0"), InputFormat.GIF, null),
                new Case("WebP", ascii("RIFF\0\0\0\0WEBPVP8 "), InputFormat.WEBP, null),
                new Case("BMP", bmp(40), InputFormat.BMP, null),
                new Case("TIFF little-endian", tiff(true, 0x0100), InputFormat.TIFF, null),
                new Case("TIFF big-endian", tiff(false, 0x0100), InputFormat.TIFF, null),
                new Case(
                        "BigTIFF",
                        bytes('I', 'I', 0x2B, 0, 8, 0, 0, 0),
                        null,
                        "unsupported format: BigTIFF" + ACCEPTED),
                new Case("PDF", ascii("%PDF-1.7\n"), null, "unsupported format: PDF document, not an image"),
                new Case(
                        "SVG",
                        ascii("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
                        null,
                        "unsupported format: SVG" + ACCEPTED),
                new Case("MP4", ftyp("isom"), null, "unsupported format: MP4 video, not an image"),
                new Case(
                        "unknown binary",
                        bytes(0x00, 0x01, 0xFE, 0x42, 0x99),
                        null,
                        "unsupported format: not a recognised image"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void namesTheFormatOrRefusesSayingWhatItIs(Case c) throws Exception {
        assertVerdict(c.source(), c.format(), c.refusal());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aFileOnDiskGetsTheSameVerdictAsTheBytesInMemory(Case c, @TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("source"), c.source());
        try (FileChannel channel = FileChannel.open(file)) {
            SourceBytes source = SourceBytes.of(channel);
            if (c.format() != null) {
                assertThat(FormatSniffer.sniff(source)).isEqualTo(c.format());
            } else {
                assertThat(catchThrowableOfType(UnsupportedFormatException.class, () -> FormatSniffer.sniff(source)))
                        .hasMessage(c.refusal());
            }
        }
    }

    /** The API took anything starting "GIF8"; the worker only the two GIF versions there are. */
    @Test
    void gifSignatureIsGif87aOrGif89aOnly() {
        assertVerdict(ascii("GIF8 is how this line starts"), null, "unsupported format: text, not an image");
        assertVerdict(bytes('G', 'I', 'F', '8', '8', 'a', 0, 0x80), null, "unsupported format: not a recognised image");
    }

    /** The API stored DNG and CR2 as TIFF, which the worker then refused. */
    @Test
    void cameraRawBuiltOnTiffIsRefusedWithTheWorkersReason() {
        assertVerdict(
                bytes('I', 'I', 0x2A, 0, 0x10, 0, 0, 0, 'C', 'R', 2, 0, 0, 0, 0, 0),
                null,
                "unsupported format: Canon raw (CR2)" + ACCEPTED);
        assertVerdict(tiff(true, 0xC612), null, "unsupported format: camera raw (DNG)" + ACCEPTED);
        assertVerdict(tiff(false, 0xC612), null, "unsupported format: camera raw (DNG)" + ACCEPTED);
    }

    /** The API read 32 bytes; a DNG whose first IFD lies far into the file must still be found from a file on disk. */
    @Test
    void dngWithItsFirstIfdBeyondTheFirstWindowIsRefusedFromDisk(@TempDir Path dir) throws IOException {
        int ifd = 200_000;
        ByteBuffer dng = ByteBuffer.allocate(ifd + 2 + 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
        dng.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        dng.position(ifd);
        dng.putShort((short) 1)
                .putShort((short) 0xC612)
                .putShort((short) 1)
                .putInt(4)
                .putInt(0x00000401);
        Path file = Files.write(dir.resolve("far.dng"), dng.array());
        try (FileChannel channel = FileChannel.open(file)) {
            assertThat(catchThrowableOfType(
                            UnsupportedFormatException.class, () -> FormatSniffer.sniff(SourceBytes.of(channel))))
                    .hasMessage("unsupported format: camera raw (DNG)" + ACCEPTED);
        }
    }

    /** The API said "an ISO media file (brand heic, e.g. HEIC or AVIF)"; now both say which. */
    @Test
    void heicAndAvifAreNamedInOneVocabulary() {
        assertVerdict(ftyp("heic", "mif1", "heic"), null, "unsupported format: HEIC" + ACCEPTED);
        assertVerdict(ftyp("avif", "avif", "mif1"), null, "unsupported format: AVIF" + ACCEPTED);
        assertVerdict(ftyp("mif1", "mif1", "avif"), null, "unsupported format: AVIF" + ACCEPTED);
    }

    /** The API took any "BM" of 26 bytes or more; the worker checks the info header's size. */
    @Test
    void bmpNeedsAKnownInfoHeaderSize() {
        assertVerdict(bmp(41), null, "unsupported format: not a recognised image");
        assertVerdict(ascii("BM is the start of this sentence"), null, "unsupported format: text, not an image");
    }

    /** The API quoted the first bytes of a text file; a reason is public and never quotes the file. */
    @Test
    void textIsNamedAsTextNotQuoted() {
        assertVerdict(ascii("hello, this is text"), null, "unsupported format: text, not an image");
    }

    @Test
    void contentTypesAreTheFormatsWeAccept() {
        assertThat(Stream.of(InputFormat.values()).map(InputFormat::contentType))
                .containsExactly("image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff");
        assertThat(InputFormat.ofContentType("IMAGE/TIFF")).contains(InputFormat.TIFF);
        assertThat(InputFormat.ofContentType("image/heic")).isEmpty();
    }

    private static void assertVerdict(byte[] source, InputFormat format, String refusal) {
        if (format != null) {
            assertThat(catchThrowableOfType(UnsupportedFormatException.class, () -> FormatSniffer.sniff(source)))
                    .isNull();
            try {
                assertThat(FormatSniffer.sniff(source)).isEqualTo(format);
            } catch (UnsupportedFormatException e) {
                throw new AssertionError(e);
            }
        } else {
            assertThat(catchThrowableOfType(UnsupportedFormatException.class, () -> FormatSniffer.sniff(source)))
                    .hasMessage(refusal);
        }
    }

    private static byte[] tiff(boolean little, int tag) {
        ByteBuffer b =
                ByteBuffer.allocate(8 + 2 + 12 + 4).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        b.put((byte) (little ? 'I' : 'M'))
                .put((byte) (little ? 'I' : 'M'))
                .putShort((short) 42)
                .putInt(8);
        b.putShort((short) 1)
                .putShort((short) tag)
                .putShort((short) 3)
                .putInt(1)
                .putInt(64);
        return b.array();
    }

    private static byte[] bmp(int infoHeaderSize) {
        ByteBuffer b = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54).putInt(infoHeaderSize);
        return b.array();
    }

    private static byte[] ftyp(String major, String... compatible) {
        ByteBuffer b = ByteBuffer.allocate(16 + 4 * compatible.length);
        b.putInt(b.capacity()).put(ascii("ftyp")).put(ascii(major)).putInt(0);
        for (String brand : compatible) {
            b.put(ascii(brand));
        }
        return b.array();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
