package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.miniatura.common.catalog.Fit;
import com.miniatura.worker.render.filter.ToSrgb;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ToSrgb}: every decoded colour model ends up as sRGB packed ints with the right values. */
class ColorTest {

    /** A one-colour 4×3 source → the expected ARGB of every output pixel and the output type. */
    record Case(String label, Supplier<BufferedImage> source, int expectedArgb, int tolerance, int expectedType) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(
                        "8-bit gray is copied, not brightened",
                        () -> fill(BufferedImage.TYPE_BYTE_GRAY, 128),
                        0xFF808080,
                        0,
                        BufferedImage.TYPE_INT_RGB),
                new Case(
                        "16-bit gray scaled to 8 bits",
                        () -> fill(BufferedImage.TYPE_USHORT_GRAY, 0x8080),
                        0xFF808080,
                        0,
                        BufferedImage.TYPE_INT_RGB),
                new Case(
                        "gray + alpha keeps alpha",
                        () -> grayAlpha(200, 100),
                        0x64C8C8C8,
                        0,
                        BufferedImage.TYPE_INT_ARGB),
                new Case(
                        "BGR bytes: layout change only",
                        () -> fillRgb(BufferedImage.TYPE_3BYTE_BGR, 0x123456),
                        0xFF123456,
                        0,
                        BufferedImage.TYPE_INT_RGB),
                new Case(
                        "ABGR bytes keep alpha",
                        () -> fillArgb(BufferedImage.TYPE_4BYTE_ABGR, 0x80FF0000),
                        0x80FF0000,
                        0,
                        BufferedImage.TYPE_INT_ARGB),
                new Case("palette", () -> palette(0x00AA33), 0xFF00AA33, 0, BufferedImage.TYPE_INT_RGB),
                // linear 55/255 = 0.2157 → sRGB 1.055 * 0.2157^(1/2.4) - 0.055 = 0.503 → 128
                new Case(
                        "linear RGB is colour-converted",
                        () -> linearRgb(55),
                        0xFF808080,
                        2,
                        BufferedImage.TYPE_INT_RGB),
                // an embedded gray profile says what the values mean: (100/255)^1.8 = 0.186 → sRGB 0.468 → 119
                new Case(
                        "gray with an embedded gamma 1.8 profile is colour-converted",
                        () -> grayWithProfile(100, 1.8),
                        0xFF777777,
                        1,
                        BufferedImage.TYPE_INT_RGB));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convertsToSrgbPackedInts(Case c) {
        BufferedImage source = c.source().get();

        BufferedImage srgb = ToSrgb.apply(source);

        assertThat(srgb.getType()).isEqualTo(c.expectedType());
        assertThat(srgb.getColorModel().getColorSpace().isCS_sRGB()).isTrue();
        assertThat(srgb.getWidth()).isEqualTo(4);
        assertThat(srgb.getHeight()).isEqualTo(3);
        int[] expected = {
            c.expectedArgb() >>> 24,
            (c.expectedArgb() >> 16) & 0xFF,
            (c.expectedArgb() >> 8) & 0xFF,
            c.expectedArgb() & 0xFF
        };
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                int[] actual = RenderTestSupport.argb(srgb, x, y);
                for (int i = 0; i < 4; i++) {
                    assertThat(actual[i])
                            .as("channel %d at (%d,%d)", i, x, y)
                            .isCloseTo(expected[i], within(c.tolerance()));
                }
            }
        }
    }

    @Test
    void packedIntsPassThroughUntouched() {
        BufferedImage rgb = fillRgb(BufferedImage.TYPE_INT_RGB, 0x102030);
        BufferedImage argb = fillArgb(BufferedImage.TYPE_INT_ARGB, 0x40102030);
        assertThat(ToSrgb.apply(rgb)).isSameAs(rgb);
        assertThat(ToSrgb.apply(argb)).isSameAs(argb);
    }

    @Test
    void grayJpegKeepsItsBrightnessEndToEnd() throws Exception {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(fill(BufferedImage.TYPE_BYTE_GRAY, 128, 64, 48), "jpeg", jpeg);

        RenderResult result = new Renderer(RenderLimits.defaults())
                .render(
                        jpeg.toByteArray(),
                        List.of(RenderTestSupport.png("p", 64, 64, Fit.INSIDE, false, RenderTestSupport.WHITE)));

        BufferedImage out = RenderTestSupport.read(result.variants().get(0).bytes());
        assertThat(RenderTestSupport.argb(out, 32, 24)).containsExactly(255, 128, 128, 128);
    }

    @Test
    void cmykJpegIsConvertedWithItsProfile() throws RenderException {
        RenderResult result = new Renderer(RenderLimits.defaults())
                .render(
                        RenderTestSupport.fixture("color/Channel_digital_image_CMYK_color.jpg"),
                        List.of(
                                RenderTestSupport.png("full", 500, 500, Fit.INSIDE, false, RenderTestSupport.WHITE),
                                RenderTestSupport.jpeg("m300", 300, 300, Fit.INSIDE, 80)));

        assertThat(result.source()).isEqualTo(new SourceInfo("jpeg", 500, 333, 1));
        BufferedImage full = RenderTestSupport.read(result.variants().get(0).bytes());
        // the lawn in the lower left must be green (an inverted or raw-CMYK decode would be magenta/dark)
        double[] lawn = mean(full, 20, 215, 60, 30);
        assertThat(lawn[1]).as("green").isGreaterThan(lawn[0] + 20).isGreaterThan(lawn[2] + 20);
        // the paved path in the lower right is a light neutral grey
        double[] path = mean(full, 420, 290, 40, 20);
        assertThat(path[0]).isBetween(120.0, 230.0);
        assertThat(Math.abs(path[0] - path[2])).isLessThan(30.0);
        assertThat(result.variants().get(1).width()).isEqualTo(300);
        assertThat(result.variants().get(1).height()).isEqualTo(200);
    }

    // --- synthetic sources --------------------------------------------------------------------

    private static BufferedImage fill(int type, int sample) {
        return fill(type, sample, 4, 3);
    }

    private static BufferedImage fill(int type, int sample, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, type);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setSample(x, y, 0, sample);
            }
        }
        return image;
    }

    private static BufferedImage fillRgb(int type, int rgb) {
        BufferedImage image = new BufferedImage(4, 3, type);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                image.setRGB(x, y, 0xFF000000 | rgb);
            }
        }
        return image;
    }

    private static BufferedImage fillArgb(int type, int argb) {
        BufferedImage image = new BufferedImage(4, 3, type);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                image.setRGB(x, y, argb);
            }
        }
        return image;
    }

    private static BufferedImage grayAlpha(int gray, int alpha) {
        ColorModel cm = new ComponentColorModel(
                ColorSpace.getInstance(ColorSpace.CS_GRAY),
                true,
                false,
                Transparency.TRANSLUCENT,
                DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(4, 3);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                raster.setPixel(x, y, new int[] {gray, alpha});
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    private static BufferedImage grayWithProfile(int gray, double gamma) {
        ColorSpace cs =
                new ICC_ColorSpace(ICC_Profile.getInstance(SyntheticInputs.grayProfile("gray gamma " + gamma, gamma)));
        ColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(4, 3);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                raster.setSample(x, y, 0, gray);
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    private static BufferedImage palette(int rgb) {
        byte[] r = {0, (byte) (rgb >> 16)};
        byte[] g = {0, (byte) (rgb >> 8)};
        byte[] b = {0, (byte) rgb};
        BufferedImage image =
                new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 2, r, g, b));
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                raster.setSample(x, y, 0, 1);
            }
        }
        return image;
    }

    private static BufferedImage linearRgb(int value) {
        ColorModel cm = new ComponentColorModel(
                ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB),
                false,
                false,
                Transparency.OPAQUE,
                DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(4, 3);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                raster.setPixel(x, y, new int[] {value, value, value});
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    /** Mean {R, G, B} over a rectangle. */
    private static double[] mean(BufferedImage image, int x0, int y0, int w, int h) {
        double[] sum = new double[3];
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int[] p = RenderTestSupport.argb(image, x, y);
                sum[0] += p[1];
                sum[1] += p[2];
                sum[2] += p[3];
            }
        }
        for (int i = 0; i < 3; i++) {
            sum[i] /= (double) w * h;
        }
        return sum;
    }
}
