package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.AutoQuality;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A variant's twins ({@code formats: [jpeg, webp, avif]}): the same picture in each format, the WebP at the JPEG's
 * quality, the AVIF at the AVIF quality that looks like it.
 */
class FormatTwinsRenderTest {

    @Test
    void theWebpTwinIsTheSamePictureAtTheQualityItsJpegChose() throws RenderException {
        VariantSpec jpeg = RenderTestSupport.jpeg("d800", 800, 800, Fit.INSIDE, 80)
                .withAutoQuality(new AutoQuality(0.965, 50, 90));
        VariantSpec webp = jpeg.withEncoding(OutputFormat.WEBP, 90, false, jpeg.chromaSubsampling(), false)
                .withAutoQuality(jpeg.autoQuality());
        RenderResult result = new Renderer(RenderLimits.defaults())
                .render(RenderTestSupport.fixture("photos/iphone_hdr_NO.jpg"), List.of(jpeg, webp));

        RenderedVariant j = result.variants().get(0);
        RenderedVariant w = result.variants().get(1);
        assertThat(w.spec().format()).isEqualTo(OutputFormat.WEBP);
        assertThat(w.contentType()).isEqualTo("image/webp");
        assertThat(w.quality()).as("the JPEG's choice").isEqualTo(j.quality()).isLessThan(90);
        assertThat(w.ssim()).as("not searched itself").isNull();
        BufferedImage a = RenderTestSupport.read(j.bytes());
        BufferedImage b = RenderTestSupport.read(w.bytes());
        assertThat(List.of(b.getWidth(), b.getHeight())).isEqualTo(List.of(a.getWidth(), a.getHeight()));
        assertThat(com.miniatura.common.testing.Pixels.psnr(a, b))
                .as("the same picture")
                .isGreaterThan(30);
    }

    @Test
    void theAvifTwinIsTheSamePictureSearchedToItsJpegsTargetOnAvifsScaleAndKeepsItsScore() throws Exception {
        Avif avif = NativeLibraries.avif();
        VariantSpec jpeg = RenderTestSupport.jpeg("d800", 800, 800, Fit.INSIDE, 80)
                .withAutoQuality(new AutoQuality(0.965, 50, 90));
        VariantSpec twin = jpeg.withEncoding(OutputFormat.AVIF, 90, false, jpeg.chromaSubsampling(), false)
                .withAutoQuality(jpeg.autoQuality());
        RenderResult result = new Renderer(RenderLimits.defaults())
                .render(RenderTestSupport.fixture("photos/iphone_hdr_NO.jpg"), List.of(jpeg, twin));

        RenderedVariant j = result.variants().get(0);
        RenderedVariant a = result.variants().get(1);
        assertThat(a.contentType()).isEqualTo("image/avif");
        assertThat(a.ssim())
                .as("searched to the JPEG's target, and its score kept")
                .isGreaterThanOrEqualTo(0.965);
        assertThat(a.quality())
                .as("an AVIF quality, between the bounds mapped to AVIF's scale")
                .isBetween(
                        com.miniatura.common.catalog.AvifQuality.ofJpeg(50, 800),
                        com.miniatura.common.catalog.AvifQuality.ofJpeg(90, 800));
        assertThat(a.bytes().length).as("smaller than its JPEG").isLessThan(j.bytes().length);
        Avif.Decoded decoded = avif.decode(a.bytes(), 1 << 20);
        BufferedImage back = AvifTest.image(decoded);
        BufferedImage front = RenderTestSupport.read(j.bytes());
        assertThat(List.of(back.getWidth(), back.getHeight())).isEqualTo(List.of(front.getWidth(), front.getHeight()));
        assertThat(com.miniatura.common.testing.Pixels.psnr(front, back))
                .as("the same picture")
                .isGreaterThan(30);
    }

    @Test
    void aFixedQualityAvifTwinIsEncodedAtItsOwnQuality() throws Exception {
        NativeLibraries.avif();
        VariantSpec jpeg = RenderTestSupport.jpeg("c480", 480, 480, Fit.INSIDE, 80);
        VariantSpec low = jpeg.withEncoding(OutputFormat.AVIF, 30, false, jpeg.chromaSubsampling(), false);
        VariantSpec high = jpeg.withEncoding(OutputFormat.AVIF, 70, false, jpeg.chromaSubsampling(), false);
        byte[] source = RenderTestSupport.fixture("photos/flowers.jpeg");
        Renderer renderer = new Renderer(RenderLimits.defaults());
        RenderedVariant l = renderer.render(source, List.of(low)).variants().get(0);
        RenderedVariant h = renderer.render(source, List.of(high)).variants().get(0);
        assertThat(l.bytes().length).isLessThan(h.bytes().length);
        assertThat(l.quality())
                .as("a fixed quality is the spec's, not recorded apart")
                .isNull();
    }
}
