package com.miniatura.worker.render;

import com.miniatura.common.catalog.VariantSpec;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Decodes an uploaded image once and renders every variant from it.
 *
 * <p>A render is a fixed, ordered list of steps, none of which modifies its input:
 * <ol>
 *   <li>{@link Decode}: bytes → first frame, after the size limits and a format check;</li>
 *   <li>{@link Orient}: apply the EXIF orientation, so that every size below means the upright image;</li>
 *   <li>{@link ToSrgb}: convert to sRGB once, so resampling mixes colours in the output colour space;</li>
 *   <li>per variant: {@link Geometry} + {@link Resize} → {@link Filters} → {@link FlattenAlpha} (formats
 *       without alpha; after resizing so the background does not bleed into edges) → {@link Encode}.</li>
 * </ol>
 *
 * <p>Stateless apart from its limits, so one instance can be shared by concurrent renders.
 */
public final class Renderer {

    private final RenderLimits limits;
    private final Watermarks watermarks;
    private final LongSupplier nanoTime;

    public Renderer(RenderLimits limits) {
        this(limits, Watermarks.NONE);
    }

    public Renderer(RenderLimits limits, Watermarks watermarks) {
        this(limits, watermarks, System::nanoTime);
    }

    /** For tests: {@code nanoTime} drives the render deadline. */
    Renderer(RenderLimits limits, Watermarks watermarks, LongSupplier nanoTime) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.watermarks = Objects.requireNonNull(watermarks, "watermarks");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * Decodes {@code source} once, auto-orients it (EXIF 1–8), converts it to sRGB and renders every variant
     * in the given order.
     *
     * @throws RenderException when the source is empty, not a supported image, corrupt, over the limits, or
     *                         takes longer than the render deadline
     */
    public RenderResult render(byte[] source, List<VariantSpec> variants) throws RenderException {
        Objects.requireNonNull(variants, "variants");
        Deadline deadline = Deadline.start(limits.renderTimeout(), nanoTime);
        Decode.Decoded decoded = Decode.decode(source, limits, deadline);
        SourceMetadata metadata = decoded.metadata();
        BufferedImage upright = Orient.apply(decoded.image(), metadata.orientation());
        BufferedImage srgb = ToSrgb.apply(upright);
        deadline.check("converting colours");
        SourceInfo info = new SourceInfo(decoded.format(), srgb.getWidth(), srgb.getHeight(), metadata.orientation());

        List<RenderedVariant> rendered = new ArrayList<>(variants.size());
        for (VariantSpec spec : variants) {
            rendered.add(renderVariant(srgb, spec, metadata));
            deadline.check("rendering " + spec.name());
        }
        return new RenderResult(info, rendered, null);
    }

    private RenderedVariant renderVariant(BufferedImage srgb, VariantSpec spec, SourceMetadata metadata) {
        Geometry.Plan plan = Geometry.plan(srgb.getWidth(), srgb.getHeight(), spec);
        BufferedImage resized = Resize.apply(srgb, plan, spec.background());
        BufferedImage filtered = Filters.apply(resized, spec.filters(), watermarks);
        BufferedImage opaque = spec.format().supportsAlpha() ? filtered : FlattenAlpha.apply(filtered, spec.background());
        byte[] bytes = Encode.apply(opaque, spec, spec.keepCopyright() ? metadata.copyright() : null);
        return new RenderedVariant(spec, opaque.getWidth(), opaque.getHeight(), bytes);
    }
}
