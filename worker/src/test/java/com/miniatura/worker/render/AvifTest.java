package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.codec.ExifWriter;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * libavif through JNR ({@link Avif}): what it encodes decodes to the same picture at any size, the quality scale is
 * libavif's and sharp's, only the copyright is written, and what is not an AVIF, or is larger than allowed, is refused
 * with libavif's words. Without the library (the {@code imageio-jpeg} execution) see {@code AvifAbsentTest}.
 */
class AvifTest {

    private static Avif avif;

    @BeforeAll
    static void library() {
        avif = NativeLibraries.avif();
    }

    static BufferedImage image(Avif.Decoded decoded) {
        BufferedImage image = new BufferedImage(decoded.width(), decoded.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(decoded.bgr(), 0, target, 0, target.length);
        return image;
    }

    /** A smooth picture with an edge: what a thumbnail holds. */
    static byte[] picture(int width, int height) {
        byte[] bgr = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                bgr[i] = (byte) (x * 255 / Math.max(1, width - 1));
                bgr[i + 1] = (byte) (y * 255 / Math.max(1, height - 1));
                bgr[i + 2] = (byte) (x < width / 2 ? 40 : 220);
            }
        }
        return bgr;
    }

    /** A size, and the PSNR its decode keeps at least (a few pixels across a colour edge lose to 4:2:0 chroma). */
    record Size(int width, int height, double psnr) {
        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    static Stream<Size> sizes() {
        return Stream.of(
                new Size(1, 1, 30),
                new Size(3, 5, 15),
                new Size(150, 150, 30),
                new Size(481, 321, 30),
                new Size(17, 640, 30));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sizes")
    void whatItEncodesDecodesToTheSamePictureAtAnySize(Size size) throws Exception {
        byte[] bgr = picture(size.width(), size.height());
        byte[] encoded = avif.encode(bgr, size.width(), size.height(), 80, null);
        assertThat(new String(encoded, 4, 8, StandardCharsets.ISO_8859_1)).isEqualTo("ftypavif");

        Avif.Decoded decoded = avif.decode(encoded, (long) size.width() * size.height());
        assertThat(decoded.width()).isEqualTo(size.width());
        assertThat(decoded.height()).isEqualTo(size.height());
        assertThat(Pixels.psnr(image(new Avif.Decoded(size.width(), size.height(), bgr)), image(decoded)))
                .isGreaterThan(size.psnr());
    }

    @Test
    void aLowerQualityIsFewerBytes() throws Exception {
        byte[] bgr = picture(481, 321);
        byte[] low = avif.encode(bgr, 481, 321, 30, null);
        byte[] high = avif.encode(bgr, 481, 321, 90, null);
        assertThat(low.length).isLessThan(high.length);
    }

    @Test
    void qualityIsLibavifsAndSharpsScaleOfTheQuantizer() {
        assertThat(Stream.of(100, 90, 80, 50, 1, 0).map(Avif::quantizer)).containsExactly(0, 6, 13, 32, 62, 63);
    }

    @Test
    void theCopyrightIsTheOnlyMetadataAndOnlyWhenAsked() throws Exception {
        byte[] bgr = picture(64, 48);
        byte[] plain = avif.encode(bgr, 64, 48, 60, null);
        byte[] signed = avif.encode(bgr, 64, 48, 60, ExifWriter.copyrightTiff("Ana Lopez, Lot 7"));
        String plainText = new String(plain, StandardCharsets.ISO_8859_1);
        String signedText = new String(signed, StandardCharsets.ISO_8859_1);
        assertThat(plainText).doesNotContain("Exif").doesNotContain("Ana Lopez");
        assertThat(signedText).contains("Exif").contains("Ana Lopez, Lot 7");
        assertThat(avif.decode(signed, 64 * 48).width()).isEqualTo(64);
    }

    @Test
    void whatIsNotAnAvifIsRefusedWithLibavifsWords() {
        assertThatThrownBy(() -> avif.decode("not an image at all".getBytes(StandardCharsets.US_ASCII), 1 << 20))
                .isInstanceOf(Avif.Failure.class)
                .hasMessage("decoding: BMFF parsing failed");
    }

    @Test
    void anAvifOfMorePixelsThanAllowedIsRefusedBeforeItIsDecoded() throws Exception {
        byte[] encoded = avif.encode(picture(100, 100), 100, 100, 50, null);
        assertThat(avif.decode(encoded, 100 * 100).width()).as("at the limit").isEqualTo(100);
        assertThatThrownBy(() -> avif.decode(encoded, 100 * 99))
                .isInstanceOf(Avif.Failure.class)
                .hasMessage("decoding: BMFF parsing failed");
    }

    /** libaom's memory is native, outside the heap budget: encodes take turns, and a render waits at most its time. */
    @Test
    void encodesTakeTurnsAndAWaitEndsWithTheRendersTime() throws Exception {
        Avif.ENCODES.acquire(); // another render's encode, under way
        try {
            assertThatThrownBy(() -> avif.encode(picture(64, 48), 64, 48, 50, null, 20_000_000L))
                    .isInstanceOf(Avif.Busy.class)
                    .hasMessage("another AVIF encode held the turn");

            VariantSpec jpeg = RenderTestSupport.jpeg("c480", 480, 480, Fit.INSIDE, 80);
            VariantSpec twin = jpeg.withEncoding(OutputFormat.AVIF, 50, false, jpeg.chromaSubsampling(), false);
            Renderer renderer = new Renderer(
                    new RenderLimits(
                            RenderLimits.DEFAULT_MAX_SOURCE_BYTES,
                            RenderLimits.defaults().maxSourcePixels(),
                            RenderLimits.defaults().maxSourceFrames(),
                            Duration.ofSeconds(2)),
                    Watermarks.NONE);
            // a small source, so that the render's two seconds run out in the queue, not before it
            byte[] source = RenderTestSupport.writePng(image(new Avif.Decoded(64, 48, picture(64, 48))));
            assertThatThrownBy(() -> renderer.render(source, List.of(twin)))
                    .isInstanceOfSatisfying(
                            RenderException.class,
                            e -> assertThat(e.getMessage())
                                    .isEqualTo(
                                            "render timed out: took longer than 2 s (while waiting to encode AVIF)"));
        } finally {
            Avif.ENCODES.release();
        }
        assertThat(avif.encode(picture(64, 48), 64, 48, 50, null, 0))
                .as("the turn, once free")
                .isNotEmpty();
    }

    @Test
    void pixelsThatDoNotMatchTheSizeAreRefusedBeforeLibavifSeesThem() {
        assertThatThrownBy(() -> avif.encode(new byte[10], 4, 4, 50, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source of 10 bytes for 4x4");
    }
}
