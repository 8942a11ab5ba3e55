package com.miniatura.worker.render;

import com.miniatura.common.catalog.VariantSpec;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

    public Renderer(RenderLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Decodes {@code source} once, auto-orients it (EXIF 1–8), converts it to sRGB and renders every variant
     * in the given order.
     *
     * @throws RenderException when the source is empty, not a supported image, corrupt or over the limits
     */
    public RenderResult render(byte[] source, List<VariantSpec> variants) throws RenderException {
        Objects.requireNonNull(variants, "variants");
        Decode.Decoded decoded = Decode.decode(source, limits);
        int orientation = orientationOf(decoded.format(), source);
        BufferedImage upright = Orient.apply(decoded.image(), orientation);
        BufferedImage srgb = ToSrgb.apply(upright);
        SourceInfo info = new SourceInfo(decoded.format(), srgb.getWidth(), srgb.getHeight(), orientation);

        List<RenderedVariant> rendered = new ArrayList<>(variants.size());
        for (VariantSpec spec : variants) {
            rendered.add(renderVariant(srgb, spec));
        }
        return new RenderResult(info, rendered);
    }

    private static RenderedVariant renderVariant(BufferedImage srgb, VariantSpec spec) {
        Geometry.Plan plan = Geometry.plan(srgb.getWidth(), srgb.getHeight(), spec);
        BufferedImage resized = Resize.apply(srgb, plan, spec.background());
        BufferedImage filtered = Filters.apply(resized, spec.filters());
        BufferedImage opaque = spec.format().supportsAlpha() ? filtered : FlattenAlpha.apply(filtered, spec.background());
        byte[] bytes = Encode.apply(opaque, spec.format(), spec.quality());
        return new RenderedVariant(spec, opaque.getWidth(), opaque.getHeight(), bytes);
    }

    /** EXIF orientation lives in a JPEG's APP1 segment, or in IFD0 of a TIFF file itself. */
    private static int orientationOf(String format, byte[] source) {
        return switch (format) {
            case "jpeg" -> ExifOrientation.fromJpeg(source);
            case "tiff" -> ExifOrientation.fromTiff(source, 0, source.length);
            default -> ExifOrientation.NORMAL;
        };
    }
}
