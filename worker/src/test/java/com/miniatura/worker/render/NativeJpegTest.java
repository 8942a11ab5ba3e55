package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.ImageIoSource;
import com.miniatura.worker.render.codec.JpegHeader;
import com.miniatura.worker.render.codec.NativeJpeg;
import com.miniatura.worker.render.codec.Opened;
import com.miniatura.worker.render.filter.ToSrgb;
import com.miniatura.worker.render.resample.OpaqueResample;
import com.miniatura.worker.render.step.DecodePlan;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JPEGs through libjpeg-turbo ({@link TurboJpeg}) and through ImageIO, side by side: the same pixels at full size,
 * a reduced-scale decode as good as a box shrink of the full one, profiles applied as TwelveMonkeys applies them,
 * CMYK left to ImageIO, damaged files judged and worded by ImageIO as before, and a 200 MP photo rendered in the
 * memory a 320 MB heap gives. Without the library (as on a bare JDK) every JPEG goes through ImageIO.
 */
class NativeJpegTest {

    private static final RenderLimits LIMITS = RenderLimits.defaults();
    private static TurboJpeg turbo;

    @BeforeAll
    static void library() {
        turbo = NativeLibraries.turboJpeg();
    }

    static Stream<String> photos() {
        return Stream.of(
                "photos/2569067123_aca715a2ee_o.jpg",
                "photos/DSCN0010.jpg",
                "photos/HMD_Nokia_8.3_5G.jpg",
                "photos/flowers.jpeg",
                "photos/iphone_hdr_NO.jpg",
                "photos/nikon-e950.jpg",
                "catalog/flowers-1024.jpg",
                "formats/320x240.jpg",
                "orientation/Landscape_5.jpg");
    }

    @ParameterizedTest
    @MethodSource("photos")
    void atFullSizeLibjpegTurboGivesThePixelsImageIoGives(String fixture) throws Exception {
        byte[] jpeg = RenderTestSupport.fixture(fixture);
        BufferedImage viaNative;
        BufferedImage viaImageIo;
        try (Opened opened = Decode.open(jpeg, LIMITS, Optional.of(turbo))) {
            assertThat(opened).isInstanceOf(NativeJpeg.class);
            viaNative = opened.read(1, Deadline.NONE);
        }
        try (Opened opened = Decode.open(jpeg, LIMITS, Optional.empty())) {
            assertThat(opened).isInstanceOf(ImageIoSource.class);
            viaImageIo = ToSrgb.bgr(opened.read(1, Deadline.NONE), Deadline.NONE);
        }

        double mad = RenderTestSupport.meanAbsDiff(viaNative, viaImageIo);
        System.out.printf(
                Locale.ROOT,
                "%-40s %dx%d full size: mean abs difference %.3f%n",
                fixture,
                viaNative.getWidth(),
                viaNative.getHeight(),
                mad);
        assertThat(new int[] {viaNative.getWidth(), viaNative.getHeight()})
                .containsExactly(viaImageIo.getWidth(), viaImageIo.getHeight());
        assertThat(OpaqueResample.plainBgr(viaNative)).isTrue();
        if (JpegHeader.parse(jpeg).icc().isEmpty()) {
            assertThat(OpaqueResample.bytes(viaNative)).as("bit for bit").isEqualTo(OpaqueResample.bytes(viaImageIo));
        } else {
            // a profile is converted by the same colour engine, from libjpeg's RGB or TwelveMonkeys' own: rounding
            // aside
            assertThat(mad).isLessThan(0.6);
        }
    }

    @ParameterizedTest
    @MethodSource("photos")
    void atReducedScaleItIsAsGoodAsABoxShrinkOfTheFullDecode(String fixture) throws Exception {
        byte[] jpeg = RenderTestSupport.fixture(fixture);
        try (Opened opened = Decode.open(jpeg, LIMITS, Optional.of(turbo))) {
            BufferedImage full = opened.read(1, Deadline.NONE);
            for (int denominator : List.of(2, 4, 8)) {
                BufferedImage scaled = opened.read(denominator, Deadline.NONE);
                assertThat(scaled.getWidth()).isEqualTo(TurboJpeg.scaled(opened.width(), denominator));
                assertThat(scaled.getHeight()).isEqualTo(TurboJpeg.scaled(opened.height(), denominator));
                BufferedImage boxed = OpaqueResample.box(full, denominator);
                BufferedImage cropped = scaled.getSubimage(0, 0, boxed.getWidth(), boxed.getHeight());
                double psnr = Pixels.psnr(cropped, boxed);
                System.out.printf(
                        Locale.ROOT,
                        "%-40s 1/%d: %dx%d, PSNR against a box shrink %.1f dB%n",
                        fixture,
                        denominator,
                        scaled.getWidth(),
                        scaled.getHeight(),
                        psnr);
                assertThat(psnr).as("1/%d", denominator).isGreaterThan(32);
            }
        }
    }

