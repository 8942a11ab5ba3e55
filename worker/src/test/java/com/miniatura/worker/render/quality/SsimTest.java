package com.miniatura.worker.render.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.miniatura.worker.render.RenderTestSupport;
import com.miniatura.worker.render.codec.Luma;
import com.miniatura.worker.render.resample.Planes.Plane;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** SSIM of planes: exact on the cases the formula settles by hand, ordered on growing damage, and bounded. */
class SsimTest {

    record Size(int width, int height) {}

    static Stream<Size> sizes() {
        return Stream.of(new Size(64, 48), new Size(11, 11), new Size(5, 7), new Size(1, 1));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void aPlaneIsWhollyLikeItself(Size size) {
        Plane noise = noise(size.width(), size.height(), 1);

        assertThat(Ssim.of(noise, copy(noise))).isCloseTo(1.0, within(1e-12));
    }

    /** Flat planes have no variance: SSIM is the luminance term alone, (2·μx·μy + C1) / (μx² + μy² + C1). */
    @ParameterizedTest
    @MethodSource("sizes")
    void flatPlanesDifferOnlyInLuminance(Size size) {
        double c1 = (0.01 * 255) * (0.01 * 255);
        double expected = (2 * 100 * 110 + c1) / (100 * 100 + 110 * 110 + c1);

        assertThat(Ssim.of(flat(size.width(), size.height(), 100), flat(size.width(), size.height(), 110)))
                .isCloseTo(expected, within(1e-12));
    }

    @Test
    void moreNoiseIsLessAlike() {
        Plane picture = gradient(96, 64);
        List<Double> scores = new ArrayList<>();
        for (int amplitude : new int[] {1, 4, 16, 64}) {
            scores.add(Ssim.of(picture, withNoise(picture, amplitude)));
        }

        assertThat(scores).as("SSIM at noise ±1, ±4, ±16, ±64").isSortedAccordingTo((x, y) -> Double.compare(y, x));
        assertThat(scores.get(0)).isGreaterThan(0.9).isLessThan(1);
        assertThat(scores.get(3)).isLessThan(0.5);
    }

    @Test
    void itIsSymmetric() {
        Plane a = noise(40, 30, 2);
        Plane b = withNoise(a, 20);

        assertThat(Ssim.of(a, b)).isCloseTo(Ssim.of(b, a), within(1e-12));
    }

    /** Structure reversed (every sample mirrored about 128) scores below zero: the covariance term turns negative. */
    @Test
    void aNegativeIsUnlike() {
        Plane a = noise(40, 30, 3);
        byte[] negative = new byte[a.data().length];
        for (int i = 0; i < negative.length; i++) {
            negative[i] = (byte) (255 - (a.data()[i] & 0xFF));
        }

        assertThat(Ssim.of(a, new Plane(negative, 0, 40, 40, 30))).isLessThan(0);
    }

    /** A plane inside a larger array (offset, padded rows) is measured as its own samples. */
    @Test
    void aPlaneInsideALargerArrayIsMeasuredAsItsOwnSamples() {
        Plane a = noise(30, 20, 4);
        Plane b = withNoise(a, 10);
        byte[] padded = new byte[7 + 33 * 20];
        for (int y = 0; y < 20; y++) {
            System.arraycopy(b.data(), y * 30, padded, 7 + y * 33, 30);
        }

        assertThat(Ssim.of(a, new Plane(padded, 7, 33, 30, 20))).isEqualTo(Ssim.of(a, b));
    }

    @Test
    void theEstimateOfALargePlaneIsCloseToTheFullMeasure() throws Exception {
        BufferedImage photo = RenderTestSupport.read(RenderTestSupport.fixture("catalog/iphone_hdr_NO-1024.jpg"));
        Plane original = Luma.of(photo);
        for (float quality : new float[] {0.3f, 0.6f, 0.9f}) {
            Plane encoded = Luma.of(RenderTestSupport.read(jpeg(photo, quality)));
            assertThat(Ssim.estimate(encoded, original))
                    .as("q%.0f", quality * 100)
                    .isCloseTo(Ssim.of(encoded, original), within(0.002));
        }
    }

    @Test
    void aSmallPlaneIsEstimatedAtEveryWindow() {
        Plane a = noise(150, 150, 5);
        Plane b = withNoise(a, 30);
        assertThat(Ssim.estimate(a, b)).isEqualTo(Ssim.of(a, b));
    }

    private static byte[] jpeg(BufferedImage image, float quality) throws java.io.IOException {
        javax.imageio.ImageWriter writer =
                javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream stream = javax.imageio.ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new javax.imageio.IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    @Test
    void planesOfDifferentSizesAreRefused() {
        assertThatThrownBy(() -> Ssim.of(flat(10, 10, 1), flat(10, 11, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("planes of 10x10 and 10x11 cannot be compared");
    }

    private static Plane flat(int width, int height, int value) {
        byte[] data = new byte[width * height];
        Arrays.fill(data, (byte) value);
        return new Plane(data, 0, width, width, height);
    }

    private static Plane noise(int width, int height, long seed) {
        byte[] data = new byte[width * height];
        new Random(seed).nextBytes(data);
        return new Plane(data, 0, width, width, height);
    }

    private static Plane gradient(int width, int height) {
        byte[] data = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                data[y * width + x] = (byte) (64 + x + (int) (40 * Math.sin(y / 5.0)));
            }
        }
        return new Plane(data, 0, width, width, height);
    }

    private static Plane withNoise(Plane plane, int amplitude) {
        Random random = new Random(amplitude);
        byte[] data = new byte[plane.width() * plane.height()];
        for (int i = 0; i < data.length; i++) {
            int v = (plane.data()[i] & 0xFF) + random.nextInt(2 * amplitude + 1) - amplitude;
            data[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return new Plane(data, 0, plane.width(), plane.width(), plane.height());
    }

    private static Plane copy(Plane plane) {
        return new Plane(plane.data().clone(), plane.offset(), plane.stride(), plane.width(), plane.height());
    }
}
