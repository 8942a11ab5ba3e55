package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.AutoQuality;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A variant's twins ({@code formats: [jpeg, webp]}): the same picture in each format, the WebP at the JPEG's quality. */
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
}
