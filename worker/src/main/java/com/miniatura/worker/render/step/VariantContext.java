package com.miniatura.worker.render.step;

import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.RenderedVariant;
import com.miniatura.worker.render.geometry.Geometry;
import com.miniatura.worker.render.geometry.Turn;
import com.miniatura.worker.render.resample.Planes;
import java.awt.image.BufferedImage;

/**
 * What the per-variant steps of a {@link Pipeline} know about one variant; each step returns a new context.
 *
 * @param spec    the variant
 * @param turn    the source's EXIF orientation then the variant's rotate/flip/flop; null until {@code plan}
 * @param plan    crop, scale and canvas in turned coordinates; null until {@code plan}
 * @param image   the variant's pixels so far; null until {@code resize}
 * @param planes  instead of {@code image}, the variant's YCbCr planes, when nothing but the JPEG encoder follows
 * @param result  the variant's output, once a step has decided it
 * @param encoded whether {@code encode} made the result (its twins may reuse it)
 */
public record VariantContext(
        VariantSpec spec,
        Turn turn,
        Geometry.Plan plan,
        BufferedImage image,
        Planes planes,
        RenderedVariant result,
        boolean encoded) {

    public static VariantContext of(VariantSpec spec) {
        return new VariantContext(spec, null, null, null, null, null, false);
    }

    public VariantContext withPlan(Turn turn, Geometry.Plan plan) {
        return new VariantContext(spec, turn, plan, image, planes, result, encoded);
    }

    public VariantContext withImage(BufferedImage image) {
        return new VariantContext(spec, turn, plan, image, null, result, encoded);
    }

    /** The variant's pixels as YCbCr planes ready for the JPEG encoder, in place of an image. */
    public VariantContext withPlanes(Planes planes) {
        return new VariantContext(spec, turn, plan, null, planes, result, encoded);
    }

    /** The variant's bytes are decided, by a step before {@code encode}. */
    public VariantContext decided(RenderedVariant result) {
        return new VariantContext(spec, turn, plan, null, null, result, false);
    }

    public VariantContext encoded(RenderedVariant result) {
        return new VariantContext(spec, turn, plan, null, null, result, true);
    }

    /** Everything that decides this variant's bytes once its plan is made. */
    public Sameness sameness() {
        return new Sameness(spec, turn, plan);
    }
}
