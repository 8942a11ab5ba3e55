package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.worker.render.codec.Bytes;
import com.miniatura.worker.render.codec.Exif;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExifOrientationTest {

    private static final byte[] SOI = {(byte) 0xFF, (byte) 0xD8};
    private static final byte[] SOS_AND_DATA = {(byte) 0xFF, (byte) 0xDA, 0, 2, 0x12, 0x34, (byte) 0xFF, (byte) 0xD9};

    // --- builders for minimal synthetic files -------------------------------------------------

    /** A TIFF header plus IFD0 holding the given 12-byte entries. */
    static byte[] tiff(boolean little, byte[]... entries) {
        Bytes b = new Bytes(little);
        b.raw(little ? "II" : "MM").u16(42).u32(8).u16(entries.length);
        for (byte[] entry : entries) {
            b.raw(entry);
        }
        return b.u32(0).bytes(); // no next IFD
    }

    /** An IFD entry: tag, type, count 1, value left-justified in the 4-byte field. */
    static byte[] entry(boolean little, int tag, int type, long value) {
        Bytes b = new Bytes(little).u16(tag).u16(type).u32(1);
        return type == 3 ? b.u16((int) value).u16(0).bytes() : b.u32(value).bytes();
    }

    static byte[] orientationEntry(boolean little, int value) {
        return entry(little, 0x0112, 3, value);
    }

    /** A marker segment with a correct length field. */
    static byte[] segment(int marker, byte[] payload) {
        return new Bytes(false)
                .u8(0xFF)
                .u8(marker)
                .u16(payload.length + 2)
                .raw(payload)
                .bytes();
    }

    static byte[] exifApp1(byte[] tiff) {
        return segment(0xE1, concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), tiff));
    }

    static byte[] jfifApp0() {
        return segment(0xE0, new byte[] {'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0});
    }

    static byte[] jpeg(byte[]... segments) {
        return concat(SOI, concat(segments), SOS_AND_DATA);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    // --- tests ---------------------------------------------------------------------------------

    static Stream<Object[]> everyValueInBothByteOrders() {
        return IntStream.rangeClosed(1, 8)
                .boxed()
                .flatMap(v -> Stream.of(new Object[] {true, v}, new Object[] {false, v}));
    }

    @ParameterizedTest(name = "little-endian={0}, orientation {1}")
    @MethodSource("everyValueInBothByteOrders")
    void readsEveryOrientationInBothByteOrders(boolean little, int value) {
        byte[] file = jpeg(jfifApp0(), exifApp1(tiff(little, orientationEntry(little, value))));

        assertThat(Exif.fromJpeg(file).orientation()).isEqualTo(value);
    }

    record Case(String label, byte[] bytes, int expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        byte[] six = tiff(false, entry(false, 0x010F, 2, 0x41424300L), orientationEntry(false, 6)); // Make first
        byte[] goodApp1 = exifApp1(six);
        byte[] xmp = segment(0xE1, "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>".getBytes(StandardCharsets.ISO_8859_1));
        return Stream.of(
                new Case("tag after another tag", jpeg(goodApp1), 6),
                new Case("XMP APP1 before the Exif APP1", jpeg(jfifApp0(), xmp, goodApp1), 6),
                new Case(
                        "fill bytes before a marker",
                        concat(SOI, new byte[] {(byte) 0xFF, (byte) 0xFF}, goodApp1, SOS_AND_DATA),
                        6),
                new Case("orientation stored as LONG", jpeg(exifApp1(tiff(true, entry(true, 0x0112, 4, 8)))), 8),
                new Case("no APP1 at all", jpeg(jfifApp0()), 1),
                new Case("only XMP", jpeg(xmp), 1),
                new Case("IFD0 without orientation", jpeg(exifApp1(tiff(true, entry(true, 0x010F, 2, 0)))), 1),
                new Case("orientation 0 is out of range", jpeg(exifApp1(tiff(true, orientationEntry(true, 0)))), 1),
                new Case("orientation 9 is out of range", jpeg(exifApp1(tiff(true, orientationEntry(true, 9)))), 1),
                new Case("orientation with type ASCII", jpeg(exifApp1(tiff(true, entry(true, 0x0112, 2, 6)))), 1),
                new Case("Exif after the scan is ignored", concat(SOI, SOS_AND_DATA, goodApp1), 1),
                new Case("bad byte order mark", jpeg(exifApp1(replace(six, 0, "XX"))), 1),
                new Case("bad TIFF magic", jpeg(exifApp1(replace(six, 2, "\0+"))), 1),
                new Case("IFD offset past the end", jpeg(exifApp1(replace(six, 4, "\0\0\u00ff\u00ff"))), 1),
                new Case("entry count past the end, tag inside", jpeg(exifApp1(replace(six, 8, "\u00ff\u00ff"))), 6),
                new Case(
                        "entry count past the end, tag missing",
                        jpeg(exifApp1(replace(tiff(false, entry(false, 0x010F, 2, 0)), 8, "\u00ff\u00ff"))),
                        1),
                new Case("segment length past the end", Arrays.copyOf(jpeg(goodApp1), 20), 1),
                new Case(
                        "segment length below 2",
                        concat(SOI, new byte[] {(byte) 0xFF, (byte) 0xE1, 0, 1}, goodApp1),
                        1),
                new Case(
                        "Exif header with no TIFF",
                        jpeg(segment(0xE1, "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1))),
                        1),
                new Case("lost marker sync", concat(SOI, new byte[] {0x12, 0x34, 0x56, 0x78}, goodApp1), 1),
                new Case("empty", new byte[0], 1),
                new Case("SOI only", SOI, 1),
                new Case("not a JPEG (PNG signature)", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, 1),
                new Case("text", "<html>Exif\0\0MM\0*</html>".getBytes(StandardCharsets.ISO_8859_1), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parsesOrFallsBackToNormal(Case c) {
        assertThat(Exif.fromJpeg(c.bytes()).orientation()).isEqualTo(c.expected());
    }

    @ParameterizedTest(name = "little-endian={0}, orientation {1}")
    @MethodSource("everyValueInBothByteOrders")
    void readsATiffFileItself(boolean little, int value) {
        byte[] file = tiff(little, entry(little, 0x0100, 3, 640), orientationEntry(little, value));

        assertThat(Exif.fromTiff(file, 0, file.length).orientation()).isEqualTo(value);
    }

    @Test
    void neverThrowsOnGarbageAfterAnExifHeader() {
        Random random = new Random(42);
        byte[] prefix = concat(
                SOI,
                new byte[] {(byte) 0xFF, (byte) 0xE1, 0x01, 0x00},
                "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 5_000; i++) {
            byte[] tail = new byte[random.nextInt(300)];
            random.nextBytes(tail);
            if (tail.length > 2) { // half of the time, a plausible byte order so the IFD walk runs
                tail[0] = tail[1] = (byte) (random.nextBoolean() ? 'I' : 'M');
            }
            int orientation = Exif.fromJpeg(concat(prefix, tail)).orientation();
            assertThat(orientation).isBetween(1, 8);
        }
    }

    @Test
    void readsTheOrientationFixtures() {
        for (int n = 1; n <= 8; n++) {
            byte[] file = RenderTestSupport.fixture("orientation/Landscape_" + n + ".jpg");
            assertThat(Exif.fromJpeg(file).orientation())
                    .as("Landscape_%d.jpg", n)
                    .isEqualTo(n);
        }
    }

    private static byte[] replace(byte[] data, int offset, String latin1) {
        byte[] copy = data.clone();
        byte[] patch = latin1.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(patch, 0, copy, offset, patch.length);
        return copy;
    }

    /** Tiny big/little-endian byte writer. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final boolean little;

        Bytes(boolean little) {
            this.little = little;
        }

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            return little
                    ? u8(v & 0xFF).u8((v >> 8) & 0xFF)
                    : u8((v >> 8) & 0xFF).u8(v & 0xFF);
        }

        Bytes u32(long v) {
            return little
                    ? u16((int) (v & 0xFFFF)).u16((int) (v >>> 16))
                    : u16((int) (v >>> 16)).u16((int) (v & 0xFFFF));
        }

        Bytes raw(String latin1) {
            return raw(latin1.getBytes(StandardCharsets.ISO_8859_1));
        }

        Bytes raw(byte[] data) {
            out.writeBytes(data);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
