package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.Gravity;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.codec.Encode;
import com.miniatura.worker.render.filter.Filters;
import com.miniatura.worker.render.filter.FlattenAlpha;
import com.miniatura.worker.render.geometry.Geometry;
import com.miniatura.worker.render.geometry.Pad;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A transparent PNG rendered as JPEG runs its filters on the real alpha and is flattened onto the background
 * last. For a blur or a watermark that must give the same picture as flattening first (compositing is
 * linear), i.e. no dark fringe from the black hidden under alpha 0, and the watermark over the background;
 * a colour filter, on the other hand, must leave the background colour alone.
 */
class RendererFlattenTest {

    private static final int BACKGROUND = 0xFFFFFF;
    private static final Watermarks LOGO = Watermarks.of(Map.of("logo", logo()));

    /**
     * 40×40: an opaque red square (10..30), a half-transparent green band (rows 33..36), and fully
     * transparent pixels that hide black or garbage colours.
     */
    static BufferedImage transparentSource() {
        BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                int argb = (x + y) % 2 == 0 ? 0x00000000 : 0x00123456;
                if (x >= 10 && x < 30 && y >= 10 && y < 30) {
                    argb = 0xFFFF0000;
                } else if (y >= 33 && y < 37) {
                    argb = 0x8000FF00;
                }
                image.setRGB(x, y, argb);
            }
        }
        return image;
    }

    /** 12×12 opaque blue with transparent corners. */
    private static BufferedImage logo() {
        BufferedImage image = new BufferedImage(12, 12, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
                boolean corner = (x < 3 || x > 8) && (y < 3 || y > 8);
                image.setRGB(x, y, corner ? 0 : 0xFF0000FF);
            }
        }
        return image;
    }

    record Case(String label, Fit fit, int width, int height, List<Filter> filters) {
        VariantSpec spec() {
            return RenderTestSupport.spec("v", width, height, fit, OutputFormat.JPEG, 95, false, BACKGROUND)
                    .withFilters(filters);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        Filter blur = new Filter.Blur(2.0);
        Filter watermark = new Filter.Watermark("logo", Gravity.CENTER, 0.5, 0.5, 0);
        return Stream.of(
                new Case("blur", Fit.INSIDE, 40, 40, List.of(blur)),
                new Case("watermark", Fit.INSIDE, 40, 40, List.of(watermark)),
                new Case("watermark then blur, padded (contain)", Fit.CONTAIN, 60, 40, List.of(watermark, blur)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filteringTransparencyThenFlatteningEqualsFlatteningFirst(Case c) throws RenderException {
        BufferedImage source = transparentSource();
        VariantSpec spec = c.spec();

        RenderedVariant out = new Renderer(RenderLimits.defaults(), LOGO)
                .render(RenderTestSupport.writePng(source), List.of(spec))
                .variants()
                .get(0);

        Geometry.Plan plan = Geometry.plan(40, 40, spec);
        BufferedImage flattenedFirst = Filters.apply(
                Pad.apply(FlattenAlpha.apply(source, BACKGROUND), plan, BACKGROUND), spec.filters(), LOGO);
        BufferedImage expected = RenderTestSupport.read(Encode.apply(flattenedFirst, spec, null));
        BufferedImage actual = RenderTestSupport.read(out.bytes());
        double diff = Pixels.meanAbsoluteDifference(actual, expected);
        System.out.printf("%s: MAD vs flattening first = %.3f%n", c.label(), diff);
        assertThat(diff).isLessThan(0.5);
        // no dark fringe: across the blurred red square's left edge, red stays at full strength while it fades
        // to white (blurring the hidden black in would pull it down to about 190)
        for (int x = 0; x < 20 && c.filters().equals(List.of(new Filter.Blur(2.0))); x++) {
            assertThat(RenderTestSupport.argb(actual, plan.offsetX() + x, 20)[1])
                    .as("red at x=%d", x)
                    .isGreaterThan(235);
        }
    }

    @Test
    void colourFiltersLeaveTheFlatteningBackgroundAlone() throws RenderException {
        VariantSpec spec = RenderTestSupport.spec(
                "v", 40, 40, Fit.INSIDE, OutputFormat.JPEG, 95, false, 0xFF0000, new Filter.Grayscale());

        RenderedVariant out = new Renderer(RenderLimits.defaults())
                .render(RenderTestSupport.writePng(transparentSource()), List.of(spec))
                .variants()
                .get(0);

        BufferedImage image = RenderTestSupport.read(out.bytes());
        int[] corner = RenderTestSupport.argb(image, 2, 2);
        assertThat(corner[1]).as("background red").isCloseTo(255, within(4));
        assertThat(corner[2]).as("background green").isCloseTo(0, within(4));
        int[] square = RenderTestSupport.argb(image, 20, 20);
        assertThat(square[1]).as("the red square turned grey").isCloseTo(76, within(4));
        assertThat(square[2]).isCloseTo(76, within(4));
        assertThat(square[3]).isCloseTo(76, within(4));
    }
}
