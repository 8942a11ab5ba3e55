package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.AutoQuality;
import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.codec.Luma;
import com.miniatura.worker.render.quality.Ssim;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code quality: auto} through the whole renderer, on real photos: on the planar path and the BGR one (a padded
 * variant), turned, grey, and as a twin. Also run without libjpeg-turbo (the {@code imageio-jpeg} execution).
 */
class AutoQualityRenderTest {

    private static final AutoQuality AUTO = new AutoQuality(0.965, 50, 90);

    record Case(String fixture, VariantSpec spec) {
        @Override
        public String toString() {
            return fixture + " " + spec.name();
        }
    }

    static Stream<Case> cases() {
        VariantSpec inside =
                RenderTestSupport.jpeg("d800", 800, 800, Fit.INSIDE, 80).withAutoQuality(AUTO);
        VariantSpec padded =
                RenderTestSupport.jpeg("box", 300, 300, Fit.CONTAIN, 80).withAutoQuality(AUTO);
        VariantSpec grey = RenderTestSupport.jpeg("g150", 150, 150, Fit.COVER, 80, new Filter.Grayscale())
                .withAutoQuality(AUTO);
        return Stream.of(
                new Case("photos/flowers.jpeg", inside),
                new Case("catalog/DSCN0010-1024.jpg", inside),
                new Case("photos/iphone_hdr_NO.jpg", padded),
                new Case("orientation/Landscape_6.jpg", inside),
                new Case("catalog/nikon-e950-1024.jpg", grey));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theChosenQualityIsWithinBoundsAndItsEncodeMeetsTheTarget(Case c) throws RenderException {
        byte[] source = RenderTestSupport.fixture(c.fixture());
        RenderedVariant auto = render(source, c.spec());
        RenderedVariant atMax = render(source, c.spec().withAutoQuality(null));

        assertThat(auto.quality()).isBetween(AUTO.min(), AUTO.max());
        assertThat(auto.ssim()).as("the recorded score").isGreaterThanOrEqualTo(AUTO.ssimTarget());
        assertThat(auto.bytes().length)
                .as("never more than the upper bound's encode")
                .isLessThanOrEqualTo(atMax.bytes().length);
        assertThat(List.of(auto.width(), auto.height())).isEqualTo(List.of(atMax.width(), atMax.height()));
        BufferedImage decoded = RenderTestSupport.read(auto.bytes());
        BufferedImage reference = RenderTestSupport.read(atMax.bytes());
        assertThat(Ssim.of(Luma.of(decoded), Luma.of(reference)))
                .as("the output, measured over every window against the q90 encode")
                .isGreaterThan(AUTO.ssimTarget() - 0.02);
    }

    @Test
    void anEasyImageGetsALowerQualityThanADetailedOne() throws RenderException {
        VariantSpec spec =
                RenderTestSupport.jpeg("c480", 480, null, Fit.INSIDE, 80).withAutoQuality(AUTO);
        int flat =
                render(RenderTestSupport.fixture("photos/flowers.jpeg"), spec).quality();
        int detailed = render(RenderTestSupport.fixture("catalog/DSCN0010-1024.jpg"), spec)
                .quality();
        assertThat(flat).isLessThan(detailed);
    }

    @Test
    void aFixedQualityVariantRecordsNoChoiceAndATwinRecordsItsTwinsChoice() throws RenderException {
        VariantSpec fixed = RenderTestSupport.jpeg("fixed", 300, 300, Fit.INSIDE, 80);
        VariantSpec a = RenderTestSupport.jpeg("a", 800, 800, Fit.INSIDE, 80).withAutoQuality(AUTO);
        VariantSpec b = RenderTestSupport.jpeg("b", 1600, 1600, Fit.INSIDE, 80).withAutoQuality(AUTO);
        // a 640 x 480 source: an 800 and a 1600 px "inside" both come to the source's size, twins
        RenderResult result = new Renderer(RenderLimits.defaults())
                .render(RenderTestSupport.fixture("catalog/DSCN0010-1024.jpg"), List.of(fixed, a, b));
        assertThat(result.variants().get(0).quality()).isNull();
        assertThat(result.variants().get(0).ssim()).isNull();
        assertThat(result.variants().get(2).quality())
                .isEqualTo(result.variants().get(1).quality());
        assertThat(result.variants().get(2).bytes())
                .isSameAs(result.variants().get(1).bytes());
    }

    private static RenderedVariant render(byte[] source, VariantSpec spec) throws RenderException {
        return new Renderer(RenderLimits.defaults())
                .render(source, List.of(spec))
                .variants()
                .get(0);
    }
}