    @Test
    void aProfileIsAppliedAsTwelveMonkeysAppliesIt() throws Exception {
        byte[] jpeg = SyntheticInputs.withIccProfile(
                SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false),
                SyntheticInputs.matrixProfile("P3", SyntheticInputs.DISPLAY_P3, 0),
                300); // a profile over several segments
        BufferedImage viaNative;
        BufferedImage viaImageIo;
        try (Opened opened = Decode.open(jpeg, LIMITS, Optional.of(turbo))) {
            assertThat(opened).isInstanceOf(NativeJpeg.class);
            assertThat(opened.layout().plainBgr())
                    .as("converted after decoding")
                    .isFalse();
            viaNative = opened.read(1, Deadline.NONE);
        }
        try (Opened opened = Decode.open(jpeg, LIMITS, Optional.empty())) {
            viaImageIo = ToSrgb.bgr(opened.read(1, Deadline.NONE), Deadline.NONE);
        }

        assertThat(RenderTestSupport.meanAbsDiff(viaNative, viaImageIo)).isLessThan(1.0);
        int[] red = RenderTestSupport.argb(viaNative, SyntheticInputs.centre(1)[0], SyntheticInputs.centre(1)[1]);
        int[] redImageIo =
                RenderTestSupport.argb(viaImageIo, SyntheticInputs.centre(1)[0], SyntheticInputs.centre(1)[1]);
        for (int c = 1; c < 4; c++) {
            assertThat(Math.abs(red[c] - redImageIo[c]))
                    .as("channel %d of the red patch", c)
                    .isLessThanOrEqualTo(2);
        }
    }

    @Test
    void cmykYcckAndAdobeRgbJpegsAreLeftToImageIo() throws Exception {
        List<byte[]> sources = List.of(
                RenderTestSupport.fixture("color/Channel_digital_image_CMYK_color.jpg"),
                SyntheticInputs.cmykJpeg(false, null),
                SyntheticInputs.cmykJpeg(true, null));
        for (byte[] jpeg : sources) {
            try (Opened opened = Decode.open(jpeg, LIMITS, Optional.of(turbo))) {
                assertThat(opened).isInstanceOf(ImageIoSource.class);
                assertThat(opened.denominators()).containsExactly(1);
            }
        }
    }

    /** Regression: a damaged file is judged by ImageIO, which sees every warning, with the words it always had. */
    @Test
    void damagedDataIsJudgedAndWordedByImageIo() {
        byte[] photo = RenderTestSupport.fixture("photos/nikon-e950.jpg");
        byte[] damaged = photo.clone();
        for (int i = damaged.length / 2; i < damaged.length / 2 + 64; i++) {
            damaged[i] = (byte) 0xFF; // markers in the middle of the scan: "premature end of data segment"
        }
        RenderException viaNative = catchThrowableOfType(
                RenderException.class,
                () -> new Renderer(LIMITS, Watermarks.NONE, new MemoryBudget(1L << 30), Optional.of(turbo))
                        .render(damaged, RenderTestSupport.referenceVariants()));
        RenderException viaImageIo = catchThrowableOfType(
                RenderException.class,
                () -> new Renderer(LIMITS, Watermarks.NONE, new MemoryBudget(1L << 30), Optional.empty())
                        .render(damaged, RenderTestSupport.referenceVariants()));

        assertThat(viaNative).isNotNull();
        assertThat(viaNative.reason()).isEqualTo(Reason.CORRUPT);
        assertThat(viaNative.getMessage()).isEqualTo(viaImageIo.getMessage());
    }

    /**
     * Regression: a decompressor handle that failed on one file (here a Huffman table zeroed in place) failed the
     * next, good file with the same error, so every JPEG after a damaged one went to ImageIO. Failed handles are
     * destroyed now, not pooled.
     */
    @Test
    void aHandleThatFailedOnADamagedFileDoesNotFailTheNextFile() throws Exception {
        byte[] damaged = SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false);
        damaged[403] = 0;
        damaged[404] = 0;
        byte[] good = RenderTestSupport.fixture("photos/nikon-e950.jpg");
        for (int i = 0; i < 3; i++) {
            try {
                turbo.decode(
                        damaged,
                        turbo.header(damaged),
                        1,
                        new byte[3 * SyntheticInputs.WIDTH * SyntheticInputs.HEIGHT]);
            } catch (TurboJpeg.Failure expected) {
                // "Bogus Huffman table definition"
            }
        }

        assertThat(turbo.header(good)).isEqualTo(new TurboJpeg.Header(800, 600, TurboJpeg.ColourSpace.YCBCR, 0));
        try (Opened opened = Decode.open(good, LIMITS, Optional.of(turbo))) {
            assertThat(opened).isInstanceOf(NativeJpeg.class);
        }
    }

    @Test
    void withoutTheLibraryEveryJpegIsDecodedByImageIoAtFullSize() throws Exception {
        byte[] jpeg = RenderTestSupport.fixture("photos/iphone_hdr_NO.jpg");
        try (Opened opened = Decode.open(jpeg, LIMITS, Optional.empty())) {
            DecodePlan plan = DecodePlan.of(opened, jpeg, RenderTestSupport.referenceVariants());

            assertThat(opened.layout().decoder()).isEqualTo("ImageIO");
            assertThat(plan.denominator()).isEqualTo(1);
            assertThat(plan.box()).isEqualTo(2);
        }
        try (Opened opened = Decode.open(jpeg, LIMITS, Optional.of(turbo))) {
            DecodePlan plan = DecodePlan.of(opened, jpeg, RenderTestSupport.referenceVariants());

            assertThat(opened.layout().decoder()).isEqualTo("libjpeg-turbo");
            assertThat(plan.denominator())
                    .as("the halving done by the DCT instead of a box")
                    .isEqualTo(2);
            assertThat(plan.box()).isEqualTo(1);
        }
        RenderResult result = new Renderer(LIMITS, Watermarks.NONE, new MemoryBudget(1L << 30), Optional.empty())
                .render(jpeg, RenderTestSupport.referenceVariants());
        assertThat(result.variants()).hasSize(6);
    }

    record Huge(int width, int height, int denominator) {
        @Override
        public String toString() {
            return width + "x" + height + " (" + Math.round(width * (double) height / 1e6) + " MP)";
        }
    }

    static Stream<Huge> huge() {
        return Stream.of(new Huge(12_000, 9_000, 4), new Huge(16_320, 12_240, 4));
    }

    /**
     * The phone sensors sellers shoot with: decoded at a quarter of the size (a 600 MB image never exists), every
     * reference variant rendered, within the budget a 320 MB heap gives (60 % of its 213 MB old generation).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("huge")
    void aHugePhotoRendersEveryVariantInTheBudgetOfA320MegabyteHeap(Huge huge) throws Exception {
        byte[] jpeg = Files.readAllBytes(LargeImages.photo(huge.width(), huge.height()));
        MemoryBudget budget = new MemoryBudget((long) (213 * (1L << 20) * MemoryBudget.HEAP_SHARE));
        long estimate;
        try (Opened opened = Decode.open(jpeg, LIMITS, Optional.of(turbo))) {
            DecodePlan plan = DecodePlan.of(opened, jpeg, RenderTestSupport.referenceVariants());
            estimate = plan.footprint().total();
            assertThat(plan.denominator()).isEqualTo(huge.denominator());
        }

        long started = System.nanoTime();
        RenderResult result = new Renderer(LIMITS, Watermarks.NONE, budget, Optional.of(turbo))
                .render(jpeg, RenderTestSupport.referenceVariants());
        System.out.printf(
                Locale.ROOT,
                "%s: %d MB file, %d MB estimated of a %d MB budget, rendered in %d ms%n",
                huge,
                jpeg.length >> 20,
                estimate >> 20,
                budget.capacity() >> 20,
                (System.nanoTime() - started) / 1_000_000);

        assertThat(estimate).isLessThanOrEqualTo(budget.capacity());
        assertThat(result.source().width()).isEqualTo(huge.width());
        assertThat(result.variants()).extracting(RenderedVariant::width).containsExactly(150, 300, 480, 800, 1600, 150);
    }
}
