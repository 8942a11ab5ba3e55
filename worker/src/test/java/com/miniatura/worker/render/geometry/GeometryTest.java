package com.miniatura.worker.render.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.RenderTestSupport;
import com.miniatura.worker.render.geometry.Geometry.Plan;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GeometryTest {

    /** One row: a source size and a box → the expected plan. */
    record Case(String label, int srcW, int srcH, Integer w, Integer h, Fit fit, boolean upscale, Plan expected) {
        VariantSpec spec() {
            return RenderTestSupport.spec("v", w, h, fit, OutputFormat.JPEG, 80, upscale, RenderTestSupport.WHITE);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** A plan without padding: crop → scaled, canvas = scaled. */
    private static Plan crop(int x, int y, int cw, int ch, int outW, int outH) {
        return new Plan(x, y, cw, ch, outW, outH, outW, outH, 0, 0);
    }

    /** A contain plan: the whole source scaled to scaledW × scaledH at (ox, oy) on a canvas. */
    private static Plan pad(int srcW, int srcH, int scaledW, int scaledH, int canvasW, int canvasH, int ox, int oy) {
        return new Plan(0, 0, srcW, srcH, scaledW, scaledH, canvasW, canvasH, ox, oy);
    }

    static Stream<Case> cases() {
        return Stream.of(
                // inside
                new Case("inside landscape", 4000, 3000, 300, 300, Fit.INSIDE, false, crop(0, 0, 4000, 3000, 300, 225)),
                new Case("inside portrait", 3000, 4000, 300, 300, Fit.INSIDE, false, crop(0, 0, 3000, 4000, 225, 300)),
                new Case(
                        "inside panorama rounds 128.65 up",
                        4608,
                        1976,
                        300,
                        300,
                        Fit.INSIDE,
                        false,
                        crop(0, 0, 4608, 1976, 300, 129)),
                new Case(
                        "inside half-pixel rounds up",
                        200,
                        101,
                        100,
                        100,
                        Fit.INSIDE,
                        false,
                        crop(0, 0, 200, 101, 100, 51)),
                new Case(
                        "inside non-square box, height binds",
                        1000,
                        1000,
                        300,
                        200,
                        Fit.INSIDE,
                        false,
                        crop(0, 0, 1000, 1000, 200, 200)),
                new Case(
                        "inside exact fit is unscaled",
                        800,
                        600,
                        800,
                        800,
                        Fit.INSIDE,
                        false,
                        crop(0, 0, 800, 600, 800, 600)),
                new Case(
                        "inside small source, no upscale",
                        320,
                        240,
                        800,
                        800,
                        Fit.INSIDE,
                        false,
                        crop(0, 0, 320, 240, 320, 240)),
                new Case(
                        "inside small source, upscale",
                        320,
                        240,
                        800,
                        800,
                        Fit.INSIDE,
                        true,
                        crop(0, 0, 320, 240, 800, 600)),
                new Case("width-only", 3264, 2448, 480, null, Fit.INSIDE, false, crop(0, 0, 3264, 2448, 480, 360)),
                new Case(
                        "width-only, tall source",
                        1000,
                        5000,
                        480,
                        null,
                        Fit.INSIDE,
                        false,
                        crop(0, 0, 1000, 5000, 480, 2400)),
                new Case(
                        "width-only, small source, no upscale",
                        320,
                        240,
                        480,
                        null,
                        Fit.INSIDE,
                        false,
                        crop(0, 0, 320, 240, 320, 240)),
                new Case(
                        "width-only, small source, upscale",
                        320,
                        240,
                        480,
                        null,
                        Fit.INSIDE,
                        true,
                        crop(0, 0, 320, 240, 480, 360)),
                new Case("height-only", 4000, 3000, null, 200, Fit.INSIDE, false, crop(0, 0, 4000, 3000, 267, 200)),
                new Case(
                        "height-only, small source, no upscale",
                        100,
                        50,
                        null,
                        200,
                        Fit.INSIDE,
                        false,
                        crop(0, 0, 100, 50, 100, 50)),
                new Case(
                        "height-only, small source, upscale",
                        100,
                        50,
                        null,
                        200,
                        Fit.INSIDE,
                        true,
                        crop(0, 0, 100, 50, 400, 200)),
                new Case(
                        "inside extreme wide → 1 px high",
                        10000,
                        10,
                        300,
                        300,
                        Fit.INSIDE,
                        false,
                        crop(0, 0, 10000, 10, 300, 1)),
                new Case(
                        "inside extreme tall → 1 px wide",
                        10,
                        10000,
                        300,
                        300,
                        Fit.INSIDE,
                        false,
                        crop(0, 0, 10, 10000, 1, 300)),
                new Case("inside 1x1 box", 640, 480, 1, 1, Fit.INSIDE, false, crop(0, 0, 640, 480, 1, 1)),
                new Case("inside 1x1 source", 1, 1, 300, 300, Fit.INSIDE, false, crop(0, 0, 1, 1, 1, 1)),
                // cover
                new Case(
                        "cover landscape crops centred columns",
                        4000,
                        3000,
                        150,
                        150,
                        Fit.COVER,
                        false,
                        crop(500, 0, 3000, 3000, 150, 150)),
                new Case(
                        "cover portrait crops centred rows",
                        3000,
                        4000,
                        150,
                        150,
                        Fit.COVER,
                        false,
                        crop(0, 500, 3000, 3000, 150, 150)),
                new Case("cover panorama", 4608, 1976, 150, 150, Fit.COVER, false, crop(1316, 0, 1976, 1976, 150, 150)),
                new Case(
                        "cover wide box, width binds",
                        1920,
                        1080,
                        300,
                        100,
                        Fit.COVER,
                        false,
                        crop(0, 220, 1920, 640, 300, 100)),
                new Case(
                        "cover odd overflow floors the offset",
                        101,
                        100,
                        50,
                        50,
                        Fit.COVER,
                        false,
                        crop(0, 0, 100, 100, 50, 50)),
                new Case(
                        "cover exact size is unscaled",
                        150,
                        150,
                        150,
                        150,
                        Fit.COVER,
                        false,
                        crop(0, 0, 150, 150, 150, 150)),
                new Case(
                        "cover small source, no upscale: largest square",
                        100,
                        80,
                        150,
                        150,
                        Fit.COVER,
                        false,
                        crop(10, 0, 80, 80, 80, 80)),
                new Case(
                        "cover small source, upscale",
                        100,
                        80,
                        150,
                        150,
                        Fit.COVER,
                        true,
                        crop(10, 0, 80, 80, 150, 150)),
                new Case(
                        "cover one side short, no upscale",
                        200,
                        100,
                        150,
                        150,
                        Fit.COVER,
                        false,
                        crop(50, 0, 100, 100, 100, 100)),
                new Case(
                        "cover 3:1 box in small source, no upscale",
                        100,
                        80,
                        300,
                        100,
                        Fit.COVER,
                        false,
                        crop(0, 23, 100, 33, 100, 33)),
                new Case(
                        "cover extreme wide, no upscale",
                        10000,
                        10,
                        150,
                        150,
                        Fit.COVER,
                        false,
                        crop(4995, 0, 10, 10, 10, 10)),
                new Case(
                        "cover extreme wide, upscale",
                        10000,
                        10,
                        150,
                        150,
                        Fit.COVER,
                        true,
                        crop(4995, 0, 10, 10, 150, 150)),
                new Case("cover 1x1 source", 1, 1, 150, 150, Fit.COVER, false, crop(0, 0, 1, 1, 1, 1)),
                new Case("cover 1x1 box", 640, 480, 1, 1, Fit.COVER, false, crop(80, 0, 480, 480, 1, 1)),
                // contain
                new Case(
                        "contain landscape pads top and bottom",
                        4000,
                        3000,
                        300,
                        300,
                        Fit.CONTAIN,
                        false,
                        pad(4000, 3000, 300, 225, 300, 300, 0, 37)),
                new Case(
                        "contain portrait pads left and right",
                        3000,
                        4000,
                        300,
                        300,
                        Fit.CONTAIN,
                        false,
                        pad(3000, 4000, 225, 300, 300, 300, 37, 0)),
                new Case(
                        "contain small source, no upscale: centred unscaled",
                        100,
                        80,
                        150,
                        150,
                        Fit.CONTAIN,
                        false,
                        pad(100, 80, 100, 80, 150, 150, 25, 35)),
                new Case(
                        "contain small source, upscale",
                        100,
                        80,
                        150,
                        150,
                        Fit.CONTAIN,
                        true,
                        pad(100, 80, 150, 120, 150, 150, 0, 15)),
                new Case(
                        "contain exact fit has no padding",
                        300,
                        300,
                        300,
                        300,
                        Fit.CONTAIN,
                        false,
                        pad(300, 300, 300, 300, 300, 300, 0, 0)),
                new Case(
                        "contain extreme wide → 1 px strip",
                        10000,
                        10,
                        300,
                        300,
                        Fit.CONTAIN,
                        false,
                        pad(10000, 10, 300, 1, 300, 300, 0, 149)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plans(Case c) {
        Plan plan = Geometry.plan(c.srcW(), c.srcH(), c.spec());

        assertThat(plan).isEqualTo(c.expected());
        // invariants every plan keeps
        assertThat(plan.cropX() + plan.cropW()).isLessThanOrEqualTo(c.srcW());
        assertThat(plan.cropY() + plan.cropH()).isLessThanOrEqualTo(c.srcH());
        assertThat(plan.offsetX() + plan.scaledW()).isLessThanOrEqualTo(plan.canvasW());
        assertThat(plan.offsetY() + plan.scaledH()).isLessThanOrEqualTo(plan.canvasH());
        if (!c.upscale()) {
            assertThat(plan.scaledW()).isLessThanOrEqualTo(plan.cropW());
            assertThat(plan.scaledH()).isLessThanOrEqualTo(plan.cropH());
        }
    }

    record Invalid(String label, int srcW, int srcH, Integer w, Integer h, Fit fit, String message) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid(
                        "cover without height",
                        100,
                        100,
                        150,
                        null,
                        Fit.COVER,
                        "variant v: cover needs a width and a height"),
                new Invalid(
                        "contain without width",
                        100,
                        100,
                        null,
                        150,
                        Fit.CONTAIN,
                        "variant v: contain needs a width and a height"),
                new Invalid("zero box", 100, 100, 0, 150, Fit.INSIDE, "variant v has a non-positive size"),
                new Invalid("empty source", 0, 100, 150, 150, Fit.INSIDE, "source size must be positive: 0x100"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsSpecsTheCatalogShouldHaveRejected(Invalid c) {
        VariantSpec spec = RenderTestSupport.spec("v", c.w(), c.h(), c.fit(), OutputFormat.JPEG, 80, false, 0);
        assertThatThrownBy(() -> Geometry.plan(c.srcW(), c.srcH(), spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(c.message());
    }
}
