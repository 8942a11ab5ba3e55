package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Encode;
import com.miniatura.worker.render.codec.ExifWriter;
import com.miniatura.worker.render.codec.WebpContainer;
import com.miniatura.worker.render.filter.ToSrgb;
import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * WebP output, checked by decoding it back with TwelveMonkeys' pure-Java reader (independent of the libwebp
 * that wrote it): lossless is exact, lossy is close, alpha survives, and the RIFF container is well formed with
 * or without the copyright chunk. TwelveMonkeys 3.13 has known WebP decoding bugs (lossless with alpha at some
 * sizes, haraldk/TwelveMonkeys#739; lossy drift, #1315), so images decoded here are ones it reads correctly, and
 * {@link WebpDwebpTest} covers the rest through libwebp's reference decoder.
 */
class WebpEncodeTest {

    /** One kind of WebP output: the encoder's mode, the image's alpha, and whether a copyright is kept. */
    record Kind(boolean lossless, boolean alpha, boolean copyright) {
        @Override
        public String toString() {
            return (lossless ? "lossless" : "lossy")
                    + (alpha ? " with alpha" : " opaque")
                    + (copyright ? " + copyright" : "");
        }

        BufferedImage image(int width, int height) {
            return EncodeJpegTest.synthetic(
                    width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        }

        byte[] encode(BufferedImage image) {
            return Encode.apply(image, spec(80, lossless).withKeepCopyright(copyright), COPYRIGHT);
        }
    }

    static final String COPYRIGHT = "© 2020 Jane Doe";

    static Stream<Kind> kinds() {
        List<Kind> kinds = new ArrayList<>();
        for (boolean lossless : new boolean[] {false, true}) {
            for (boolean alpha : new boolean[] {false, true}) {
                for (boolean copyright : new boolean[] {false, true}) {
                    kinds.add(new Kind(lossless, alpha, copyright));
                }
            }
        }
        return kinds.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void containerIsWellFormed(Kind kind) {
        for (int[] size : new int[][] {{1, 1}, {97, 61}, {300, 257}}) { // 300×257: canvas fields need 2 bytes
            byte[] webp = kind.encode(kind.image(size[0], size[1]));
            String at = kind + " " + size[0] + "x" + size[1];

            assertThat(WebpContainer.fourCc(webp, 0)).isEqualTo("RIFF");
            assertThat(le32(webp, 4)).as("%s: RIFF size = file length - 8", at).isEqualTo(webp.length - 8);
            assertThat(WebpContainer.fourCc(webp, 8)).isEqualTo("WEBP");
            List<Chunk> chunks = chunks(webp);
            List<String> types = chunks.stream().map(Chunk::fourCc).toList();
            boolean lossyAlpha = kind.alpha() && !kind.lossless(); // libwebp's extended form: VP8X, ALPH, VP8
            List<String> expected = new ArrayList<>();
            if (kind.copyright() || lossyAlpha) {
                expected.add("VP8X");
            }
            if (lossyAlpha) {
                expected.add("ALPH");
            }
            expected.add(kind.lossless() ? "VP8L" : "VP8 ");
            if (kind.copyright()) {
                expected.add("EXIF");
            }
            assertThat(types).as("%s: chunk order", at).containsExactlyElementsOf(expected);
            if (types.get(0).equals("VP8X")) {
                byte[] vp8x = chunks.get(0).payload();
                assertThat(vp8x).hasSize(10);
                assertThat(new int[] {le24(vp8x, 4) + 1, le24(vp8x, 7) + 1})
                        .as("%s: canvas", at)
                        .containsExactly(size);
                int flags = vp8x[0] & 0xFF;
                assertThat(flags & WebpContainer.FLAG_ALPHA)
                        .as("%s: alpha flag", at)
                        .isEqualTo(kind.alpha() ? WebpContainer.FLAG_ALPHA : 0);
                assertThat(flags & WebpContainer.FLAG_EXIF)
                        .as("%s: EXIF flag", at)
                        .isEqualTo(kind.copyright() ? WebpContainer.FLAG_EXIF : 0);
                assertThat(flags & ~(WebpContainer.FLAG_ALPHA | WebpContainer.FLAG_EXIF))
                        .as("%s: no ICC, XMP, animation", at)
                        .isZero();
            }
            if (kind.copyright()) {
                EncodeCopyrightTest.Ifd ifd =
                        EncodeCopyrightTest.ifd0(chunks.get(chunks.size() - 1).payload());
                assertThat(ifd.tags()).containsExactly(ExifWriter.COPYRIGHT_TAG);
                assertThat(ifd.copyright()).isEqualTo(COPYRIGHT);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void pixelsSurvive(Kind kind) {
        BufferedImage image = kind.image(97, 61);

        BufferedImage decoded = decode(kind.encode(image));

        assertThat(decoded.getColorModel().hasAlpha()).as("alpha channel").isEqualTo(kind.alpha());
        int[] in = EncodePngTest.pixels(image);
        int[] out = EncodePngTest.pixels(decoded);
        int[] alphaIn = Arrays.stream(in).map(p -> p >>> 24).toArray();
        int[] alphaOut = Arrays.stream(out).map(p -> p >>> 24).toArray();
        assertThat(alphaOut)
                .as("alpha, exact (lossy WebP codes alpha losslessly)")
                .isEqualTo(alphaIn);
        if (kind.lossless()) {
            // libwebp drops the colour of fully transparent pixels (invisible); every other pixel is exact
            int[] visibleIn = Arrays.stream(in).map(p -> p >>> 24 == 0 ? 0 : p).toArray();
            int[] visibleOut =
                    Arrays.stream(out).map(p -> p >>> 24 == 0 ? 0 : p).toArray();
            assertThat(visibleOut).isEqualTo(visibleIn);
        } else {
            assertThat(Pixels.psnr(onWhite(image), onWhite(decoded)))
                    .as("PSNR (dB) of what a viewer sees")
                    .isGreaterThanOrEqualTo(30);
        }
    }

    /**
     * Photos whose lossy round trip TwelveMonkeys 3.13 decodes faithfully. Its VP8 decoder predicts from
     * loop-filtered pixels and drifts down the frame (haraldk/TwelveMonkeys#1315, fixed after 3.13): on
     * {@code catalog/flowers-1024.jpg} it measures 29.6 dB where libwebp's own decoder measures 47.6 dB, so that
     * one is judged through {@code dwebp} in {@link WebpDwebpTest} instead.
     */
    static Stream<String> photos() {
        return Stream.of("catalog/DSCN0010-1024.jpg", "catalog/iphone_hdr_NO-1024.jpg", "catalog/nikon-e950-1024.jpg");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("photos")
    void lossyIsCloseOnPhotos(String fixture) {
        BufferedImage photo = photo(fixture);

        assertThat(Pixels.psnr(photo, decode(Encode.apply(photo, spec(80, false), null))))
                .as("q80 PSNR (dB)")
                .isGreaterThanOrEqualTo(30);
    }

    @Test
    void losslessIsExactOnAPhoto() {
        BufferedImage photo = photo("catalog/DSCN0010-1024.jpg");

        assertThat(EncodePngTest.pixels(decode(Encode.apply(photo, spec(80, true), null))))
                .isEqualTo(EncodePngTest.pixels(photo));
    }

    private static BufferedImage photo(String fixture) {
        try {
            return ToSrgb.apply(Decode.decode(RenderTestSupport.fixture(fixture), RenderLimits.defaults())
                    .image());
        } catch (RenderException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void qualityReachesTheLossyEncoderOnly() {
        BufferedImage image = EncodeJpegTest.synthetic(200, 150, BufferedImage.TYPE_INT_RGB);
        List<Integer> lossy = new ArrayList<>();
        for (int quality : new int[] {10, 40, 70, 90, 100}) {
            lossy.add(Encode.apply(image, spec(quality, false), null).length);
        }

        assertThat(lossy).as("lossy sizes at q10, 40, 70, 90, 100").isSorted().doesNotHaveDuplicates();
        assertThat(Encode.apply(image, spec(10, true), null))
                .as("lossless ignores quality")
                .isEqualTo(Encode.apply(image, spec(90, true), null));
    }

    @Test
    void theLibwebpWriterIsUsed() {
        assertThat(Encode.writer("webp", Encode.WEBP_WRITER).getClass().getName())
                .isEqualTo("com.luciad.imageio.webp.WebPWriter");
    }

    static VariantSpec spec(int quality, boolean lossless) {
        return RenderTestSupport.spec("t", 100, 100, Fit.INSIDE, OutputFormat.WEBP, quality, false, 0xFFFFFF)
                .withEncoding(OutputFormat.WEBP, quality, false, ChromaSubsampling.S420, lossless);
    }

    /** Decodes with TwelveMonkeys (pure Java), never with the libwebp reader ImageIO may list first. */
    static BufferedImage decode(byte[] webp) {
        ImageReader reader = new WebPImageReaderSpi().createReaderInstance(null);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(webp))) {
            reader.setInput(in);
            return reader.read(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * {@code image} composited over white: what a viewer sees. Lossy WebP may change the colour of fully
     * transparent pixels (libwebp cleans them up to save bytes), so raw colours are not comparable there.
     */
    static BufferedImage onWhite(BufferedImage image) {
        int[] pixels = EncodePngTest.pixels(image);
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            int a = p >>> 24;
            int rgb = 0;
            for (int shift = 0; shift < 24; shift += 8) {
                rgb |= (((p >> shift) & 0xFF) * a + 255 * (255 - a) + 127) / 255 << shift;
            }
            pixels[i] = rgb;
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, image.getWidth(), image.getHeight(), pixels, 0, image.getWidth());
        return out;
    }

    record Chunk(String fourCc, byte[] payload) {
        @Override
        public String toString() {
            return fourCc + " (" + payload.length + " bytes)";
        }
    }

    /** The chunks after the RIFF header; fails unless sizes, padding and the file length agree. */
    static List<Chunk> chunks(byte[] webp) {
        List<Chunk> chunks = new ArrayList<>();
        int pos = 12;
        while (pos < webp.length) {
            assertThat(pos + 8).as("chunk header within the file").isLessThanOrEqualTo(webp.length);
            int size = le32(webp, pos + 4);
            assertThat(pos + 8 + size)
                    .as("chunk %s within the file", WebpContainer.fourCc(webp, pos))
                    .isLessThanOrEqualTo(webp.length);
            chunks.add(new Chunk(
                    new String(webp, pos, 4, StandardCharsets.US_ASCII),
                    Arrays.copyOfRange(webp, pos + 8, pos + 8 + size)));
            pos += 8 + size + (size & 1);
        }
        assertThat(pos).as("chunks end exactly at the end of the file").isEqualTo(webp.length);
        return chunks;
    }

    static int le32(byte[] b, int at) {
        return le24(b, at) | (b[at + 3] & 0xFF) << 24;
    }

    static int le24(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16;
    }
}
