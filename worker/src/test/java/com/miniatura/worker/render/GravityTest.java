package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.Gravity;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.geometry.Geometry;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compass gravity for cover: the crop is pinned to an edge or corner and slides only along the axis the
 * box leaves free. First as plans, then end to end on sources whose every column (or row) has its own
 * colour, asserting exactly which columns or rows survive.
 */
class GravityTest {

    record PlanCase(String label, int srcW, int srcH, int w, int h, boolean upscale, Gravity gravity, int x, int y) {
        @Override
        public String toString() {
            return label + ", " + gravity.configName();
        }
    }

    static Stream<PlanCase> plans() {
        List<PlanCase> cases = new ArrayList<>();
        for (Gravity g : compass()) {
            // wide 4000×3000 → 3000×3000 crop, 1000 px free horizontally
            cases.add(new PlanCase("wide", 4000, 3000, 150, 150, false, g, 500 + 500 * g.dx(), 0));
            // tall 3000×4000 → 1000 px free vertically
            cases.add(new PlanCase("tall", 3000, 4000, 150, 150, false, g, 0, 500 + 500 * g.dy()));
            // small 100×80 without upscale: the unscaled 80×80 square, 20 px free
            cases.add(new PlanCase("small, no upscale", 100, 80, 150, 150, false, g, 10 + 10 * g.dx(), 0));
            // a wide box on a 1920×1080 source: 1920×640, 440 px free vertically
            cases.add(new PlanCase("wide box", 1920, 1080, 300, 100, true, g, 0, 220 + 220 * g.dy()));
            // odd overflow of 1 px: centre floors to 0, the far edge is 1
            cases.add(new PlanCase("odd overflow", 101, 100, 50, 50, false, g, g.dx() > 0 ? 1 : 0, 0));
            // the box's aspect ratio: nothing to slide
            cases.add(new PlanCase("same aspect", 300, 200, 150, 100, false, g, 0, 0));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void coverPinsTheCropWhereTheGravityPoints(PlanCase c) {
        VariantSpec spec = RenderTestSupport.spec("v", c.w(), c.h(), Fit.COVER, OutputFormat.JPEG, 80, c.upscale(), 0)
                .withGravity(c.gravity());

        Geometry.Plan plan = Geometry.plan(c.srcW(), c.srcH(), spec, (g, horizontal, length, window) -> {
            throw new AssertionError("a compass gravity must not ask for content");
        });

        Geometry.Plan centred = Geometry.plan(c.srcW(), c.srcH(), spec.withGravity(Gravity.CENTER));
        assertThat(plan)
                .isEqualTo(new Geometry.Plan(
                        c.x(),
                        c.y(),
                        centred.cropW(),
                        centred.cropH(),
                        centred.scaledW(),
                        centred.scaledH(),
                        centred.canvasW(),
                        centred.canvasH(),
                        0,
                        0));
    }

    /** What a content-aware gravity asks for, and how the answer is clamped. */
    record Asked(Gravity gravity, boolean horizontal, int length, int window) {}

    @Test
    void contentAwareGravityAsksOnlyForTheFreeAxisAndIsClamped() {
        List<Asked> asked = new ArrayList<>();
        Geometry.Placement farLeft = (g, horizontal, length, window) -> {
            asked.add(new Asked(g, horizontal, length, window));
            return -50;
        };
        Geometry.Placement farRight = (g, horizontal, length, window) -> 99_999;
        VariantSpec cover = RenderTestSupport.spec("v", 150, 150, Fit.COVER, OutputFormat.JPEG, 80, false, 0);

        assertThat(Geometry.plan(4000, 3000, cover.withGravity(Gravity.ATTENTION), farLeft)
                        .cropX())
                .isZero();
        assertThat(Geometry.plan(3000, 4000, cover.withGravity(Gravity.ENTROPY), farLeft)
                        .cropY())
                .isZero();
        assertThat(Geometry.plan(4000, 3000, cover.withGravity(Gravity.ATTENTION), farRight)
                        .cropX())
                .isEqualTo(1000);
        assertThat(Geometry.plan(3000, 4000, cover.withGravity(Gravity.ENTROPY), farRight)
                        .cropY())
                .isEqualTo(1000);
        assertThat(asked)
                .containsExactly(
                        new Asked(Gravity.ATTENTION, true, 4000, 3000), new Asked(Gravity.ENTROPY, false, 4000, 3000));

        // no free axis, or not cover: nothing is asked
        asked.clear();
        Geometry.plan(3000, 3000, cover.withGravity(Gravity.ATTENTION), farLeft);
        Geometry.plan(
                4000,
                3000,
                RenderTestSupport.spec("v", 150, 150, Fit.CONTAIN, OutputFormat.JPEG, 80, false, 0)
                        .withGravity(Gravity.ATTENTION),
                farLeft);
        Geometry.plan(
                4000,
                3000,
                RenderTestSupport.spec("v", 150, 150, Fit.INSIDE, OutputFormat.JPEG, 80, false, 0)
                        .withGravity(Gravity.ENTROPY),
                farLeft);
        assertThat(asked).isEmpty();
        // without a placement, content-aware gravity is centred
        assertThat(Geometry.plan(4000, 3000, cover.withGravity(Gravity.ATTENTION))
                        .cropX())
                .isEqualTo(500);
    }

    record Survivors(Gravity gravity, boolean wide, int first) {
        @Override
        public String toString() {
            return (wide ? "wide 8×4, columns " : "tall 4×8, rows ") + first + ".." + (first + 3) + " for "
                    + gravity.configName();
        }
    }

    static Stream<Survivors> survivors() {
        return compass().stream()
                .flatMap(g ->
                        Stream.of(new Survivors(g, true, 2 + 2 * g.dx()), new Survivors(g, false, 2 + 2 * g.dy())));
    }

    /**
     * An 8×4 (or 4×8) source, each column (row) its own colour, for a 4×4 cover without upscaling: the crop
     * is the unscaled 4×4 square, so exactly four whole columns (rows) survive.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("survivors")
    void exactlyTheExpectedColumnsOrRowsSurvive(Survivors c) throws RenderException {
        int w = c.wide() ? 8 : 4;
        int h = c.wide() ? 4 : 8;
        int[][] source = new int[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                source[y][x] = line(c.wide() ? x : y);
            }
        }
        VariantSpec spec = RenderTestSupport.png("g", 4, 4, Fit.COVER, false, 0).withGravity(c.gravity());

        RenderedVariant out = new Renderer(RenderLimits.defaults())
                .render(RenderTestSupport.writePng(RenderTestSupport.image(source)), List.of(spec))
                .variants()
                .get(0);

        int[][] pixels = RenderTestSupport.rgb(RenderTestSupport.read(out.bytes()));
        int[][] expected = new int[4][4];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                expected[y][x] = line(c.first() + (c.wide() ? x : y));
            }
        }
        assertThat(pixels).isDeepEqualTo(expected);
    }

    /**
     * Resampled: 800×400 of eight 100-px colour stripes for a 100×100 cover (a 400×400 crop scaled by 1/4):
     * the middle of each 25-px output stripe shows the expected source stripe.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("survivors")
    void scaledCoverKeepsTheExpectedStripes(Survivors c) throws RenderException {
        BufferedImage source =
                new BufferedImage(c.wide() ? 800 : 400, c.wide() ? 400 : 800, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < source.getHeight(); y++) {
            for (int x = 0; x < source.getWidth(); x++) {
                source.setRGB(x, y, line((c.wide() ? x : y) / 100));
            }
        }
        VariantSpec spec =
                RenderTestSupport.png("g", 100, 100, Fit.COVER, false, 0).withGravity(c.gravity());

        RenderedVariant out = new Renderer(RenderLimits.defaults())
                .render(RenderTestSupport.writePng(source), List.of(spec))
                .variants()
                .get(0);

        BufferedImage pixels = RenderTestSupport.read(out.bytes());
        for (int stripe = 0; stripe < 4; stripe++) {
            int at = 12 + 25 * stripe;
            int rgb = pixels.getRGB(c.wide() ? at : 50, c.wide() ? 50 : at) & 0xFFFFFF;
            assertThat(rgb).as("stripe %d", stripe).isEqualTo(line(c.first() + stripe));
        }
    }

    /** A distinct, saturated colour per column or row index 0..7. */
    private static int line(int index) {
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFF00, 0x00FFFF, 0xFF00FF, 0x000000, 0xFFFFFF};
        return colours[index];
    }

    /** The centre and the eight compass points. */
    static List<Gravity> compass() {
        return IntStream.range(0, Gravity.values().length)
                .mapToObj(i -> Gravity.values()[i])
                .filter(g -> !g.contentAware())
                .toList();
    }
}
