package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker without libavif (run by the {@code imageio-jpeg} execution, which turns it off as a bare JDK has it):
 * AVIF is absent, says why, and a render that asks for it anyway fails as a defect, not as the image's fault (the
 * worker refuses such a catalog at startup: {@code WorkerStartupTest}).
 */
class AvifAbsentTest {

    @BeforeAll
    static void turnedOff() {
        Assumptions.assumeTrue(Boolean.getBoolean(Avif.DISABLED), "run with -D" + Avif.DISABLED + "=true");
    }

    @Test
    void avifIsAbsentAndSaysWhy() {
        assertThat(Avif.load()).isEmpty();
        assertThat(Avif.absence()).isEqualTo("AVIF is turned off on this worker (-Dminiatura.avif.disabled=true)");
    }

    @Test
    void aRenderAskingForAvifAnywayIsADefectNotTheImagesFault() {
        VariantSpec jpeg = RenderTestSupport.jpeg("c480", 480, 480, Fit.INSIDE, 80);
        VariantSpec avif = jpeg.withEncoding(OutputFormat.AVIF, 50, false, jpeg.chromaSubsampling(), false);
        assertThatThrownBy(() -> new Renderer(RenderLimits.defaults())
                        .render(RenderTestSupport.fixture("photos/flowers.jpeg"), List.of(avif)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("AVIF is turned off on this worker (-Dminiatura.avif.disabled=true)");
    }
}
