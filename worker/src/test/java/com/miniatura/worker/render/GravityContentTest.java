package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.Gravity;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.geometry.ContentCrop;
import com.miniatura.worker.render.geometry.Geometry;
import com.miniatura.worker.render.geometry.Orient;
import com.miniatura.worker.render.geometry.Turn;
import com.miniatura.worker.render.resample.AreaAverage;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Content-aware cover ({@code attention}, {@code entropy}): a detailed, colourful patch with varied brightness
 * placed off-centre on a flat background must end up centred in the crop (or as close as the edge allows),
 * whichever side it is on, whatever the EXIF orientation and the variant's turn.
 */
class GravityContentTest {

    private static final Renderer RENDERER = new Renderer(RenderLimits.defaults());
    private static final int GREY = 0x808080;
    private static final int SEA_GREEN = 0x2E8B57;

    /** The patch: 8×8 cells, every cell a different colour and brightness. */
    private static int patchColour(int cellX, int cellY) {
        int i = cellY * 8 + cellX;
        return ((i * 73 + 40) % 256) << 16 | ((i * 151 + 90) % 256) << 8 | (i * 29 + 10) % 256;
    }

    /**
     * A {@code w × h} background with the patch ({@code 8·cell} px square) at {@code (px, py)}.
     */
    private static int[][] scene(int w, int h, int background, int px, int py, int cell) {
        int[][] rows = new int[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean inPatch = x >= px && x < px + 8 * cell && y >= py && y < py + 8 * cell;
                rows[y][x] = inPatch ? patchColour((x - px) / cell, (y - py) / cell) : background;
            }
        }
        return rows;
    }

    record Case(
            String label,
            Gravity gravity,
            int w,
            int h,
            int background,
            int px,
            int py,
            int box,
            int expectedX,
            int expectedY) {
        @Override
        public String toString() {
            return gravity.configName() + ": " + label;
        }
    }

    /**
     * Small sources (analysed at full resolution): an 8×8 patch, a 16×16 cover without resampling, so the
     * crop is exact: centred on the patch, clamped at the edges.
     */
    static Stream<Case> exact() {
        return Stream.of(Gravity.ATTENTION, Gravity.ENTROPY)
                .flatMap(g -> Stream.of(
                        new Case("patch left", g, 64, 16, GREY, 8, 4, 16, 4, 0),
                        new Case("patch right", g, 64, 16, GREY, 44, 4, 16, 40, 0),
                        new Case("patch at the left edge", g, 64, 16, GREY, 0, 4, 16, 0, 0),
                        new Case("patch at the right edge", g, 64, 16, GREY, 56, 4, 16, 48, 0),
                        new Case("patch top", g, 16, 64, GREY, 4, 6, 16, 0, 2),
                        new Case("patch bottom", g, 16, 64, GREY, 4, 50, 16, 0, 46),
                        new Case("patch right on a colourful backdrop", g, 64, 16, SEA_GREEN, 36, 4, 16, 32, 0),
                        new Case("no patch: centre", g, 64, 16, GREY, 1000, 1000, 16, 24, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exact")
    void smallSourceCropIsCentredOnThePatch(Case c) throws RenderException {
        int[][] source = scene(c.w(), c.h(), c.background(), c.px(), c.py(), 1);
        VariantSpec spec = RenderTestSupport.png("v", c.box(), c.box(), Fit.COVER, false, 0)
                .withGravity(c.gravity());

        RenderedVariant out = RENDERER.render(
                        RenderTestSupport.writePng(RenderTestSupport.image(source)), List.of(spec))
                .variants()
                .get(0);

        assertThat(RenderTestSupport.rgb(RenderTestSupport.read(out.bytes())))
                .isDeepEqualTo(crop(source, c.expectedX(), c.expectedY(), c.box(), c.box()));
    }

    /**
     * Large sources (analysed on a 256-px copy, about 4.7 source px per step): a 96-px patch in a 1200×300
     * (or 300×1200) scene, 300×300 cover, unscaled. The patch must be whole and centred within ±8 px.
     */
    static Stream<Case> large() {
        return Stream.of(Gravity.ATTENTION, Gravity.ENTROPY)
                .flatMap(g -> Stream.of(
                        new Case("patch left", g, 1200, 300, GREY, 180, 100, 300, 78, 0),
                        new Case("patch right", g, 1200, 300, GREY, 900, 150, 300, 798, 0),
                        new Case("patch top", g, 300, 1200, GREY, 20, 300, 300, 0, 198),
                        new Case("patch bottom", g, 300, 1200, GREY, 150, 1000, 300, 0, 898)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("large")
    void largeSourceCropHoldsThePatchNearItsCentre(Case c) throws RenderException {
        int[][] source = scene(c.w(), c.h(), c.background(), c.px(), c.py(), 12);
        VariantSpec spec = RenderTestSupport.png("v", c.box(), c.box(), Fit.COVER, false, 0)
                .withGravity(c.gravity());

        RenderedVariant out = RENDERER.render(
                        RenderTestSupport.writePng(RenderTestSupport.image(source)), List.of(spec))
                .variants()
                .get(0);

        int[][] pixels = RenderTestSupport.rgb(RenderTestSupport.read(out.bytes()));
        int[] box = patchBounds(pixels, c.background());
        assertThat(box[2] - box[0]).as("patch width in the crop").isEqualTo(96);
        assertThat(box[3] - box[1]).as("patch height in the crop").isEqualTo(96);
        // the crop starts where the patch says; the only freedom is the analysis step
        int cropX = c.px() - box[0];
        int cropY = c.py() - box[1];
        assertThat(cropX).isCloseTo(c.expectedX(), within(8));
        assertThat(cropY).isCloseTo(c.expectedY(), within(8));
    }

    record TurnCase(Gravity gravity, int orientation, int rotate, boolean flip, boolean flop) {
        @Override
        public String toString() {
            return gravity.configName() + ": EXIF " + orientation + ", rotate " + rotate + (flip ? ", flip" : "")
                    + (flop ? ", flop" : "");
        }
    }

    static Stream<TurnCase> turned() {
        return Stream.of(Gravity.ATTENTION, Gravity.ENTROPY)
                .flatMap(g -> Stream.of(
                        new TurnCase(g, 6, 0, false, false), new TurnCase(g, 8, 0, false, true),
                        new TurnCase(g, 3, 90, false, false), new TurnCase(g, 5, 270, true, false),
                        new TurnCase(g, 1, 90, true, true), new TurnCase(g, 7, 180, false, false)));
    }

    /**
     * The analysis copy is made in stored orientation and turned per variant: the upright scene (patch
     * left of centre on 64×16) stored under an EXIF orientation, with a variant turn on top, must give the
     * crop of the naively turned scene that is centred on the patch.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("turned")
    void analysisFollowsOrientationAndVariantTurn(TurnCase c) throws RenderException {
        int[][] upright = scene(64, 16, GREY, 10, 4, 1);
        int[][] stored = RenderTestSupport.rgb(Orient.apply(
                RenderTestSupport.image(upright),
                Turn.exif(c.orientation()).inverse().code()));
        assertThat(TurnTest.Naive.upright(stored, c.orientation())).isDeepEqualTo(upright);
        int[][] expectedScene = TurnTest.Naive.variant(upright, c.rotate(), c.flip(), c.flop());
        VariantSpec spec = RenderTestSupport.png("v", 16, 16, Fit.COVER, false, 0)
                .withGravity(c.gravity())
                .withTurn(c.rotate(), c.flip(), c.flop());

        RenderedVariant out = RENDERER.render(RenderTestSupport.tiff(stored, c.orientation()), List.of(spec))
                .variants()
                .get(0);

        int[] patch = patchBounds(expectedScene, GREY);
        int w = expectedScene[0].length;
        int h = expectedScene.length;
        int x = w > 16 ? Math.max(0, Math.min(w - 16, (patch[0] + patch[2]) / 2 - 8)) : 0;
        int y = h > 16 ? Math.max(0, Math.min(h - 16, (patch[1] + patch[3]) / 2 - 8)) : 0;
        assertThat(RenderTestSupport.rgb(RenderTestSupport.read(out.bytes())))
                .isDeepEqualTo(crop(expectedScene, x, y, 16, 16));
    }

    record Rivals(String label, int far, int near) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Rivals> rivals() {
        return Stream.of(
                // same luma (76), so the same edges; only the red one is saturated
                new Rivals("saturated red beats a grey of the same brightness", 0xFF0000, 0x4C4C4C),
                // same luma (≈184) and the same max−min (86); only the first is a skin tone
                new Rivals("a skin tone beats a blue of the same brightness and saturation", 0xE0AC8A, 0x8AC8E0));
    }

    /**
     * Two flat 8×8 blocks on grey, {@code far} left of centre at x 4..12 and {@code near} right of it at
     * 40..48. Their luma histograms have the same shape, so entropy cannot tell them apart and keeps the one
     * nearer the centre; attention adds colour and skin, and must keep {@code far}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rivals")
    void attentionSeesColourAndSkinWhereEntropySeesATie(Rivals c) throws RenderException {
        int[][] source = new int[16][64];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 64; x++) {
                boolean inBlock = y >= 4 && y < 12;
                source[y][x] = inBlock && x >= 4 && x < 12 ? c.far() : inBlock && x >= 40 && x < 48 ? c.near() : GREY;
            }
        }
        VariantSpec cover = RenderTestSupport.png("v", 16, 16, Fit.COVER, false, 0);
        List<VariantSpec> specs = List.of(cover.withGravity(Gravity.ATTENTION), cover.withGravity(Gravity.ENTROPY));

        RenderResult result = RENDERER.render(RenderTestSupport.writePng(RenderTestSupport.image(source)), specs);

        assertThat(RenderTestSupport.rgb(
                        RenderTestSupport.read(result.variants().get(0).bytes())))
                .as("attention")
                .isDeepEqualTo(crop(source, 0, 0, 16, 16));
        assertThat(RenderTestSupport.rgb(
                        RenderTestSupport.read(result.variants().get(1).bytes())))
                .as("entropy")
                .isDeepEqualTo(crop(source, 36, 0, 16, 16));
    }

    @Test
    void colourScoreIsSaturationPlusSkinAndNothingInTheDark() {
        assertThat(ContentCrop.colourScore(128, 128, 128, 128)).as("grey").isZero();
        assertThat(ContentCrop.colourScore(255, 0, 0, 76.2)).as("red").isEqualTo(255);
        assertThat(ContentCrop.colourScore(10, 0, 0, 3)).as("near black").isZero();
        double skin = ContentCrop.colourScore(0xE0, 0xAC, 0x8A, 183.7);
        assertThat(skin - (0xE0 - 0x8A)).as("skin bonus").isBetween(150.0, 255.0);
        assertThat(ContentCrop.colourScore(0x8A, 0xC8, 0xE0, 184))
                .as("same saturation, not skin")
                .isEqualTo(0xE0 - 0x8A);
    }

    @Test
    void eachTurnIsAnalysedOnceAndOnlyWhenAsked() {
        ContentCrop content = new ContentCrop(RenderTestSupport.image(scene(64, 16, GREY, 8, 4, 1)));
        assertThat(content.analysedTurns()).isZero();

        Geometry.Placement upright = content.placement(Turn.NONE);
        Geometry.Placement rotated = content.placement(Turn.ROTATE_90);
        assertThat(content.analysedTurns())
                .as("making a placement analyses nothing")
                .isZero();

        int first = upright.start(Gravity.ATTENTION, true, 640, 160);
        int again = upright.start(Gravity.ENTROPY, true, 640, 160);
        assertThat(content.analysedTurns()).isEqualTo(1);
        rotated.start(Gravity.ATTENTION, false, 640, 160);
        assertThat(content.analysedTurns()).isEqualTo(2);
        // the analysis copy is 1/10 of the "source": the patch at 8..16 → centred crop at 40 source px
        assertThat(first).isEqualTo(40);
        assertThat(again).isEqualTo(40);
    }

    @Test
    void analysisCopyIsTheMeanOfEachBlockWithTransparencyOverWhite() {
        // 4×2 blocks of 2×2: plain means, rounded half up
        int[][] rows = {
            {0x000000, 0x020406, 0xFF0000, 0xFF0000, 0x101010, 0x101010, 0x0A0B0C, 0x0A0B0C},
            {0x000000, 0x020406, 0xFF0000, 0x00FF00, 0x101010, 0x101010, 0x0A0B0C, 0x0A0B0C},
            {0xFFFFFF, 0xFFFFFF, 0x000000, 0x000000, 0x000000, 0x000000, 0x000000, 0x000000},
            {0xFFFFFF, 0xFFFFFF, 0x000000, 0x000000, 0x000000, 0x000000, 0x000000, 0x000001}
        };
        BufferedImage small = AreaAverage.toFit(RenderTestSupport.image(rows), 4);

        assertThat(small.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(RenderTestSupport.rgb(small)).isDeepEqualTo(new int[][] {
            {0x010203, 0xBF4000, 0x101010, 0x0A0B0C},
            {0xFFFFFF, 0x000000, 0x000000, 0x000000}
        });

        // a 5×3 source into 2×1: columns 0..2 and 3..4, all rows
        int[][] ramp = new int[3][5];
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                ramp[y][x] = (x * 30) << 16;
            }
        }
        assertThat(RenderTestSupport.rgb(AreaAverage.toFit(RenderTestSupport.image(ramp), 2)))
                .isDeepEqualTo(new int[][] {{30 << 16, 105 << 16}});

        // transparent pixels count as white, whatever colour they hide; a fitting image keeps its size
        BufferedImage clear = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        clear.setRGB(0, 0, 0x00FF0000);
        clear.setRGB(1, 0, 0x80000000);
        clear.setRGB(2, 0, 0xFF336699);
        assertThat(RenderTestSupport.rgb(AreaAverage.toFit(clear, 256)))
                .isDeepEqualTo(new int[][] {{0xFFFFFF, 0x7F7F7F, 0x336699}, {0xFFFFFF, 0xFFFFFF, 0xFFFFFF}});
    }

    record Best(String label, double[] scores, double[] weights, int window, int expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Best> best() {
        return Stream.of(
                new Best("single maximum", new double[] {1, 5, 2, 0}, new double[5], 2, 1),
                new Best(
                        "a run of equal maxima, no weights: its middle",
                        new double[] {0, 3, 3, 3, 3, 3, 1},
                        new double[8],
                        2,
                        3),
                new Best(
                        "rounding noise counts as equal",
                        new double[] {0, 3, 3 + 1e-12, 3 - 1e-12, 1},
                        new double[6],
                        2,
                        2),
                new Best("all equal: the centre", new double[] {2, 2, 2, 2, 2}, new double[6], 2, 2),
                new Best(
                        "two equal runs: the one nearer the centre",
                        new double[] {4, 4, 0, 0, 0, 0, 4, 0, 0},
                        new double[10],
                        2,
                        6),
                new Best("one position", new double[] {7}, new double[3], 3, 0),
                // window 4 over 9 lines, subject on lines 2..3: every start 0..3 covers it; start 1 centres it
                new Best(
                        "run cut short by the edge: centred on the weights",
                        new double[] {5, 5, 5, 5, 1, 0},
                        new double[] {0, 0, 1, 1, 0, 0, 0, 0, 0},
                        4,
                        1),
                // subject on lines 5..6 → centre 6, window 4 → start 4, inside the run 2..5
                new Best(
                        "uneven weights pull the window",
                        new double[] {0, 0, 9, 9, 9, 9},
                        new double[] {0, 0, 0, 0, 0, 3, 3, 0, 0},
                        4,
                        4),
                // centring would want start 6, the run ends at 5
                new Best(
                        "centring stays inside the run",
                        new double[] {0, 0, 9, 9, 9, 9},
                        new double[] {0, 0, 0, 0, 0, 0, 0, 0, 1},
                        4,
                        5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("best")
    void bestPositionRule(Best c) {
        assertThat(c.weights()).hasSize(c.scores().length + c.window() - 1);
        assertThat(ContentCrop.best(c.scores(), c.weights(), c.window())).isEqualTo(c.expected());
    }

    @Test
    void entropyOfWindowsIsShannonEntropyOfTheirHistogram() {
        int[][] lines = new int[3][256];
        lines[0][10] = 4; // one value
        lines[1][10] = 2;
        lines[1][20] = 2; // two values, equally often
        lines[2][30] = 1;
        lines[2][40] = 1;
        lines[2][50] = 1;
        lines[2][60] = 1; // four values

        assertThat(ContentCrop.windowEntropies(lines, 1)).containsExactly(new double[] {0, 1, 2}, within(1e-12));
        // 10×6, 20×2 → p = 3/4, 1/4
        double expected = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)) / Math.log(2);
        assertThat(ContentCrop.windowEntropies(lines, 2)[0]).isCloseTo(expected, within(1e-12));
        assertThat(ContentCrop.windowSums(new double[] {1, 2, 3, 4}, 2)).containsExactly(3, 5, 7);
    }

    /** {minX, minY, maxX + 1, maxY + 1} of the pixels that are not {@code background}. */
    private static int[] patchBounds(int[][] pixels, int background) {
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int y = 0; y < pixels.length; y++) {
            for (int x = 0; x < pixels[0].length; x++) {
                if (pixels[y][x] != background) {
                    box[0] = Math.min(box[0], x);
                    box[1] = Math.min(box[1], y);
                    box[2] = Math.max(box[2], x + 1);
                    box[3] = Math.max(box[3], y + 1);
                }
            }
        }
        return box;
    }

    private static int[][] crop(int[][] rows, int x, int y, int w, int h) {
        int[][] out = new int[h][w];
        for (int r = 0; r < h; r++) {
            System.arraycopy(rows[y + r], x, out[r], 0, w);
        }
        return out;
    }
}
