package com.miniatura.worker.render.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.RenderTestSupport;
import com.miniatura.worker.render.RenderedVariant;
import com.miniatura.worker.render.Renderer;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fit end to end, with and without upscaling, on a 40×20 source whose left half is red and right half
 * blue: the output size, where the picture sits on the canvas, and that padding is exactly the background.
 */
class GeometryFitTest {

    private static final int RED = 0xFF0000;
    private static final int BLUE = 0x0000FF;
    private static final int TEAL = 0x008080;
    private static final Renderer RENDERER = new Renderer(RenderLimits.defaults());

    /**
     * A variant of the 40×20 source: expected output size, and the picture's rectangle on it (the rest is
     * padding).
     */
    record Case(
            String label,
            Integer w,
            Integer h,
            Fit fit,
            boolean upscale,
            int outW,
            int outH,
            int imageX,
            int imageY,
            int imageW,
            int imageH) {
        VariantSpec spec() {
            return RenderTestSupport.spec("v", w, h, fit, OutputFormat.PNG, 100, upscale, TEAL);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // larger than the source: source size without upscale, enlarged with it
                new Case("inside 100×100, no upscale: source size", 100, 100, Fit.INSIDE, false, 40, 20, 0, 0, 40, 20),
                new Case("inside 100×100, upscale", 100, 100, Fit.INSIDE, true, 100, 50, 0, 0, 100, 50),
                new Case(
                        "cover 100×100, no upscale: largest square, unscaled",
                        100,
                        100,
                        Fit.COVER,
                        false,
                        20,
                        20,
                        0,
                        0,
                        20,
                        20),
                new Case("cover 100×100, upscale", 100, 100, Fit.COVER, true, 100, 100, 0, 0, 100, 100),
                new Case(
                        "contain 100×100, no upscale: unscaled, centred",
                        100,
                        100,
                        Fit.CONTAIN,
                        false,
                        100,
                        100,
                        30,
                        40,
                        40,
                        20),
                new Case("contain 100×100, upscale", 100, 100, Fit.CONTAIN, true, 100, 100, 0, 25, 100, 50),
                // smaller than the source: upscale makes no difference
                new Case("inside 20×20", 20, 20, Fit.INSIDE, false, 20, 10, 0, 0, 20, 10),
                new Case("inside 20×20, upscale", 20, 20, Fit.INSIDE, true, 20, 10, 0, 0, 20, 10),
                new Case("cover 10×10", 10, 10, Fit.COVER, false, 10, 10, 0, 0, 10, 10),
                new Case("cover 10×10, upscale", 10, 10, Fit.COVER, true, 10, 10, 0, 0, 10, 10),
                new Case("contain 20×20 pads above and below", 20, 20, Fit.CONTAIN, false, 20, 20, 0, 5, 20, 10),
                new Case("contain 20×20, upscale", 20, 20, Fit.CONTAIN, true, 20, 20, 0, 5, 20, 10),
                new Case(
                        "contain 21×14: an odd remainder puts the extra row below",
                        21,
                        14,
                        Fit.CONTAIN,
                        false,
                        21,
                        14,
                        0,
                        1,
                        21,
                        11),
                // width-only and height-only (inside)
                new Case("width-only 10", 10, null, Fit.INSIDE, false, 10, 5, 0, 0, 10, 5),
                new Case("width-only 80, no upscale", 80, null, Fit.INSIDE, false, 40, 20, 0, 0, 40, 20),
                new Case("width-only 80, upscale", 80, null, Fit.INSIDE, true, 80, 40, 0, 0, 80, 40),
                new Case("height-only 10", null, 10, Fit.INSIDE, false, 20, 10, 0, 0, 20, 10),
                new Case("height-only 40, no upscale", null, 40, Fit.INSIDE, false, 40, 20, 0, 0, 40, 20),
                new Case("height-only 40, upscale", null, 40, Fit.INSIDE, true, 80, 40, 0, 0, 80, 40));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sizeAndPlacement(Case c) throws RenderException {
        RenderedVariant out = RENDERER.render(RenderTestSupport.writePng(halves(40, 20)), List.of(c.spec()))
                .variants()
                .get(0);

        assertThat(new int[] {out.width(), out.height()}).containsExactly(c.outW(), c.outH());
        BufferedImage image = RenderTestSupport.read(out.bytes());
        assertThat(new int[] {image.getWidth(), image.getHeight()}).containsExactly(c.outW(), c.outH());
        for (int y = 0; y < c.outH(); y++) {
            for (int x = 0; x < c.outW(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                boolean inImage = x >= c.imageX()
                        && x < c.imageX() + c.imageW()
                        && y >= c.imageY()
                        && y < c.imageY() + c.imageH();
                if (!inImage) {
                    assertThat(rgb).as("padding (%d,%d)", x, y).isEqualTo(TEAL);
                }
            }
        }
        // the picture: red on its left edge, blue on its right edge (cover keeps the centre: red | blue too)
        int midY = c.imageY() + c.imageH() / 2;
        assertThat(image.getRGB(c.imageX(), midY) & 0xFFFFFF)
                .as("picture's left edge")
                .isEqualTo(RED);
        assertThat(image.getRGB(c.imageX() + c.imageW() - 1, midY) & 0xFFFFFF)
                .as("picture's right edge")
                .isEqualTo(BLUE);
    }

    @Test
    void containPadsWithTheBackgroundAroundTheExactSourcePixels() throws RenderException {
        int[][] source = {
            {0x010203, 0x040506, 0x070809, 0x0A0B0C, 0x0D0E0F},
            {0x101112, 0x131415, 0x161718, 0x191A1B, 0x1C1D1E},
            {0x1F2021, 0x222324, 0x252627, 0x28292A, 0x2B2C2D}
        };
        VariantSpec spec = RenderTestSupport.png("c", 8, 8, Fit.CONTAIN, false, 0xABCDEF);

        RenderedVariant out = RENDERER.render(
                        RenderTestSupport.writePng(RenderTestSupport.image(source)), List.of(spec))
                .variants()
                .get(0);

        int[][] expected = new int[8][8];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                // 5×3 at ((8-5)/2, (8-3)/2) = (1, 2)
                boolean inside = x >= 1 && x < 6 && y >= 2 && y < 5;
                expected[y][x] = inside ? source[y - 2][x - 1] : 0xABCDEF;
            }
        }
        assertThat(RenderTestSupport.rgb(RenderTestSupport.read(out.bytes()))).isDeepEqualTo(expected);
    }

    @Test
    void jpegContainPaddingIsTheBackgroundToo() throws RenderException {
        VariantSpec spec = RenderTestSupport.spec("c", 64, 64, Fit.CONTAIN, OutputFormat.JPEG, 95, false, 0x336699);

        RenderedVariant out = RENDERER.render(RenderTestSupport.writePng(halves(40, 20)), List.of(spec))
                .variants()
                .get(0);

        BufferedImage image = RenderTestSupport.read(out.bytes());
        for (int[] xy : new int[][] {{0, 0}, {63, 0}, {0, 63}, {63, 63}, {32, 5}, {32, 58}, {5, 32}}) {
            int[] argb = RenderTestSupport.argb(image, xy[0], xy[1]);
            assertThat(argb[1]).isCloseTo(0x33, within(3));
            assertThat(argb[2]).isCloseTo(0x66, within(3));
            assertThat(argb[3]).isCloseTo(0x99, within(3));
        }
    }

    private static BufferedImage halves(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, x < w / 2 ? RED : BLUE);
            }
        }
        return image;
    }
}
