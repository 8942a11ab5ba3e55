package com.miniatura.worker.render.filter;

import static com.miniatura.worker.render.filter.FiltersTest.filled;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Filter;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Gaussian blur: kernel shape and size, energy, symmetry, edges, and transparent pixels. */
class FilterBlurTest {

    record Dot(double sigma, int energy) {
        @Override
        public String toString() {
            return "sigma " + sigma;
        }
    }

    /**
     * Energy left after 8-bit rounding, worked out independently: {@code Σ round(255 × g(dx) × g(dy))}. Faint
     * tails round down to 0, so wider blurs lose a little (1 at σ 0.3, 22 at σ 3); none is gained.
     */
    static Stream<Dot> dots() {
        return Stream.of(new Dot(0.3, 255), new Dot(0.8, 251), new Dot(1.5, 246), new Dot(3, 233));
    }

    /**
     * A white dot on black becomes the 2-D Gaussian {@code 255 × g(dx) × g(dy)} (rounded), so it keeps its
     * energy up to rounding and spreads the same in every direction.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dots")
    void aDotKeepsItsEnergyAndSpreadsSymmetrically(Dot dot) {
        int size = 41;
        int c = size / 2;
        BufferedImage image = filled(size, size, BufferedImage.TYPE_INT_RGB, 0xFF000000);
        image.setRGB(c, c, 0xFFFFFF);
        double[] g = gaussian(dot.sigma());

        BufferedImage out = Filters.apply(image, List.of(new Filter.Blur(dot.sigma())));

        long energy = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int v = out.getRGB(x, y) & 0xFF;
                energy += v;
                double ideal = 255 * weight(g, x - c) * weight(g, y - c);
                assertThat((double) v).as("(%d,%d)", x, y).isCloseTo(ideal, Offset.offset(0.5001));
                assertThat(out.getRGB(x, y)).as("(%d,%d) gray", x, y).isEqualTo(0xFF000000 | v * 0x010101);
                assertThat(out.getRGB(size - 1 - x, y))
                        .as("mirrored left-right")
                        .isEqualTo(out.getRGB(x, y));
                assertThat(out.getRGB(x, size - 1 - y))
                        .as("mirrored top-bottom")
                        .isEqualTo(out.getRGB(x, y));
                assertThat(out.getRGB(y, x)).as("transposed").isEqualTo(out.getRGB(x, y));
            }
        }
        assertThat(energy).isEqualTo(dot.energy());
        assertThat(out.getRGB(c, c) & 0xFF)
                .as("the peak is lowered")
                .isLessThan(255)
                .isGreaterThan(0);
    }

    /** The normalised discrete Gaussian over -ceil(3σ)..ceil(3σ), index 0 = distance 0. */
    private static double[] gaussian(double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double sum = 0;
        for (int d = -radius; d <= radius; d++) {
            sum += Math.exp(-d * d / (2 * sigma * sigma));
        }
        double[] g = new double[radius + 1];
        for (int d = 0; d <= radius; d++) {
            g[d] = Math.exp(-d * d / (2 * sigma * sigma)) / sum;
        }
        return g;
    }

    private static double weight(double[] g, int distance) {
        int d = Math.abs(distance);
        return d < g.length ? g[d] : 0;
    }

    /**
     * A 1-pixel vertical line, blurred, is the 1-D kernel itself: {@code round(255 × g(d))} at distance d, with
     * g the Gaussian normalised over -r..r, and nothing beyond the radius {@code ceil(3σ)}.
     */
    @ParameterizedTest(name = "sigma {0}")
    @ValueSource(doubles = {0.3, 1, 1.7, 2})
    void aLineShowsTheKernelAndItsRadius(double sigma) {
        double[] g = gaussian(sigma);
        int radius = g.length - 1;
        int size = 2 * radius + 9;
        int c = size / 2;
        BufferedImage line = filled(size, 3, BufferedImage.TYPE_INT_RGB, 0xFF000000);
        for (int y = 0; y < 3; y++) {
            line.setRGB(c, y, 0xFFFFFF);
        }

        BufferedImage out = Filters.apply(line, List.of(new Filter.Blur(sigma)));

        for (int d = 0; d <= c; d++) {
            int expected = (int) Math.round(255 * weight(g, d));
            assertThat(out.getRGB(c + d, 1) & 0xFF).as("distance %d", d).isEqualTo(expected);
            assertThat(out.getRGB(c - d, 1) & 0xFF).as("distance -%d", d).isEqualTo(expected);
        }
    }

    record Flat(String label, int type, int argb, double sigma) {
        @Override
        public String toString() {
            return label + ", sigma " + sigma;
        }
    }

    static Stream<Flat> flat() {
        return Stream.of(
                new Flat("white", BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF, 2),
                new Flat("colour", BufferedImage.TYPE_INT_RGB, 0xFFC86432, 0.3),
                new Flat("colour, kernel far wider than the image", BufferedImage.TYPE_INT_RGB, 0xFFC86432, 50),
                new Flat("opaque colour with alpha", BufferedImage.TYPE_INT_ARGB, 0xFFC86432, 2),
                new Flat("half-transparent colour", BufferedImage.TYPE_INT_ARGB, 0x80C86432, 2),
                new Flat("nearly transparent colour", BufferedImage.TYPE_INT_ARGB, 0x03C86432, 5));
    }

    /** Clamped edges: no dark (or transparent) frame creeps in from outside the image. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("flat")
    void aFlatImageStaysFlatUpToItsEdges(Flat c) {
        BufferedImage image = filled(7, 5, c.type(), c.argb());

        BufferedImage out = Filters.apply(image, List.of(new Filter.Blur(c.sigma())));

        assertThat(out.getRGB(0, 0, 7, 5, null, 0, 7)).containsOnly(c.argb());
    }

    /**
     * Regression: transparent pixels are stored as transparent <em>black</em>. Blurring the channels
     * independently mixes that black into the edge of an opaque red shape (a dark halo once composited);
     * blurring premultiplied colours keeps every visible pixel pure red and lets only alpha fade.
     */
    @Test
    void transparentBlackDoesNotBleedIntoEdges() {
        BufferedImage image = new BufferedImage(12, 4, BufferedImage.TYPE_INT_ARGB); // all 0x00000000
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                image.setRGB(x, y, 0xFFFF0000);
            }
        }

        BufferedImage out = Filters.apply(image, List.of(new Filter.Blur(1.5)));

        int[] alphas = new int[12];
        for (int x = 0; x < 12; x++) {
            int p = out.getRGB(x, 2);
            alphas[x] = p >>> 24;
            if (alphas[x] > 0) {
                assertThat(Integer.toHexString(p & 0xFFFFFF))
                        .as("colour at x=%d (alpha %d)", x, alphas[x])
                        .isEqualTo("ff0000");
            }
        }
        assertThat(alphas[0]).isEqualTo(255);
        assertThat(alphas[5]).as("alpha fades across the edge").isLessThan(255).isGreaterThan(alphas[6]);
        assertThat(alphas[6]).isGreaterThan(0);
        assertThat(alphas[11]).isZero();
    }
}
