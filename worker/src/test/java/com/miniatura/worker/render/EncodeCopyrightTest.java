package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.worker.render.codec.ExifWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The copyright text as written, and the one-tag EXIF block that carries it in JPEG and WebP. */
class EncodeCopyrightTest {

    record Clean(String label, String input, String expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Clean> cleaning() {
        return Stream.of(
                new Clean("absent", null, null),
                new Clean("blank", " \t ", null),
                new Clean("only NULs", "\0\0", null),
                new Clean("kept as is", "© 2020 Jane Doe", "© 2020 Jane Doe"),
                new Clean("photographer NUL editor", "Jane\0Bob\0", "Jane Bob"),
                new Clean("line breaks and padding", "  Jane\r\nDoe  ", "Jane  Doe"),
                new Clean("cut at 2000 characters", "x".repeat(2100), "x".repeat(2000)),
                new Clean("never cut inside a surrogate pair", "x".repeat(1999) + "😀😀", "x".repeat(1999)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cleaning")
    void textIsTidied(Clean c) {
        assertThat(ExifWriter.cleanCopyright(c.input())).isEqualTo(c.expected());
    }

    static Stream<String> texts() {
        return Stream.of("", "abc", "abcd", "© 2020 Jane Doe", "山田 太郎", "x".repeat(2000));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("texts")
    void tiffBlockHoldsOnlyTheCopyright(String text) {
        byte[] tiff = ExifWriter.copyrightTiff(text);

        Ifd ifd = ifd0(tiff);
        assertThat(ifd.tags()).containsExactly(ExifWriter.COPYRIGHT_TAG);
        assertThat(ifd.copyright()).isEqualTo(text);
        assertThat(ifd.nextIfd()).as("no IFD1 (thumbnail)").isZero();
        int count = text.getBytes(StandardCharsets.UTF_8).length + 1;
        assertThat(tiff.length)
                .as("nothing after the text (held in the entry itself up to 4 bytes)")
                .isEqualTo(count <= 4 ? 26 : 26 + count);
    }

    /** IFD0 of a TIFF block: tag numbers in order, the Copyright value (UTF-8, NUL dropped), next IFD offset. */
    record Ifd(List<Integer> tags, String copyright, long nextIfd) {}

    static Ifd ifd0(byte[] tiff) {
        boolean little = tiff[0] == 'I' && tiff[1] == 'I';
        assertThat(little || (tiff[0] == 'M' && tiff[1] == 'M'))
                .as("byte order mark")
                .isTrue();
        assertThat(u16(tiff, 2, little)).as("TIFF magic").isEqualTo(42);
        int ifd = (int) u32(tiff, 4, little);
        int count = u16(tiff, ifd, little);
        List<Integer> tags = new ArrayList<>();
        String copyright = null;
        for (int i = 0; i < count; i++) {
            int entry = ifd + 2 + 12 * i;
            int tag = u16(tiff, entry, little);
            tags.add(tag);
            if (tag == ExifWriter.COPYRIGHT_TAG) {
                assertThat(u16(tiff, entry + 2, little)).as("type ASCII").isEqualTo(2);
                int n = (int) u32(tiff, entry + 4, little);
                int at = n <= 4 ? entry + 8 : (int) u32(tiff, entry + 8, little);
                assertThat(tiff[at + n - 1]).as("NUL-terminated").isZero();
                copyright = new String(tiff, at, n - 1, StandardCharsets.UTF_8);
            }
        }
        return new Ifd(tags, copyright, u32(tiff, ifd + 2 + 12 * count, little));
    }

    private static int u16(byte[] b, int at, boolean little) {
        return little ? (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 : (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static long u32(byte[] b, int at, boolean little) {
        return little
                ? u16(b, at, true) | (long) u16(b, at + 2, true) << 16
                : (long) u16(b, at, false) << 16 | u16(b, at + 2, false);
    }
}
