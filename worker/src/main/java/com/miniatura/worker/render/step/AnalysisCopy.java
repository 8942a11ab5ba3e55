package com.miniatura.worker.render.step;

import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.RenderResult;
import com.miniatura.worker.render.geometry.ContentCrop;
import com.miniatura.worker.render.resample.AreaAverage;
import com.miniatura.worker.render.resample.ScaledCopies;
import java.awt.image.BufferedImage;
import java.util.function.Supplier;

/**
 * The render's analysis copy ({@link RenderResult.Step#ANALYSIS}): at most {@value ContentCrop#ANALYSIS_SIDE} px, the input of
 * content-aware crops and of the BlurHash. Made once, when first asked, from the smallest whole copy of the source
 * at hand then (a 1600 px variant rather than the 12 MP base when the catalog has one).
 */
public final class AnalysisCopy implements Supplier<BufferedImage> {

    private final ScaledCopies copies;
    private final Deadline deadline;
    private final StepClock clock;
    private BufferedImage copy;

    public AnalysisCopy(ScaledCopies copies, Deadline deadline, StepClock clock) {
        this.copies = copies;
        this.deadline = deadline;
        this.clock = clock;
    }

    @Override
    public BufferedImage get() {
        if (copy == null) {
            copy = AreaAverage.toFit(
                    copies.smallestWhole(ContentCrop.ANALYSIS_SIDE), ContentCrop.ANALYSIS_SIDE, deadline);
            clock.charge(RenderResult.Step.ANALYSIS);
        }
        return copy;
    }
}
