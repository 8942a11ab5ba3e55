package com.miniatura.worker.render.step;

import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.MemoryBudget;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.RenderedVariant;
import com.miniatura.worker.render.SourceInfo;
import com.miniatura.worker.render.SourceMetadata;
import com.miniatura.worker.render.TurboJpeg;
import com.miniatura.worker.render.Watermarks;
import com.miniatura.worker.render.codec.Opened;
import com.miniatura.worker.render.geometry.ContentCrop;
import com.miniatura.worker.render.geometry.Turn;
import com.miniatura.worker.render.resample.Cascade;
import com.miniatura.worker.render.resample.PlanarCascade;
import com.miniatura.worker.render.resample.Planes;
import com.miniatura.worker.render.resample.ScaledCopies;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the once-per-image steps of a {@link Pipeline} know; each step returns a new context.
 *
 * @param opened   the source, checked up to its header
 * @param source   the encoded source
 * @param variants the variants, in the requested order
 * @param plan     the decode scale, box factor and memory reserved for them
 * @param image    the decoded image, then its sRGB copy; null once {@code copies} holds the pixels
 * @param planes   instead of {@code image}, a JPEG's own YCbCr planes ({@link PlanarCascade}); null otherwise
 * @param alpha    whether the decoded image has alpha (scaled per variant without the cascade)
 * @param copies   where the variants are resampled from; null until {@code shrink}
 * @param analysis the analysis copy, made when first asked; null until {@code shrink}
 * @param content  content-aware placements over the analysis copy; null until {@code shrink}
 * @param twins    the variants encoded so far, by everything that decides their bytes
 * @param blurhash the source's BlurHash; null until {@code blurhash}
 */
public record ImageContext(
        Opened opened,
        byte[] source,
        List<VariantSpec> variants,
        DecodePlan plan,
        Services services,
        BufferedImage image,
        Planes planes,
        boolean alpha,
        ScaledCopies copies,
        AnalysisCopy analysis,
        ContentCrop content,
        Map<Sameness, RenderedVariant> twins,
        String blurhash) {

    /** What every step may use and none changes: the render's limits, clock, deadline, watermarks and memory. */
    public record Services(
            RenderLimits limits,
            MemoryBudget budget,
            Watermarks watermarks,
            Deadline deadline,
            StepClock clock,
            Optional<TurboJpeg> turbo,
            boolean planar) {}

    public ImageContext {
        variants = List.copyOf(variants);
        twins = Map.copyOf(twins);
    }

    public static ImageContext start(
            Opened opened, byte[] source, List<VariantSpec> variants, DecodePlan plan, Services services) {
        return new ImageContext(
                opened, source, variants, plan, services, null, null, false, null, null, null, Map.of(), null);
    }

    public Deadline deadline() {
        return services.deadline();
    }

    public StepClock clock() {
        return services.clock();
    }

    public SourceMetadata metadata() {
        return opened.metadata();
    }

    /** The source's EXIF orientation. */
    public Turn orientation() {
        return Turn.exif(opened.metadata().orientation());
    }

    public int storedW() {
        return opened.width();
    }

    public int storedH() {
        return opened.height();
    }

    public SourceInfo info() {
        Turn orientation = orientation();
        return new SourceInfo(
                opened.format(),
                orientation.turnedWidth(storedW(), storedH()),
                orientation.turnedHeight(storedW(), storedH()),
                opened.metadata().orientation());
    }

    /** Indices of the variants, the one with the most output pixels first. */
    public int[] largestFirst() {
        return Cascade.largestFirst(storedW(), storedH(), orientation(), variants);
    }

    public ImageContext withImage(BufferedImage image, boolean alpha) {
        return new ImageContext(
                opened, source, variants, plan, services, image, planes, alpha, copies, analysis, content, twins,
                blurhash);
    }

    /** The pixels moved to {@code copies}: the image itself is let go. */
    public ImageContext withCopies(ScaledCopies copies, AnalysisCopy analysis, ContentCrop content) {
        return new ImageContext(
                opened, source, variants, plan, services, null, null, alpha, copies, analysis, content, twins,
                blurhash);
    }

    /** The decoded JPEG as its YCbCr planes, in place of an image. */
    public ImageContext withPlanes(Planes planes) {
        return new ImageContext(
                opened, source, variants, plan, services, null, planes, false, copies, analysis, content, twins,
                blurhash);
    }

    public ImageContext withBlurhash(String blurhash) {
        return new ImageContext(
                opened, source, variants, plan, services, image, planes, alpha, copies, analysis, content, twins,
                blurhash);
    }

    /** After a variant: one that was encoded is remembered for its twins. */
    public ImageContext after(VariantContext variant) {
        if (!variant.encoded()) {
            return this;
        }
        Map<Sameness, RenderedVariant> more = new HashMap<>(twins);
        more.putIfAbsent(variant.sameness(), variant.result());
        return new ImageContext(
                opened, source, variants, plan, services, image, planes, alpha, copies, analysis, content, more,
                blurhash);
    }
}
