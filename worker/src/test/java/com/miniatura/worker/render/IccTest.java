package com.miniatura.worker.render;

import static com.miniatura.worker.render.SyntheticInputs.ADOBE_GAMMA;
import static com.miniatura.worker.render.SyntheticInputs.ADOBE_RGB;
import static com.miniatura.worker.render.SyntheticInputs.DISPLAY_P3;
import static com.miniatura.worker.render.SyntheticInputs.GRAYS;
import static com.miniatura.worker.render.SyntheticInputs.HEIGHT;
import static com.miniatura.worker.render.SyntheticInputs.WIDTH;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.worker.render.SyntheticInputs.Entry;
import com.miniatura.worker.render.SyntheticInputs.Primaries;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.filter.ToSrgb;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Embedded colour profiles are honoured: a wide-gamut photo ends up with the sRGB values the colour math gives
 * (so it is neither washed out nor oversaturated), a gray profile's curve is applied, and CMYK through its
 * embedded profile matches ImageMagick/lcms.
 *
 * <p>The Display P3 and Adobe RGB profiles are synthesised here (ICC v2 matrix/TRC: D50-adapted primaries and
 * the transfer curves), so no file of this machine is needed; expected values come from
 * {@link SyntheticInputs#expectedSrgb}: decode → linear → XYZ → linear sRGB → clip → encode.
 */
class IccTest {

    /** Allowed difference per channel from the colour math: measured at most 2 (JPEG) and 0 (lossless). */
    private static final int TOLERANCE = 3;

    /** Colours stored in the files, in the profile's space: primaries, mid-saturation colours, neutrals. */
    private static final int[] WIDE = {0xFF0000, 0x00FF00, 0x0000FF, 0xC83232, 0x32B450, 0x3250C8, 0x808080, 0xE6C878};

    private static final byte[] P3 = SyntheticInputs.matrixProfile("Display P3 (test)", DISPLAY_P3, 0);
    private static final byte[] ADOBE =
            SyntheticInputs.matrixProfile("Adobe RGB (1998) (test)", ADOBE_RGB, ADOBE_GAMMA);

    record Case(String label, Supplier<byte[]> source, Primaries primaries, double gamma) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("Display P3 JPEG", () -> jpeg(P3, 65519), DISPLAY_P3, 0),
                new Case(
                        "Display P3 JPEG, profile in 3 APP2 segments",
                        () -> jpeg(P3, P3.length / 3 + 1),
                        DISPLAY_P3,
                        0),
                new Case("Adobe RGB JPEG", () -> jpeg(ADOBE, 65519), ADOBE_RGB, ADOBE_GAMMA),
                new Case("Display P3 PNG (iCCP)", () -> png(SyntheticInputs.rgbPatches(WIDE), P3), DISPLAY_P3, 0),
                new Case(
                        "Display P3 PNG 16-bit (iCCP)",
                        () -> png(SyntheticInputs.rgb16Patches(WIDE), P3),
                        DISPLAY_P3,
                        0),
                new Case(
                        "Adobe RGB PNG palette (iCCP)",
                        () -> png(SyntheticInputs.palettePatches(-1, 8, WIDE), ADOBE),
                        ADOBE_RGB,
                        ADOBE_GAMMA),
                new Case(
                        "Adobe RGB TIFF (ICC tag 34675)",
                        () -> SyntheticInputs.rgbTiff(true, WIDE, List.of(new Entry(34675, 7, ADOBE.length, ADOBE))),
                        ADOBE_RGB,
                        ADOBE_GAMMA),
                new Case(
                        "Display P3 WebP lossless (ICCP chunk)",
                        () -> SyntheticInputs.webpWith(
                                SyntheticInputs.webp(SyntheticInputs.rgbPatches(WIDE), true), WIDTH, HEIGHT, P3, null),
                        DISPLAY_P3,
                        0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convertsWideGamutToTheSrgbOfTheColourMath(Case c) throws RenderException {
        BufferedImage srgb = ToSrgb.apply(
                Decode.decode(c.source().get(), RenderLimits.defaults()).image());

        assertThat(new int[] {srgb.getWidth(), srgb.getHeight()}).containsExactly(WIDTH, HEIGHT);
        List<String> measured = new ArrayList<>();
        for (int i = 0; i < WIDE.length; i++) {
            int[] expected = SyntheticInputs.expectedSrgb(WIDE[i], c.primaries(), c.gamma());
            int[] at = SyntheticInputs.centre(i);
            int[] actual = RenderTestSupport.argb(srgb, at[0], at[1]);
            int worst = 0;
            for (int ch = 0; ch < 3; ch++) {
                worst = Math.max(worst, Math.abs(actual[ch + 1] - expected[ch]));
            }
            measured.add(String.valueOf(worst));
            assertThat(worst)
                    .as(
                            "patch %06x: expected sRGB %s, got %s",
                            WIDE[i],
                            List.of(expected[0], expected[1], expected[2]),
                            List.of(actual[1], actual[2], actual[3]))
                    .isLessThanOrEqualTo(TOLERANCE);
        }
        System.out.printf("%-45s worst difference per patch: %s%n", c.label(), measured);
    }

    /** End to end: a P3 PNG turned by its EXIF orientation renders upright, in sRGB, with the converted colours. */
    @Test
    void theRendererConvertsAnOrientedP3Png() throws RenderException {
        byte[] png = SyntheticInputs.afterIhdr(
                SyntheticInputs.png(SyntheticInputs.rgbPatches(WIDE)),
                SyntheticInputs.iccpChunk(P3),
                SyntheticInputs.pngChunk("eXIf", SyntheticInputs.exif(false, 6, null)));

        RenderResult result = new Renderer(RenderLimits.defaults())
                .render(
                        png,
                        List.of(RenderTestSupport.png("full", 64, 64, Fit.INSIDE, false, RenderTestSupport.WHITE)));

        BufferedImage out = RenderTestSupport.read(result.variants().get(0).bytes());
        assertThat(new int[] {out.getWidth(), out.getHeight()}).containsExactly(HEIGHT, WIDTH);
        for (int i = 0; i < WIDE.length; i++) {
            int[] stored = SyntheticInputs.centre(i);
            int[] actual =
                    RenderTestSupport.argb(out, HEIGHT - 1 - stored[1], stored[0]); // orientation 6: 90° clockwise
            int[] expected = SyntheticInputs.expectedSrgb(WIDE[i], DISPLAY_P3, 0);
            for (int ch = 0; ch < 3; ch++) {
                assertThat(actual[ch + 1])
                        .as("patch %06x channel %d", WIDE[i], ch)
                        .isCloseTo(expected[ch], Offset.offset(TOLERANCE));
            }
        }
    }

    /** The test data must be able to fail: ignoring the profile would put most patches far outside the tolerance. */
    @Test
    void theTestColoursChangeUnderConversion() {
        for (Primaries p : List.of(DISPLAY_P3, ADOBE_RGB)) {
            double gamma = p == ADOBE_RGB ? ADOBE_GAMMA : 0;
            long changed = 0;
            for (int rgb : WIDE) {
                int[] e = SyntheticInputs.expectedSrgb(rgb, p, gamma);
                int[] raw = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
                if (Math.abs(e[0] - raw[0]) > 3 * TOLERANCE
                        || Math.abs(e[1] - raw[1]) > 3 * TOLERANCE
                        || Math.abs(e[2] - raw[2]) > 3 * TOLERANCE) {
                    changed++;
                }
            }
            assertThat(changed)
                    .as("patches that move by more than 3× the tolerance")
                    .isGreaterThanOrEqualTo(4);
        }
    }

    /** Display P3's red is outside sRGB: it must come out as the most saturated sRGB red, not a dull one. */
    @Test
    void saturatedP3RedStaysSaturated() throws RenderException {
        BufferedImage srgb = ToSrgb.apply(
                Decode.decode(jpeg(P3, 65519), RenderLimits.defaults()).image());

        int[] red = RenderTestSupport.argb(srgb, SyntheticInputs.centre(0)[0], SyntheticInputs.centre(0)[1]);
        assertThat(red[1]).as("R").isGreaterThanOrEqualTo(250);
        assertThat(red[2]).as("G").isLessThanOrEqualTo(10);
        assertThat(red[3]).as("B").isLessThanOrEqualTo(10);
    }

    /**
     * Gray pixels with an embedded gray profile follow its curve (here gamma 1.8, so 100 → sRGB 119, as
     * ImageMagick/lcms also gives); without a profile they are copied (see {@link ColorTest}, {@link DecodeFormatsTest}).
     */
    @Test
    void grayProfileCurveIsApplied() throws RenderException {
        byte[] gamma18 = SyntheticInputs.grayProfile("Gray gamma 1.8 (test)", 1.8);
        byte[] jpeg = SyntheticInputs.withIccProfile(
                SyntheticInputs.jpeg(SyntheticInputs.grayPatches(8), false), gamma18, 65519);
        byte[] png = SyntheticInputs.afterIhdr(
                SyntheticInputs.png(SyntheticInputs.grayPatches(8)), SyntheticInputs.iccpChunk(gamma18));

        for (byte[] source : List.of(jpeg, png)) {
            BufferedImage srgb =
                    ToSrgb.apply(Decode.decode(source, RenderLimits.defaults()).image());
            for (int i = 0; i < GRAYS.length; i++) {
                int expected = (int) Math.round(SyntheticInputs.linearToSrgb(Math.pow(GRAYS[i] / 255.0, 1.8)) * 255);
                int[] at = SyntheticInputs.centre(i);
                int[] actual = RenderTestSupport.argb(srgb, at[0], at[1]);
                assertThat(actual[1]).as("gray %d", GRAYS[i]).isCloseTo(expected, Offset.offset(2));
                assertThat(actual[2]).isEqualTo(actual[1]);
                assertThat(actual[3]).isEqualTo(actual[1]);
            }
        }
    }

    /**
     * The CMYK fixture (YCCK, embedded SWOP profile) against ImageMagick/lcms converting it with the same
     * profile to sRGB (see {@code src/test/resources/reference/README.md}): both box-averaged 5×3 to 100×111.
     * Measured mean absolute difference: 0.50 / 0.48 / 0.50 (R/G/B), largest single difference 1 level.
     */
    @Test
    void cmykFixtureMatchesImageMagick() throws RenderException, IOException {
        BufferedImage reference;
        try (InputStream in = IccTest.class.getResourceAsStream("/reference/cmyk-swop-to-srgb-100x111.png")) {
            reference = ImageIO.read(in);
        }
        BufferedImage ours = ToSrgb.apply(Decode.decode(
                        RenderTestSupport.fixture("color/Channel_digital_image_CMYK_color.jpg"),
                        RenderLimits.defaults())
                .image());
        assertThat(new int[] {ours.getWidth(), ours.getHeight()}).containsExactly(500, 333);

        BufferedImage averaged = boxAverage(ours, 5, 3);
        double[] mad = new double[3];
        int worst = 0;
        for (int y = 0; y < reference.getHeight(); y++) {
            for (int x = 0; x < reference.getWidth(); x++) {
                int[] a = RenderTestSupport.argb(averaged, x, y);
                int[] b = RenderTestSupport.argb(reference, x, y);
                for (int ch = 0; ch < 3; ch++) {
                    int d = Math.abs(a[ch + 1] - b[ch + 1]);
                    mad[ch] += d;
                    worst = Math.max(worst, d);
                }
            }
        }
        int n = reference.getWidth() * reference.getHeight();
        System.out.printf(
                "CMYK fixture vs ImageMagick: MAD R %.2f G %.2f B %.2f, worst %d%n",
                mad[0] / n, mad[1] / n, mad[2] / n, worst);
        for (int ch = 0; ch < 3; ch++) {
            assertThat(mad[ch] / n)
                    .as("mean absolute difference, channel %d", ch)
                    .isLessThan(1.0);
        }
        assertThat(worst).as("largest difference").isLessThanOrEqualTo(3);
    }

    /**
     * The same fixture with its APP2 ICC segments stripped decodes too (through the reader's fallback CMYK
     * conversion): same size, a green lawn, and visibly different colours from the profile's, which shows the
     * embedded profile is what the test above measured. Measured MAD between the two: 12.5 levels.
     */
    @Test
    void cmykFixtureWithoutItsProfileStillDecodes() throws RenderException {
        byte[] fixture = RenderTestSupport.fixture("color/Channel_digital_image_CMYK_color.jpg");
        byte[] stripped = SyntheticInputs.withoutIccProfile(fixture);
        assertThat(SyntheticInputs.iccProfileOf(stripped)).isNull();

        BufferedImage withProfile =
                ToSrgb.apply(Decode.decode(fixture, RenderLimits.defaults()).image());
        BufferedImage without =
                ToSrgb.apply(Decode.decode(stripped, RenderLimits.defaults()).image());

        assertThat(new int[] {without.getWidth(), without.getHeight()}).containsExactly(500, 333);
        double mad = RenderTestSupport.meanAbsDiff(withProfile, without);
        System.out.printf("CMYK fixture with vs without its profile: MAD %.2f%n", mad);
        assertThat(mad).isBetween(5.0, 60.0);
        int[] lawn = RenderTestSupport.argb(boxAverage(without.getSubimage(20, 215, 60, 30), 60, 30), 0, 0);
        assertThat(lawn[2]).as("green").isGreaterThan(lawn[1] + 20).isGreaterThan(lawn[3] + 20);
    }

    private static BufferedImage boxAverage(BufferedImage image, int bw, int bh) {
        BufferedImage out =
                new BufferedImage(image.getWidth() / bw, image.getHeight() / bh, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                int[] sum = new int[3];
                for (int j = 0; j < bh; j++) {
                    for (int i = 0; i < bw; i++) {
                        int[] p = RenderTestSupport.argb(image, x * bw + i, y * bh + j);
                        sum[0] += p[1];
                        sum[1] += p[2];
                        sum[2] += p[3];
                    }
                }
                int count = bw * bh;
                out.setRGB(
                        x,
                        y,
                        (Math.round(sum[0] / (float) count) << 16)
                                | (Math.round(sum[1] / (float) count) << 8)
                                | Math.round(sum[2] / (float) count));
            }
        }
        return out;
    }

    private static byte[] jpeg(byte[] profile, int chunk) {
        return SyntheticInputs.withIccProfile(
                SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(WIDE), false), profile, chunk);
    }

    private static byte[] png(BufferedImage image, byte[] profile) {
        return SyntheticInputs.afterIhdr(SyntheticInputs.png(image), SyntheticInputs.iccpChunk(profile));
    }
}
