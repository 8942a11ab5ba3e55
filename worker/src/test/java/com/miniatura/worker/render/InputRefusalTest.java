package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.codec.Decode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What is not a supported image is refused before decoding, with a message naming what it is; what is
 * damaged is refused as empty, truncated or corrupt, each with its own words. Never an unchecked exception.
 */
class InputRefusalTest {

    private static final String ACCEPTED = "; we accept JPEG, PNG, GIF, WebP, BMP and TIFF";

    record Case(String label, Supplier<byte[]> source, Reason reason, String message) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // nothing there
                new Case("empty file", () -> new byte[0], Reason.EMPTY, "empty file"),
                // other image formats, named
                new Case(
                        "AVIF (ftyp avif)",
                        () -> ftyp("avif", "avif", "mif1", "miaf"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: AVIF" + ACCEPTED),
                new Case(
                        "AVIF sequence (ftyp avis)",
                        () -> ftyp("avis", "avif", "msf1"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: AVIF" + ACCEPTED),
                new Case(
                        "AVIF declared as mif1 with avif compatible",
                        () -> ftyp("mif1", "mif1", "avif"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: AVIF" + ACCEPTED),
                new Case(
                        "HEIC from a phone (ftyp heic)",
                        () -> ftyp("heic", "mif1", "heic"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: HEIC" + ACCEPTED),
                new Case(
                        "HEIF (ftyp mif1)",
                        () -> ftyp("mif1", "mif1", "heic"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: HEIC" + ACCEPTED),
                new Case(
                        "SVG",
                        () -> text(
                                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: SVG" + ACCEPTED),
                new Case(
                        "SVG with an XML prolog, a comment and a BOM",
                        () -> SyntheticInputs.concat(
                                new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                                text(
                                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Generator: Adobe Illustrator 27.0 -->\n"
                                                + "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg version=\"1.1\"/>")),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: SVG" + ACCEPTED),
                new Case(
                        "XML that is not SVG",
                        () -> text("<?xml version=\"1.0\"?><catalog/>"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: XML document, not an image"),
                new Case(
                        "lossless JPEG (SOF3)",
                        () -> jpegWithSof(0xC3),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: lossless JPEG" + ACCEPTED),
                new Case(
                        "lossless JPEG (SOF7, differential)",
                        () -> jpegWithSof(0xC7),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: lossless JPEG" + ACCEPTED),
                new Case(
                        "lossless JPEG (SOF11, arithmetic)",
                        () -> jpegWithSof(0xCB),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: lossless JPEG" + ACCEPTED),
                new Case(
                        "lossless JPEG (SOF15)",
                        () -> jpegWithSof(0xCF),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: lossless JPEG" + ACCEPTED),
                new Case(
                        "arithmetic-coded JPEG (SOF9)",
                        () -> jpegWithSof(0xC9),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: arithmetic-coded JPEG" + ACCEPTED),
                new Case(
                        "hierarchical JPEG (SOF5)",
                        () -> jpegWithSof(0xC5),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: hierarchical JPEG" + ACCEPTED),
                new Case(
                        "JPEG-LS (SOF55)",
                        () -> jpegWithSof(0xF7),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: JPEG-LS" + ACCEPTED),
                new Case(
                        "JPEG 2000 (JP2 file)",
                        () -> bytes(
                                0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A, 0, 0, 0, 0x14, 'f', 't', 'y',
                                'p', 'j', 'p', '2', ' '),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: JPEG 2000" + ACCEPTED),
                new Case(
                        "JPEG 2000 (codestream)",
                        () -> bytes(0xFF, 0x4F, 0xFF, 0x51, 0, 0x2F, 0, 0),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: JPEG 2000" + ACCEPTED),
                new Case(
                        "JPEG XL",
                        () -> bytes(0xFF, 0x0A, 0xFA, 0x7F),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: JPEG XL" + ACCEPTED),
                new Case(
                        "PDF",
                        () -> text("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: PDF document, not an image"),
                new Case(
                        "Photoshop document",
                        () -> bytes('8', 'B', 'P', 'S', 0, 1, 0, 0, 0, 0, 0, 0),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: Photoshop document (PSD)" + ACCEPTED),
                new Case(
                        "BigTIFF",
                        () -> bytes('I', 'I', 0x2B, 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: BigTIFF" + ACCEPTED),
                new Case(
                        "Canon CR2 (TIFF based)",
                        () -> bytes('I', 'I', 0x2A, 0, 0x10, 0, 0, 0, 'C', 'R', 2, 0, 0, 0, 0, 0),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: Canon raw (CR2)" + ACCEPTED),
                new Case(
                        "DNG (TIFF with DNGVersion)",
                        () -> SyntheticInputs.rgbTiff(
                                true, List.of(new SyntheticInputs.Entry(0xC612, 1, 4, new byte[] {1, 4, 0, 0}))),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: camera raw (DNG)" + ACCEPTED),
                new Case(
                        "MP4 video",
                        () -> ftyp("isom", "isom", "iso2", "avc1", "mp41"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: MP4 video, not an image"),
                new Case(
                        "QuickTime video",
                        () -> ftyp("qt  ", "qt  "),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: QuickTime video, not an image"),
                // a reason is public: it never quotes the file's bytes (here the brand, below the first bytes)
                new Case(
                        "an ISO media file of a brand we do not know",
                        () -> ftyp("xq7z", "xq7z"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: ISO media file, not an image"),
                new Case(
                        "ZIP archive",
                        () -> bytes('P', 'K', 3, 4, 20, 0, 0, 0),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: ZIP archive, not an image"),
                // text named .jpg
                new Case(
                        "a text file named .jpg",
                        () -> text("Hello! The photo is attached to the next email.\r\n"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: text, not an image"),
                new Case(
                        "UTF-8 text with accents",
                        () -> text("Café crème, photo à venir\n"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: text, not an image"),
                new Case(
                        "a saved web page",
                        () -> text("<!DOCTYPE html>\n<html><body><img src=\"photo.jpg\"></body></html>"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: HTML page, not an image"),
                new Case(
                        "unknown binary",
                        () -> bytes(0x00, 0x01, 0xFE, 0x42, 0x99),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: not a recognised image"),
                new Case(
                        "a signature alone: 'BM' without a BMP header",
                        () -> text("BM is the start of this sentence"),
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: text, not an image"),
                // damaged
                new Case(
                        "invalid/truncated.jpg",
                        () -> RenderTestSupport.fixture("invalid/truncated.jpg"),
                        Reason.CORRUPT,
                        "truncated image: the JPEG file stops after 10000 bytes, before the image is complete"),
                new Case(
                        "a progressive JPEG cut between scans",
                        () -> cutBefore(SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), true), 0xFFDA, 3),
                        Reason.CORRUPT,
                        "truncated image: the JPEG file stops after %d bytes, before the image is complete"),
                new Case(
                        "a progressive JPEG cut inside a scan",
                        () -> cut(SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), true), 0.6),
                        Reason.CORRUPT,
                        "truncated image: the JPEG file stops after %d bytes, before the image is complete"),
                new Case(
                        "a JPEG without its end marker",
                        () -> cut(SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false), -2),
                        Reason.CORRUPT,
                        "truncated image: the JPEG file stops after %d bytes, before the image is complete"),
                new Case(
                        "a PNG cut inside its image data",
                        () -> cutBefore(SyntheticInputs.png(SyntheticInputs.rgbPatches()), 0x49454E44, 1, -20),
                        Reason.CORRUPT,
                        "truncated image: the PNG file stops after %d bytes, before the image is complete"),
                new Case(
                        "a PNG without IEND",
                        () -> cut(SyntheticInputs.png(SyntheticInputs.rgbPatches()), -12),
                        Reason.CORRUPT,
                        "truncated image: the PNG file stops after %d bytes, before the image is complete"),
                new Case(
                        "a GIF cut inside its image data",
                        () -> cut(SyntheticInputs.gif(SyntheticInputs.palettePatches(-1)), 0.7),
                        Reason.CORRUPT,
                        "truncated image: the GIF file stops after %d bytes, before the image is complete"),
                new Case(
                        "a WebP cut inside its image data",
                        () -> cut(SyntheticInputs.webp(SyntheticInputs.rgbPatches(), false), 0.7),
                        Reason.CORRUPT,
                        "truncated image: the WebP file stops after %d bytes, before the image is complete"),
                new Case(
                        "a BMP cut inside its pixels",
                        () -> cut(SyntheticInputs.bmp(SyntheticInputs.rgbPatches()), 0.5),
                        Reason.CORRUPT,
                        "truncated image: the BMP file stops after %d bytes, before the image is complete"),
                new Case(
                        "a TIFF cut inside its strip (no structural check: the decoder's end of file)",
                        () -> cut(SyntheticInputs.rgbTiff(true, List.of()), 0.5),
                        Reason.CORRUPT,
                        "truncated image: unexpected end of file"),
                new Case(
                        "a PNG with a broken zlib stream",
                        () -> pngWithIdat(new byte[] {1, 2, 3, 4, 5, 6}),
                        Reason.CORRUPT,
                        "corrupt image: Error reading PNG image data (incorrect header check)"),
                new Case(
                        "a GIF with a bad LZW code size",
                        () -> gifWithCodeSize(0x0F),
                        Reason.CORRUPT,
                        "corrupt image: I/O error reading image! (Bad code size:15)"),
                new Case(
                        "a JPEG whose Huffman table is garbage (complete file: the decoder running out of data is corruption)",
                        () -> jpegWithGarbledDht(),
                        Reason.CORRUPT,
                        "corrupt image: unexpected end of file"),
                new Case(
                        "a WebP whose image data is larger than its canvas",
                        () -> webpWithBitstreamSize(640, 320),
                        Reason.CORRUPT,
                        "corrupt image: the WebP image data is 640x320 but its canvas is 64x32"),
                new Case(
                        "a WebP with a damaged colour profile",
                        () -> webpWithProfile(
                                Arrays.copyOf(SyntheticInputs.matrixProfile("P3", SyntheticInputs.DISPLAY_P3, 0), 600)),
                        Reason.CORRUPT,
                        "corrupt image: its colour profile claims 6628 bytes but the file holds 600"),
                // a decoder's unchecked exception on bad data: refused as corrupt, not escaping
                new Case(
                        "a TIFF whose strip offsets entry has the wrong type (decoder throws ClassCastException)",
                        InputRefusalTest::tiffWithAsciiStripOffsets,
                        Reason.CORRUPT,
                        "corrupt image: the TIFF data cannot be decoded (ClassCastException)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesWithItsReasonAndMessage(Case c) {
        byte[] source = c.source().get();

        RenderException e =
                catchThrowableOfType(RenderException.class, () -> Decode.decode(source, RenderLimits.defaults()));

        assertThat(e).as("expected a RenderException").isNotNull();
        assertThat(e.getMessage()).isEqualTo(c.message().replace("%d", String.valueOf(source.length)));
        assertThat(e.reason()).isEqualTo(c.reason());
    }

    // --- sources ----------------------------------------------------------------------------------------

    /** An ISO-BMFF file: an {@code ftyp} box (major brand, minor version, compatible brands), then an empty mdat. */
    static byte[] ftyp(String major, String... compatible) {
        ByteBuffer box = ByteBuffer.allocate(16 + 4 * compatible.length);
        box.putInt(box.capacity())
                .put("ftyp".getBytes(StandardCharsets.US_ASCII))
                .put(major.getBytes(StandardCharsets.US_ASCII))
                .putInt(0);
        for (String brand : compatible) {
            box.put(brand.getBytes(StandardCharsets.US_ASCII));
        }
        return SyntheticInputs.concat(box.array(), new byte[] {0, 0, 0, 8, 'm', 'd', 'a', 't'});
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] jpegWithSof(int sof) {
        return SyntheticInputs.withSof(SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false), sof);
    }

    /** The first {@code fraction} of {@code data}; a negative number cuts that many bytes off the end. */
    private static byte[] cut(byte[] data, double fraction) {
        return Arrays.copyOf(data, fraction < 0 ? data.length + (int) fraction : (int) (data.length * fraction));
    }

    /** {@code data} cut {@code delta} bytes before the {@code nth} occurrence (1-based) of a 2- or 4-byte big-endian marker. */
    private static byte[] cutBefore(byte[] data, int marker, int nth, int... delta) {
        int size = marker > 0xFFFF ? 4 : 2;
        int seen = 0;
        for (int i = 0; i + size <= data.length; i++) {
            int value = 0;
            for (int k = 0; k < size; k++) {
                value = value << 8 | (data[i + k] & 0xFF);
            }
            if (value == marker && ++seen == nth) {
                return Arrays.copyOf(data, i + (delta.length == 0 ? 0 : delta[0]));
            }
        }
        throw new IllegalStateException("marker not found");
    }

    private static byte[] pngWithIdat(byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        out.writeBytes(SyntheticInputs.pngChunk(
                "IHDR",
                ByteBuffer.allocate(13)
                        .putInt(2)
                        .putInt(2)
                        .put((byte) 8)
                        .put((byte) 2)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .array()));
        out.writeBytes(SyntheticInputs.pngChunk("IDAT", idat));
        out.writeBytes(SyntheticInputs.pngChunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    /** A one-frame GIF whose LZW minimum code size byte is {@code codeSize} (valid: 2..8). */
    private static byte[] gifWithCodeSize(int codeSize) {
        byte[] gif = SyntheticInputs.gifFrames(1);
        int descriptor = 13 + 6 + 8; // header + screen, 2-entry table, graphic control extension
        gif[descriptor + 10] = (byte) codeSize;
        return gif;
    }

    private static byte[] jpegWithGarbledDht() {
        byte[] jpeg = SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false);
        SyntheticInputs.forEachSegment(jpeg, (marker, start, length) -> {
            if (marker == 0xC4) {
                Arrays.fill(jpeg, start + 1, start + 17, (byte) 0xFF); // code counts summing far past 256
                return false;
            }
            return true;
        });
        return jpeg;
    }

    /** A lossy 64×32 WebP (VP8X, ALPH, VP8) whose VP8 frame header is patched to declare another size. */
    private static byte[] webpWithBitstreamSize(int width, int height) {
        byte[] webp = SyntheticInputs.webp(SyntheticInputs.argbPatches(), false);
        for (int pos = 12; pos + 8 <= webp.length; ) {
            int length = ByteBuffer.wrap(webp, pos + 4, 4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getInt();
            if (new String(webp, pos, 4, StandardCharsets.US_ASCII).equals("VP8 ")) {
                int frame = pos + 8;
                webp[frame + 6] = (byte) width;
                webp[frame + 7] = (byte) (width >> 8);
                webp[frame + 8] = (byte) height;
                webp[frame + 9] = (byte) (height >> 8);
                return webp;
            }
            pos += 8 + length + (length & 1);
        }
        throw new IllegalStateException("no VP8 chunk");
    }

    private static byte[] webpWithProfile(byte[] profile) {
        return SyntheticInputs.webpWith(
                SyntheticInputs.webp(SyntheticInputs.rgbPatches(), true),
                SyntheticInputs.WIDTH,
                SyntheticInputs.HEIGHT,
                profile,
                null);
    }

    /** Found by {@link HostileInputTest}'s mutations: TwelveMonkeys casts the StripOffsets value without checking its type. */
    private static byte[] tiffWithAsciiStripOffsets() {
        byte[] tiff = SyntheticInputs.rgbTiff(false, List.of());
        // IFD0 at 8: count, then 12-byte entries; StripOffsets (0x0111) is the 6th entry; set its type to ASCII (2)
        int entry = 8 + 2 + 12 * 5;
        assertThat(((tiff[entry] & 0xFF) << 8) | (tiff[entry + 1] & 0xFF)).isEqualTo(0x0111);
        tiff[entry + 3] = 2;
        return tiff;
    }
}
