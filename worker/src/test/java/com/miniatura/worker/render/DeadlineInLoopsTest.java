package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.Fit;
import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.codec.Encode;
import com.miniatura.worker.render.filter.Filters;
import com.miniatura.worker.render.filter.ToSrgb;
import com.miniatura.worker.render.geometry.Turn;
import com.miniatura.worker.render.resample.AreaAverage;
import com.miniatura.worker.render.resample.OpaqueResample;
import com.miniatura.worker.render.resample.PlanarCascade;
import com.miniatura.worker.render.resample.PlaneResample;
import com.miniatura.worker.render.resample.Planes;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The render deadline is polled inside every loop over a whole image, not only between steps: a colour
 * conversion, a box shrink, a resampling pass, a filter or an encode whose deadline passes stops within a few
 * rows, and the render fails with the step it was in.
 */
class DeadlineInLoopsTest {

    /** A deadline already past: every poll throws. */
    private static Deadline past() {
        return Deadline.start(Duration.ofSeconds(60), new InputLimitsTest.JumpingClock(1));
    }

    record Step(String label, String stage, Supplier<Object> run) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Step> steps() {
        BufferedImage photo = noise(1200, 900);
        return Stream.of(
                new Step(
                        "colour conversion (ICC profile)",
                        "converting colours",
                        () -> ToSrgb.bgr(withProfile(photo), past())),
                new Step(
                        "colour conversion to ARGB",
                        "converting colours",
                        () -> ToSrgb.apply(OpaqueResample.plain(photo), past())),
                new Step("box shrink by 2", "box-shrinking", () -> OpaqueResample.box(photo, 2, past())),
                new Step("box shrink by 3", "box-shrinking", () -> OpaqueResample.box(photo, 3, past())),
                new Step(
                        "a Lanczos pass",
                        "resampling",
                        () -> OpaqueResample.lanczos(2, photo, 0, 0, 1200, 900, 800, 600, past())),
                new Step(
                        "a box shrink of a YCbCr plane",
                        "box-shrinking",
                        () -> PlaneResample.box(planes().luma(), 0, 0, 1200, 900, 2, past())),
                new Step(
                        "a Lanczos pass over YCbCr planes",
                        "resampling",
                        () -> new PlanarCascade(planes(), 1, 1, 1200, 900, past())
                                .scalePlanes(new Turn.Rect(0, 0, 1200, 900), 800, 600, 2, 2)),
                new Step("YCbCr planes to BGR", "converting colours", () -> planes().toBgr(past())),
                new Step("the analysis copy", "measuring the image", () -> AreaAverage.toFit(photo, 256, past())),
                new Step(
                        "a blur",
                        "filtering",
                        () -> Filters.apply(photo, List.of(new Filter.Blur(20)), Watermarks.NONE, past())),
                new Step(
                        "a JPEG encode",
                        "encoding",
                        () -> Encode.apply(
                                photo, RenderTestSupport.jpeg("big", 1200, 900, Fit.INSIDE, 90), null, past())),
                new Step(
                        "a PNG encode",
                        "encoding",
                        () -> Encode.apply(
                                photo,
                                RenderTestSupport.png("big", 1200, 900, Fit.INSIDE, false, RenderTestSupport.WHITE),
                                null,
                                past())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void aStepStopsOnceTheDeadlineHasPassed(Step step) {
        Deadline.Expired e =
                catchThrowableOfType(Deadline.Expired.class, () -> step.run().get());

        assertThat(e).as("stopped").isNotNull();
        assertThat(e.stage()).isEqualTo(step.stage());
    }

    @Test
    void withoutADeadlineTheStepsRunToTheEnd() {
        BufferedImage photo = noise(300, 200);

        assertThat(OpaqueResample.box(photo, 2).getWidth()).isEqualTo(150);
        assertThat(ToSrgb.bgr(withProfile(photo), Deadline.NONE).getWidth()).isEqualTo(300);
        assertThat(Encode.apply(photo, RenderTestSupport.jpeg("x", 300, 200, Fit.INSIDE, 80), null))
                .isNotEmpty();
    }

    /**
     * End to end: a JPEG with a Display P3 profile decodes, then its colour conversion runs out of time. The clock
     * passes 60 s at its fourth reading: the deadline's start, the checks before and after libjpeg-turbo's decode,
     * then the conversion's first strip.
     */
    @Test
    void theRendererNamesTheStepThatRanOutOfTime() {
        byte[] jpeg = SyntheticInputs.withIccProfile(
                SyntheticInputs.jpeg(noise(1200, 900), false),
                SyntheticInputs.matrixProfile("P3", SyntheticInputs.DISPLAY_P3, 0),
                65519);
        RenderLimits limits = RenderLimits.defaults();
        Renderer renderer = new Renderer(
                limits,
                Watermarks.NONE,
                new MemoryBudget(1L << 30),
                TurboJpeg.load(),
                new InputLimitsTest.JumpingClock(3));

        RenderException e = catchThrowableOfType(
                RenderException.class, () -> renderer.render(jpeg, RenderTestSupport.referenceVariants()));

        assertThat(e.reason()).isEqualTo(Reason.TIMED_OUT);
        // with ImageIO alone, TwelveMonkeys' reader converts the colours inside its decode: the deadline passes there
        assertThat(e.getMessage())
                .isEqualTo("render timed out: took longer than 60 s (while "
                        + (TurboJpeg.load().isPresent() ? "converting colours" : "decoding") + ")");
        assertThat(renderer.budget().reserved()).as("the memory is given back").isZero();
    }

    /** 1200 × 900 of noise as 4:2:0 planes. */
    private static Planes planes() {
        Planes planes = Planes.allocate(1200, 900, 2, 2);
        new Random(5).nextBytes(planes.data());
        return planes;
    }

    private static BufferedImage withProfile(BufferedImage bgr) {
        ICC_Profile p3 = ICC_Profile.getInstance(SyntheticInputs.matrixProfile("P3", SyntheticInputs.DISPLAY_P3, 0));
        ColorSpace space = new ICC_ColorSpace(p3);
        ComponentColorModel model =
                new ComponentColorModel(space, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        return new BufferedImage(model, bgr.getRaster(), false, null);
    }

    private static BufferedImage noise(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bytes = OpaqueResample.bytes(image);
        new Random(width * 31L + height).nextBytes(bytes);
        return image;
    }
}
