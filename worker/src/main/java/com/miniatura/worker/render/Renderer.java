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
 * <p>A render is a fixed, ordered list of steps, none of which modifies its input. Once per render:
 * <ol>
 *   <li>{@link Decode}: bytes → first frame, after the size limits and a format check;</li>
 *   <li>{@link ToSrgb}: convert to sRGB once, so resampling mixes colours in the output colour space. The
 *       image stays in its <em>stored</em> orientation: turning 12 MP costs as much as converting it, and
 *       each variant turns only its own small result instead;</li>
 *   <li>{@link Shrink}: a small analysis copy (≤ {@value ContentCrop#ANALYSIS_SIDE} px), the input of the
 *       BlurHash and of content-aware crops ({@link ContentCrop}, which analyses it only if a variant asks).</li>
 * </ol>
 * Then per variant, in this order:
 * <ol>
 *   <li>{@link Turn} + {@link Geometry}: the source's EXIF orientation and the variant's rotate/flip/flop
 *       compose into one turn; the plan is made in turned coordinates, because that is the image the
 *       variant's box and gravity talk about;</li>
 *   <li>{@link Resize#cropAndScale}: the plan's crop, mapped back to stored coordinates, is cut out and
 *       scaled there (to the transposed size when the turn swaps the axes), so only the crop is resampled;</li>
 *   <li>{@link Orient}: the small result is turned; moving pixels is exact, so turning after scaling gives
 *       the same picture as turning first;</li>
 *   <li>{@link Resize#pad} (contain): after turning, because the padding offsets are turned coordinates;</li>
 *   <li>{@link Filters}: on output-sized pixels, after padding so a watermark is placed on the final
 *       canvas; before flattening, so colour filters recolour the picture but not the background colour a
 *       transparent area is flattened onto, and a blur or watermark works on the real alpha (compositing is
 *       linear, so blurring and then flattening gives the same pixels as flattening and then blurring);</li>
 *   <li>{@link FlattenAlpha} (formats without alpha): composite onto the variant's background, last, so that
 *       neither the resampler nor a filter ever sees the background colour bleed in;</li>
 *   <li>{@link Encode}, with the source's copyright only for a variant that keeps it.</li>
 * </ol>
 * The deadline is checked between variants.
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
     * Decodes {@code source} once, converts it to sRGB and renders every variant in the given order, each
     * upright (EXIF 1–8) and then turned as the variant asks; also computes the source's BlurHash.
     *
     * @throws RenderException when the source is empty, not a supported image, corrupt, over the limits, or
     *                         takes longer than the render deadline
     */
    public RenderResult render(byte[] source, List<VariantSpec> variants) throws RenderException {
        Objects.requireNonNull(variants, "variants");
        Deadline deadline = Deadline.start(limits.renderTimeout(), nanoTime);
        Decode.Decoded decoded = Decode.decode(source, limits, deadline);
        SourceMetadata metadata = decoded.metadata();
        Turn orientation = Turn.exif(metadata.orientation());
        BufferedImage stored = ToSrgb.apply(decoded.image());
        deadline.check("converting colours");
        int storedW = stored.getWidth();
        int storedH = stored.getHeight();
        SourceInfo info = new SourceInfo(decoded.format(), orientation.turnedWidth(storedW, storedH),
                orientation.turnedHeight(storedW, storedH), metadata.orientation());

        BufferedImage analysis = Shrink.toFit(stored, ContentCrop.ANALYSIS_SIDE);
        ContentCrop content = new ContentCrop(analysis);
        List<RenderedVariant> rendered = new ArrayList<>(variants.size());
        for (VariantSpec spec : variants) {
            rendered.add(renderVariant(stored, orientation, content, spec, metadata));
            deadline.check("rendering " + spec.name());
        }
        String blurhash = BlurHash.of(Orient.apply(Shrink.toFit(analysis, BlurHash.INPUT_SIDE), orientation.code()));
        return new RenderResult(info, rendered, blurhash);
    }

    private RenderedVariant renderVariant(BufferedImage stored, Turn orientation, ContentCrop content, VariantSpec spec,
            SourceMetadata metadata) {
        Turn turn = orientation.then(Turn.of(spec.rotate(), spec.flip(), spec.flop()));
        int storedW = stored.getWidth();
        int storedH = stored.getHeight();
        Geometry.Plan plan = Geometry.plan(turn.turnedWidth(storedW, storedH), turn.turnedHeight(storedW, storedH), spec,
                content.placement(turn));
        Turn.Rect crop = turn.toStored(new Turn.Rect(plan.cropX(), plan.cropY(), plan.cropW(), plan.cropH()), storedW, storedH);
        BufferedImage scaled = turn.transposes()
                ? Resize.cropAndScale(stored, crop, plan.scaledH(), plan.scaledW())
                : Resize.cropAndScale(stored, crop, plan.scaledW(), plan.scaledH());
        BufferedImage turned = Orient.apply(scaled, turn.code());
        BufferedImage padded = Resize.pad(turned, plan, spec.background());
        BufferedImage filtered = Filters.apply(padded, spec.filters(), watermarks);
        BufferedImage opaque = spec.format().supportsAlpha() ? filtered : FlattenAlpha.apply(filtered, spec.background());
        byte[] bytes = Encode.apply(opaque, spec, spec.keepCopyright() ? metadata.copyright() : null);
        return new RenderedVariant(spec, opaque.getWidth(), opaque.getHeight(), bytes);
    }
}
