package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.worker.render.filter.FlattenAlpha;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code color/with-alpha.png} is one colour, (91, 0, 194) at alpha 168, over 256×192: PNG outputs keep
 * that alpha, JPEG outputs are flattened onto the variant's background.
 */
class AlphaTest {

    private static final int ALPHA = 168;
    private static final int[] RGB = {91, 0, 194};

    record Case(String label, OutputFormat format, Fit fit, int width, int height, int background, int[] expectedArgb) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** {@code c·a + bg·(1 − a)} per channel. */
    private static int[] over(int background) {
        double a = ALPHA / 255.0;
        int[] bg = {(background >> 16) & 0xFF, (background >> 8) & 0xFF, background & 0xFF};
        return new int[] {
            255,
            (int) Math.round(RGB[0] * a + bg[0] * (1 - a)),
            (int) Math.round(RGB[1] * a + bg[1] * (1 - a)),
            (int) Math.round(RGB[2] * a + bg[2] * (1 - a))
        };
    }

    static Stream<Case> cases() {
        int[] keep = {ALPHA, RGB[0], RGB[1], RGB[2]};
        return Stream.of(
                new Case("png unscaled keeps alpha", OutputFormat.PNG, Fit.INSIDE, 300, 300, 0xFFFFFF, keep),
                new Case("png resized keeps alpha", OutputFormat.PNG, Fit.COVER, 150, 150, 0xFFFFFF, keep),
                new Case(
                        "jpeg flattened onto white",
                        OutputFormat.JPEG,
                        Fit.INSIDE,
                        300,
                        300,
                        0xFFFFFF,
                        over(0xFFFFFF)), // 147, 87, 215
                new Case(
                        "jpeg flattened onto black",
                        OutputFormat.JPEG,
                        Fit.COVER,
                        150,
                        150,
                        0x000000,
                        over(0x000000)), // 60, 0, 128
                new Case(
                        "jpeg flattened onto green",
                        OutputFormat.JPEG,
                        Fit.INSIDE,
                        100,
                        100,
                        0x00FF00,
                        over(0x00FF00)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void alphaIsKeptOrFlattened(Case c) throws RenderException {
        RenderResult result = new Renderer(RenderLimits.defaults())
                .render(
                        RenderTestSupport.fixture("color/with-alpha.png"),
                        List.of(RenderTestSupport.spec(
                                "v", c.width(), c.height(), c.fit(), c.format(), 90, false, c.background())));

        assertThat(result.source()).isEqualTo(new SourceInfo("png", 256, 192, 1));
        RenderedVariant variant = result.variants().get(0);
        BufferedImage out = RenderTestSupport.read(variant.bytes());
        assertThat(out.getColorModel().hasAlpha()).isEqualTo(c.format() == OutputFormat.PNG);
        int tolerance = c.format() == OutputFormat.JPEG ? 4 : 1;
        for (int[] xy : new int[][] {
            {0, 0}, {variant.width() / 2, variant.height() / 2}, {variant.width() - 1, variant.height() - 1}
        }) {
            int[] actual = RenderTestSupport.argb(out, xy[0], xy[1]);
            for (int i = 0; i < 4; i++) {
                assertThat(actual[i])
                        .as("channel %d at %d,%d", i, xy[0], xy[1])
                        .isCloseTo(c.expectedArgb()[i], within(tolerance));
            }
        }
    }

    @Test
    void flattenLeavesOpaqueImagesAloneAndCompositesTranslucentOnes() {
        BufferedImage opaque = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        assertThat(FlattenAlpha.apply(opaque, 0xFFFFFF)).isSameAs(opaque);

        BufferedImage translucent = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        translucent.setRGB(0, 0, 0x80FF0000); // half red
        translucent.setRGB(1, 0, 0x00123456); // fully transparent
        BufferedImage flat = FlattenAlpha.apply(translucent, 0x0000FF);

        assertThat(flat.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(RenderTestSupport.argb(flat, 0, 0)[1]).isCloseTo(128, within(1));
        assertThat(RenderTestSupport.argb(flat, 0, 0)[3]).isCloseTo(127, within(1));
        assertThat(flat.getRGB(1, 0)).isEqualTo(0xFF0000FF);
        assertThat(translucent.getRGB(0, 0)).as("input untouched").isEqualTo(0x80FF0000);
    }
}
