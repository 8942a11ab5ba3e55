package com.miniatura.worker.render;

import com.miniatura.common.catalog.VariantSpec;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the once-per-image steps of a {@link Pipeline} know; each step returns a new context.
 *
 * @param opened   the source, checked up to its header
 * @param source   the encoded source
 * @param variants the variants, in the requested order
 * @param plan     the decode scale, box factor and memory reserved for them
 * @param image    the decoded image, then its sRGB copy; null once {@code copies} holds the pixels
 * @param alpha    whether the decoded image has alpha (scaled per variant without the cascade)
 * @param copies   where the variants are resampled from; null until {@code shrink}
 * @param analysis the analysis copy, made when first asked; null until {@code shrink}
 * @param content  content-aware placements over the analysis copy; null until {@code shrink}
 * @param twins    the variants encoded so far, by everything that decides their bytes
 * @param blurhash the source's BlurHash; null until {@code blurhash}
 */
record ImageContext(Opened opened, byte[] source, List<VariantSpec> variants, DecodePlan plan,
        Services services, BufferedImage image, boolean alpha, ScaledCopies copies, AnalysisCopy analysis,
        ContentCrop content, Map<Sameness, RenderedVariant> twins, String blurhash) {

    /** What every step may use and none changes: the render's limits, clock, deadline, watermarks and memory. */
    record Services(RenderLimits limits, MemoryBudget budget, Watermarks watermarks, Deadline deadline,
            Clock clock) {
    }

    ImageContext {
        variants = List.copyOf(variants);
        twins = Map.copyOf(twins);
    }

    static ImageContext start(Opened opened, byte[] source, List<VariantSpec> variants, DecodePlan plan,
            Services services) {
        return new ImageContext(opened, source, variants, plan, services, null, false, null, null, null, Map.of(), null);
    }

    Deadline deadline() {
        return services.deadline();
    }

    Clock clock() {
        return services.clock();
    }

    SourceMetadata metadata() {
        return opened.metadata();
    }

    /** The source's EXIF orientation. */
    Turn orientation() {
        return Turn.exif(opened.metadata().orientation());
    }

    int storedW() {
        return opened.width();
    }

    int storedH() {
        return opened.height();
    }

    SourceInfo info() {
        Turn orientation = orientation();
        return new SourceInfo(opened.format(), orientation.turnedWidth(storedW(), storedH()),
                orientation.turnedHeight(storedW(), storedH()), opened.metadata().orientation());
    }

    /** Indices of the variants, the one with the most output pixels first. */
    int[] largestFirst() {
        return Cascade.largestFirst(storedW(), storedH(), orientation(), variants);
    }

    ImageContext withImage(BufferedImage image, boolean alpha) {
        return new ImageContext(opened, source, variants, plan, services, image, alpha, copies, analysis, content,
                twins, blurhash);
    }

    /** The pixels moved to {@code copies}: the image itself is let go. */
    ImageContext withCopies(ScaledCopies copies, AnalysisCopy analysis, ContentCrop content) {
        return new ImageContext(opened, source, variants, plan, services, null, alpha, copies, analysis, content,
                twins, blurhash);
    }

    ImageContext withBlurhash(String blurhash) {
        return new ImageContext(opened, source, variants, plan, services, image, alpha, copies, analysis, content,
                twins, blurhash);
    }

    /** After a variant: one that was encoded is remembered for its twins. */
    ImageContext after(VariantContext variant) {
        if (!variant.encoded()) {
            return this;
        }
        Map<Sameness, RenderedVariant> more = new HashMap<>(twins);
        more.putIfAbsent(variant.sameness(), variant.result());
        return new ImageContext(opened, source, variants, plan, services, image, alpha, copies, analysis, content, more,
                blurhash);
    }
}
