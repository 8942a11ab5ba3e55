package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.codec.Encode;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** PNG keeps every pixel and alpha, carries no ancillary chunk, and a Copyright text chunk only when asked. */
class EncodePngTest {

    record Case(
            String label,
            int imageType,
            boolean keep,
            String copyright,
            List<String> expectedChunks,
            String expectedText) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        List<String> plain = List.of("IHDR", "IDAT", "IEND");
        return Stream.of(
                new Case("rgb", BufferedImage.TYPE_INT_RGB, false, null, plain, null),
                new Case("argb", BufferedImage.TYPE_INT_ARGB, false, null, plain, null),
                new Case("copyright given but not kept", BufferedImage.TYPE_INT_RGB, false, "© Jane", plain, null),
                new Case("kept but the source has none", BufferedImage.TYPE_INT_RGB, true, null, plain, null),
                new Case(
                        "kept, Latin-1 text",
                        BufferedImage.TYPE_INT_ARGB,
                        true,
                        "© 2020 Jane Doe",
                        List.of("IHDR", "tEXt", "IDAT", "IEND"),
                        "Copyright\0© 2020 Jane Doe"),
                new Case(
                        "kept, text beyond Latin-1",
                        BufferedImage.TYPE_INT_RGB,
                        true,
                        "© 2020 山田 太郎",
                        List.of("IHDR", "iTXt", "IDAT", "IEND"),
                        "Copyright\0\0\0\0\0© 2020 山田 太郎"),
                new Case(
                        "kept, control characters tidied",
                        BufferedImage.TYPE_INT_RGB,
                        true,
                        " Jane\0Editor\n",
                        List.of("IHDR", "tEXt", "IDAT", "IEND"),
                        "Copyright\0Jane Editor"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void chunksAndPixels(Case c) {
        BufferedImage image = EncodeJpegTest.synthetic(53, 29, c.imageType());
        VariantSpec spec = RenderTestSupport.png("t", 100, 100, Fit.INSIDE, false, 0xFFFFFF)
                .withKeepCopyright(c.keep());

        byte[] png = Encode.apply(image, spec, c.copyright());

        List<Chunk> chunks = chunks(png);
        assertThat(chunks).as("every chunk's CRC").allMatch(Chunk::crcOk);
        assertThat(chunks.stream().map(Chunk::type).distinct()).containsExactlyElementsOf(c.expectedChunks());
        chunks.stream()
                .filter(k -> k.type().equals("tEXt") || k.type().equals("iTXt"))
                .forEach(text -> assertThat(new String(
                                text.data(),
                                text.type().equals("iTXt") ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1))
                        .isEqualTo(c.expectedText()));

        BufferedImage decoded = RenderTestSupport.read(png);
        assertThat(decoded.getColorModel().hasAlpha())
                .isEqualTo(image.getColorModel().hasAlpha());
        assertThat(pixels(decoded)).as("lossless, alpha included").isEqualTo(pixels(image));
    }

    static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    record Chunk(String type, byte[] data, boolean crcOk) {
        @Override
        public String toString() {
            return type + " (" + data.length + " bytes)";
        }
    }

    static List<Chunk> chunks(byte[] png) {
        assertThat(Arrays.copyOf(png, 8))
                .as("signature")
                .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        List<Chunk> chunks = new ArrayList<>();
        int pos = 8;
        while (pos < png.length) {
            int length = (png[pos] & 0xFF) << 24
                    | (png[pos + 1] & 0xFF) << 16
                    | (png[pos + 2] & 0xFF) << 8
                    | (png[pos + 3] & 0xFF);
            CRC32 crc = new CRC32();
            crc.update(png, pos + 4, 4 + length);
            int at = pos + 8 + length;
            long stored = (png[at] & 0xFFL) << 24
                    | (png[at + 1] & 0xFF) << 16
                    | (png[at + 2] & 0xFF) << 8
                    | (png[at + 3] & 0xFF);
            chunks.add(new Chunk(
                    new String(png, pos + 4, 4, StandardCharsets.US_ASCII),
                    Arrays.copyOfRange(png, pos + 8, pos + 8 + length),
                    crc.getValue() == stored));
            pos = at + 4;
        }
        assertThat(pos).as("chunks end with the file").isEqualTo(png.length);
        return chunks;
    }
}
