package com.miniatura.worker.render.step;

import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.codec.Opened;
import com.miniatura.worker.render.geometry.Turn;
import com.miniatura.worker.render.resample.Cascade;
import java.util.List;

/**
 * How a source will be decoded and shrunk: at {@code 1/denominator} (libjpeg-turbo), then box-shrunk by
 * {@code box} (opaque sources), and what that holds at its peak.
 */
public record DecodePlan(int denominator, int box, Footprint footprint) {

    /**
     * The decode scale and box factor for {@code variants}: the largest reduction that keeps every variant's
     * source at least {@link Cascade#BOX_GAP} times larger than it needs ({@link Cascade#shrinkFactor}), taken
     * first from the DCT scales the decoder offers, the rest by the box shrink.
     */
    public static DecodePlan of(Opened opened, byte[] source, List<VariantSpec> variants) {
        Turn orientation = Turn.exif(opened.metadata().orientation());
        if (opened.layout().alpha()) {
            return new DecodePlan(1, 1, Footprint.of(opened, source.length, 1, 1, orientation, variants));
        }
        int shrink = Cascade.shrinkFactor(opened.width(), opened.height(), orientation, variants);
        int denominator = 1;
        for (int d : opened.denominators()) {
            if (d <= shrink) {
                denominator = Math.max(denominator, d);
            }
        }
        int box = Math.max(1, shrink / denominator);
        return new DecodePlan(
                denominator, box, Footprint.of(opened, source.length, denominator, box, orientation, variants));
    }
}
