package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.geometry.Geometry;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Odd source sizes and specs through the whole pipeline: every output has the planned size and decodes. */
class RendererEdgeCaseTest {

    private final Renderer renderer = new Renderer(RenderLimits.defaults());

    static Stream<Arguments> sizes() {
        return Stream.of(
                Arguments.of(1, 1),
                Arguments.of(1, 2000),
                Arguments.of(2000, 1),
                Arguments.of(151, 149),
                Arguments.of(3000, 10),
                Arguments.of(149, 150),
                Arguments.of(2, 3));
    }

    /** The reference variants plus enlarging, padded and PNG variants. */
    static List<VariantSpec> specs() {
        List<VariantSpec> specs = new ArrayList<>(RenderTestSupport.referenceVariants());
        specs.add(RenderTestSupport.spec("up-cover", 200, 100, Fit.COVER, OutputFormat.JPEG, 80, true, 0));
        specs.add(RenderTestSupport.spec("up-inside", 500, 500, Fit.INSIDE, OutputFormat.PNG, 100, true, 0));
        specs.add(RenderTestSupport.spec("contain", 120, 90, Fit.CONTAIN, OutputFormat.JPEG, 80, false, 0x336699));
        specs.add(RenderTestSupport.spec("up-contain", 64, 64, Fit.CONTAIN, OutputFormat.PNG, 100, true, 0x336699));
        specs.add(RenderTestSupport.spec("tiny", 1, 1, Fit.COVER, OutputFormat.JPEG, 1, false, 0));
        return specs;
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("sizes")
    void everyVariantHasThePlannedSizeAndDecodes(int w, int h) throws RenderException {
        BufferedImage source = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                source.setRGB(x, y, (x * 7) << 16 | (y * 5) << 8 | 0x80);
            }
        }

        RenderResult result = renderer.render(RenderTestSupport.writePng(source), specs());

        assertThat(result.source()).isEqualTo(new SourceInfo("png", w, h, 1));
        for (RenderedVariant variant : result.variants()) {
            Geometry.Plan plan = Geometry.plan(w, h, variant.spec());
            assertThat(new int[] {variant.width(), variant.height()})
                    .as(variant.spec().name())
                    .containsExactly(plan.canvasW(), plan.canvasH());
            BufferedImage decoded = RenderTestSupport.read(variant.bytes());
            assertThat(new int[] {decoded.getWidth(), decoded.getHeight()})
                    .as(variant.spec().name())
                    .containsExactly(plan.canvasW(), plan.canvasH());
        }
    }

    @Test
    void aCropOnlyJpegEncodesTheCroppedPixels() throws RenderException {
        // 100×80 for a 150×150 cover without upscaling: the centred 80×80, copied, not resampled
        BufferedImage source = new BufferedImage(100, 80, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 100; x++) {
                source.setRGB(x, y, x < 50 ? 0xCC2200 : 0x0044CC);
            }
        }
        List<VariantSpec> specs = List.of(
                RenderTestSupport.jpeg("s150", 150, 150, Fit.COVER, 95),
                RenderTestSupport.png("p150", 150, 150, Fit.COVER, false, RenderTestSupport.WHITE));

        List<RenderedVariant> out =
                renderer.render(RenderTestSupport.writePng(source), specs).variants();

        BufferedImage jpeg = RenderTestSupport.read(out.get(0).bytes());
        BufferedImage png = RenderTestSupport.read(out.get(1).bytes());
        assertThat(png.getRGB(39, 40) & 0xFFFFFF).isEqualTo(0xCC2200);
        assertThat(png.getRGB(40, 40) & 0xFFFFFF).isEqualTo(0x0044CC);
        assertThat(RenderTestSupport.meanAbsDiff(jpeg, png)).isLessThan(3.0);
    }

    @Test
    void variantsComeBackInTheRequestedOrder() throws RenderException {
        List<VariantSpec> specs = new ArrayList<>(RenderTestSupport.referenceVariants());
        Collections.reverse(specs);

        RenderResult result = renderer.render(RenderTestSupport.fixture("formats/320x240.jpg"), specs);

        assertThat(result.variants()).extracting(RenderedVariant::spec).containsExactlyElementsOf(specs);
    }
}
