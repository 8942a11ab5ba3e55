package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.VariantSpec;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where pixels land, on synthetic sources of four 10-px colour stripes (red, green, blue, yellow), rendered
 * end-to-end to lossless PNG: cover keeps the two middle stripes, contain pads with the background at the
 * computed offsets.
 */
class CropPositionTest {

    static final int RED = 0xFF0000;
    static final int GREEN = 0x00FF00;
    static final int BLUE = 0x0000FF;
    static final int YELLOW = 0xFFFF00;
    static final int MAGENTA = 0xFF00FF;
    static final int[] STRIPES = {RED, GREEN, BLUE, YELLOW};

    /** An expected colour at an output pixel. */
    record Probe(int x, int y, int rgb) {}

    record Case(String label, boolean verticalStripes, VariantSpec spec, int outW, int outH, List<Probe> probes) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // 40×20, columns R|G|B|Y: centred 20×20 crop = G|B
                new Case(
                        "cover crops the centre columns (no resampling)",
                        true,
                        RenderTestSupport.png("c", 20, 20, Fit.COVER, false, MAGENTA),
                        20,
                        20,
                        List.of(
                                new Probe(0, 0, GREEN),
                                new Probe(9, 19, GREEN),
                                new Probe(10, 0, BLUE),
                                new Probe(19, 19, BLUE))),
                new Case(
                        "cover crops the centre columns (scaled to half)",
                        true,
                        RenderTestSupport.png("c", 10, 10, Fit.COVER, false, MAGENTA),
                        10,
                        10,
                        List.of(
                                new Probe(1, 5, GREEN),
                                new Probe(3, 0, GREEN),
                                new Probe(6, 9, BLUE),
                                new Probe(8, 5, BLUE))),
                // 20×40, rows R/G/B/Y: centred crop = G over B
                new Case(
                        "cover crops the centre rows",
                        false,
                        RenderTestSupport.png("c", 20, 20, Fit.COVER, false, MAGENTA),
                        20,
                        20,
                        List.of(
                                new Probe(0, 0, GREEN),
                                new Probe(19, 9, GREEN),
                                new Probe(0, 10, BLUE),
                                new Probe(19, 19, BLUE))),
                // 40×20 on a 40×40 canvas at (0, 10)
                new Case(
                        "contain pads above and below",
                        true,
                        RenderTestSupport.png("c", 40, 40, Fit.CONTAIN, false, MAGENTA),
                        40,
                        40,
                        List.of(
                                new Probe(5, 9, MAGENTA),
                                new Probe(5, 10, RED),
                                new Probe(35, 29, YELLOW),
                                new Probe(35, 30, MAGENTA),
                                new Probe(0, 0, MAGENTA),
                                new Probe(39, 39, MAGENTA))),
                // 40×20 scaled to 20×10 at (0, 5) on 20×20
                new Case(
                        "contain scales then pads",
                        true,
                        RenderTestSupport.png("c", 20, 20, Fit.CONTAIN, false, MAGENTA),
                        20,
                        20,
                        List.of(
                                new Probe(2, 4, MAGENTA),
                                new Probe(2, 5, RED),
                                new Probe(17, 14, YELLOW),
                                new Probe(17, 15, MAGENTA))),
                // 20×40 unscaled on 60×60 at (20, 10)
                new Case(
                        "contain centres a small source without enlarging",
                        false,
                        RenderTestSupport.png("c", 60, 60, Fit.CONTAIN, false, MAGENTA),
                        60,
                        60,
                        List.of(
                                new Probe(19, 30, MAGENTA),
                                new Probe(20, 10, RED),
                                new Probe(39, 49, YELLOW),
                                new Probe(40, 30, MAGENTA),
                                new Probe(30, 9, MAGENTA),
                                new Probe(30, 50, MAGENTA))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pixelsLandWhereThePlanSays(Case c) throws RenderException {
        byte[] source = RenderTestSupport.writePng(stripes(c.verticalStripes()));

        RenderedVariant variant = new Renderer(RenderLimits.defaults())
                .render(source, List.of(c.spec()))
                .variants()
                .get(0);

        assertThat(variant.width()).isEqualTo(c.outW());
        assertThat(variant.height()).isEqualTo(c.outH());
        BufferedImage out = RenderTestSupport.read(variant.bytes());
        for (Probe p : c.probes()) {
            int actual = out.getRGB(p.x(), p.y()) & 0xFFFFFF;
            // a wrong position shows as a whole other colour (a channel 255 off); a resampled stripe 5 px wide
            // may carry a trace of its neighbours' colour from the Lanczos filter's outer lobes (measured 1)
            assertThat(maxChannelDifference(actual, p.rgb()))
                    .as("pixel (%d,%d) is %06x, expected %06x", p.x(), p.y(), actual, p.rgb())
                    .isLessThanOrEqualTo(2);
        }
    }

    static int maxChannelDifference(int a, int b) {
        int max = 0;
        for (int shift = 0; shift < 24; shift += 8) {
            max = Math.max(max, Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)));
        }
        return max;
    }

    /** 40×20 with vertical stripes, or 20×40 with horizontal ones, 10 px each. */
    private static BufferedImage stripes(boolean vertical) {
        BufferedImage image = new BufferedImage(vertical ? 40 : 20, vertical ? 20 : 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, STRIPES[(vertical ? x : y) / 10]);
            }
        }
        return image;
    }
}
