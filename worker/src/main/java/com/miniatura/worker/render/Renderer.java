package com.miniatura.worker.render;

import com.miniatura.common.catalog.VariantSpec;
import java.awt.image.BufferedImage;
import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.OutputFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import com.miniatura.worker.render.RenderResult.Step;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes an uploaded image once and renders every variant from it.
 *
 * <p>A render is a fixed, ordered list of steps, none of which modifies its input. Once per render:
 * <ol>
 *   <li>{@link Decode#open}: every check that needs no pixels (size, format, container structure, header), and
 *       what the decoder will allocate;</li>
 *   <li>{@link #plan}: the decode scale (libjpeg-turbo's 1/2, 1/4, 1/8 for a JPEG) and box factor the variants
 *       allow, and the render's memory ({@link Footprint}), reserved in the worker's {@link MemoryBudget}: a render
 *       that can never fit is refused, one that fits later waits;</li>
 *   <li>{@link Decode.Opened#read}: the first frame at that scale, under the render deadline;</li>
 *   <li>{@link ToSrgb}, unless the decoder already gave sRGB bytes (the usual JPEG): convert to sRGB once, a strip
 *       at a time, so resampling mixes colours in the output colour space. The image stays in its <em>stored</em>
 *       orientation: turning 12 MP costs as much as converting it, and each variant turns only its own small
 *       result instead;</li>
 *   <li>{@link Resample#box}: the rest of the reduction every variant allows, by the largest whole factor
 *       ({@link Cascade#shrinkFactor}; a 12 MP photo is halved for the reference catalog, by libjpeg-turbo's DCT
 *       when it decodes): everything after works on a quarter of the pixels or fewer;</li>
 *   <li>{@link Shrink}: a small analysis copy (≤ {@value ContentCrop#ANALYSIS_SIDE} px), the input of the
 *       BlurHash and of content-aware crops ({@link ContentCrop}, which analyses it only if a variant asks);
 *       made when first needed, from the smallest whole copy of the source made by then
 *       ({@link Cascade#smallestWhole}).</li>
 * </ol>
 * Sources with alpha skip the box shrink and the cascade: they are scaled per variant by
 * {@link Resize#cropAndScale}, which does not bleed the colour of transparent pixels.
 *
 * <p>Then per variant, in this order:
 * <ol>
 *   <li>{@link Turn} + {@link Geometry}: the source's EXIF orientation and the variant's rotate/flip/flop
 *       compose into one turn; the plan is made in turned coordinates, because that is the image the
 *       variant's box and gravity talk about;</li>
 *   <li>{@link Cascade#scale}, largest variant first: the plan's crop, mapped back to stored coordinates, is
 *       resampled there (to the transposed size when the turn swaps the axes) from the smallest copy of the
 *       source made so far that still has enough detail, so a 150 px thumbnail reads the 300 px variant, not
 *       12 MP;</li>
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
 * A JPEG variant that would only re-encode the source's own pixels at no finer a quality skips all of these
 * and is the source's compressed data, metadata stripped ({@link Passthrough}); two variants that come to the
 * same pixels and encoding are encoded once.
 * The deadline is checked between variants, and polled inside every loop over a whole image ({@link Deadline}).
 *
 * <p>Stateless apart from its limits, so one instance can be shared by concurrent renders.
 */
public final class Renderer {
    private static final Logger log = LoggerFactory.getLogger(Renderer.class);

    private final RenderLimits limits;
    private final Watermarks watermarks;
    private final MemoryBudget budget;
    private final Optional<TurboJpeg> turbo;
    private final LongSupplier nanoTime;

    /** A renderer with no watermarks, a budget sized from this JVM's heap, and libjpeg-turbo when installed. */
    public Renderer(RenderLimits limits) {
        this(limits, Watermarks.NONE);
    }

    public Renderer(RenderLimits limits, Watermarks watermarks) {
        this(limits, watermarks, MemoryBudget.fromHeap(), TurboJpeg.load());
    }

    /**
     * @param budget the memory all renders of this renderer share (see {@link MemoryBudget})
     * @param turbo  libjpeg-turbo for the JPEGs it can decode, or empty for ImageIO alone
     */
    public Renderer(RenderLimits limits, Watermarks watermarks, MemoryBudget budget, Optional<TurboJpeg> turbo) {
        this(limits, watermarks, budget, turbo, System::nanoTime);
    }

    /** For tests: {@code nanoTime} drives the render deadline. */
    Renderer(RenderLimits limits, Watermarks watermarks, MemoryBudget budget, Optional<TurboJpeg> turbo,
            LongSupplier nanoTime) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.watermarks = Objects.requireNonNull(watermarks, "watermarks");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.turbo = Objects.requireNonNull(turbo, "turbo");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** For tests: the default budget and decoders, {@code nanoTime} driving the render deadline. */
    Renderer(RenderLimits limits, Watermarks watermarks, LongSupplier nanoTime) {
        this(limits, watermarks, MemoryBudget.fromHeap(), TurboJpeg.load(), nanoTime);
    }

    public MemoryBudget budget() {
        return budget;
    }

    /** Which decoder reads JPEGs: {@code libjpeg-turbo (libturbojpeg.so.0)} or {@code ImageIO}. */
    public String jpegDecoder() {
        return turbo.map(t -> "libjpeg-turbo (" + t.libraryName() + ")").orElse("ImageIO");
    }

    /**
     * Decodes {@code source} once, converts it to sRGB and renders every variant in the given order, each
     * upright (EXIF 1–8) and then turned as the variant asks; also computes the source's BlurHash.
     *
     * <p>Before decoding, the render's memory ({@link Footprint}) is reserved in the {@link MemoryBudget}: a
     * render that can never fit is refused, one that fits later waits for it, at most the render timeout.
     *
     * @throws RenderException when the source is empty, not a supported image, corrupt, over the limits, too
     *                         large for the memory budget, or takes longer than the render deadline
     * @throws RenderBusyException when the memory it needs stayed taken by other renders for the whole render
     *                         timeout (transient: the same source renders once they are done)
     */
    public RenderResult render(byte[] source, List<VariantSpec> variants) throws RenderException {
        Objects.requireNonNull(variants, "variants");
        RenderResult.Clock clock = new RenderResult.Clock();
        Decode.Opened opened = Decode.open(source, limits, turbo);
        try {
            return render(opened, source, variants, clock);
        } catch (Decode.NativeFailure failure) {
            // libjpeg-turbo refused the data or warned about it: ImageIO judges the file, and words the reason, as
            // it does for every other JPEG, when its full-size decode can fit; otherwise its refusal stands
            opened.close();
            opened = Decode.open(source, limits, Optional.empty());
            Plan plan = plan(opened, source, variants);
            if (!budget.fits(plan.footprint().total())) {
                throw failure.reason();
            }
            try {
                return render(opened, source, variants, clock);
            } catch (Decode.NativeFailure impossible) {
                throw new IllegalStateException(impossible);
            }
        } finally {
            opened.close();
        }
    }

    /**
     * How a source will be decoded and shrunk: at {@code 1/denominator} (libjpeg-turbo), then box-shrunk by
     * {@code box} (opaque sources), and what that holds at its peak.
     */
    record Plan(int denominator, int box, Footprint footprint) {
    }

    /**
     * The decode scale and box factor for {@code variants}: the largest reduction that keeps every variant's
     * source at least {@link Cascade#BOX_GAP} times larger than it needs ({@link Cascade#shrinkFactor}), taken
     * first from the DCT scales the decoder offers, the rest by the box shrink.
     */
    static Plan plan(Decode.Opened opened, byte[] source, List<VariantSpec> variants) {
        Turn orientation = Turn.exif(opened.metadata().orientation());
        if (opened.layout().alpha()) {
            return new Plan(1, 1, Footprint.of(opened, source.length, 1, 1, orientation, variants));
        }
        int shrink = Cascade.shrinkFactor(opened.width(), opened.height(), orientation, variants);
        int denominator = 1;
        for (int d : opened.denominators()) {
            if (d <= shrink) {
                denominator = Math.max(denominator, d);
            }
        }
        int box = Math.max(1, shrink / denominator);
        return new Plan(denominator, box, Footprint.of(opened, source.length, denominator, box, orientation, variants));
    }

    private RenderResult render(Decode.Opened opened, byte[] source, List<VariantSpec> variants, RenderResult.Clock clock)
            throws RenderException, Decode.NativeFailure {
        Plan plan = plan(opened, source, variants);
        try (MemoryBudget.Lease lease = admit(opened, source, variants, plan)) {
            Deadline deadline = Deadline.start(limits.renderTimeout(), nanoTime);
            try {
                return render(opened, source, variants, plan, deadline, clock);
            } catch (Deadline.Expired e) {
                throw deadline.timedOut(e.stage());
            }
        }
    }

    /** Reserves the plan's footprint, or refuses a source that could never fit, saying what would render it. */
    private MemoryBudget.Lease admit(Decode.Opened opened, byte[] source, List<VariantSpec> variants, Plan plan)
            throws RenderException {
        long need = plan.footprint().total();
        if (!budget.fits(need)) {
            String what = opened.width() + "x" + opened.height() + " " + displayName(opened.format())
                    + (opened.layout().alpha() ? " with transparency" : "");
            String scale = plan.denominator() > 1 ? " at 1/" + plan.denominator() + " scale" : "";
            throw new RenderException(RenderException.Reason.TOO_LARGE_FOR_MEMORY, "image too large to render: decoding this "
                    + what + scale + " needs about " + MemoryBudget.megabytes(need)
                    + " of memory, more than the " + MemoryBudget.megabytes(budget.capacity())
                    + " this worker has for images (miniatura.worker.memory-budget)" + nativeHint(opened, source, variants));
        }
        try {
            MemoryBudget.Lease lease = budget.reserve(need, limits.renderTimeout());
            if (lease == null) {
                throw new RenderBusyException("the worker's memory for images stayed taken by other renders for "
                        + limits.renderTimeout().toSeconds() + " s; this one needs " + MemoryBudget.megabytes(need));
            }
            return lease;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderBusyException("interrupted while waiting for memory to render in");
        }
    }

    /** For a JPEG that ImageIO would decode at full size: what libjpeg-turbo would need, if that fits. */
    private String nativeHint(Decode.Opened opened, byte[] source, List<VariantSpec> variants) {
        if (!opened.format().equals("jpeg") || opened instanceof Decode.NativeJpeg || turbo.isPresent()) {
            return "";
        }
        Decode.Layout bgr = new Decode.Layout(3, 0, false, true, "libjpeg-turbo");
        Decode.Opened scalable = new Decode.Opened("jpeg", source, opened.metadata(), opened.width(), opened.height(), bgr) {
            @Override
            List<Integer> denominators() {
                return Decode.DCT_DENOMINATORS;
            }

            @Override
            BufferedImage read(int denominator, Deadline deadline) {
                throw new UnsupportedOperationException();
            }
        };
        Plan plan = plan(scalable, source, variants);
        long need = plan.footprint().total();
        return budget.fits(need) ? "; with libjpeg-turbo installed on the worker (Debian's libturbojpeg0), it would"
                + " decode it at 1/" + plan.denominator() + " scale in about " + MemoryBudget.megabytes(need) : "";
    }

    private static String displayName(String format) {
        return format.equals("webp") ? "WebP" : format.toUpperCase(java.util.Locale.ROOT);
    }

    private RenderResult render(Decode.Opened opened, byte[] source, List<VariantSpec> variants, Plan plan,
            Deadline deadline, RenderResult.Clock clock) throws RenderException, Decode.NativeFailure {
        BufferedImage image = opened.read(plan.denominator(), deadline);
        if (opened instanceof Decode.NativeJpeg jpeg && jpeg.warning() != null) {
            Plan full;
            try (Decode.Opened imageIo = Decode.open(source, limits, Optional.empty())) {
                full = plan(imageIo, source, variants);
            }
            if (budget.fits(full.footprint().total())) {
                throw new Decode.NativeFailure(new RenderException(RenderException.Reason.CORRUPT,
                        "corrupt image: " + jpeg.warning())); // ImageIO sees every warning, not only the first
            }
            log.warn("Rendering a JPEG that libjpeg-turbo warned about ({}): too large to check again with ImageIO",
                    jpeg.warning());
        }
        opened.close(); // a reader may keep a reference to the image it returned
        clock.charge(Step.DECODE);
        SourceMetadata metadata = opened.metadata();
        Turn orientation = Turn.exif(metadata.orientation());
        int storedW = opened.width();
        int storedH = opened.height();
        SourceInfo info = new SourceInfo(opened.format(), orientation.turnedWidth(storedW, storedH),
                orientation.turnedHeight(storedW, storedH), metadata.orientation());
        if (image.getColorModel().hasAlpha()) {
            BufferedImage stored = ToSrgb.apply(image, deadline);
            image = null; // only the sRGB copy is used from here: let the decoded image go
            return renderEach(stored, orientation, info, variants, metadata, deadline, clock);
        }
        // sRGB bytes are what the resamplers read; anything else (a profile, CMYK, grey, ints) is converted to sRGB
        // first, at the decoded size
        image = ToSrgb.bgr(image, deadline);
        clock.charge(Step.COLOUR);
        deadline.check("converting colours");
        BufferedImage base = plan.box() == 1 ? image : Resample.box(image, plan.box(), deadline);
        image = null; // the base is all the cascade reads
        clock.charge(Step.RESIZE);
        Cascade cascade = new Cascade(base, 1.0 / (plan.denominator() * plan.box()), storedW, storedH, deadline);
        base = null;
        return renderCascade(cascade, source, opened.format(), info, orientation, storedW, storedH, variants, metadata,
                deadline, clock);
    }

    private RenderResult renderCascade(Cascade cascade, byte[] source, String format, SourceInfo info, Turn orientation,
            int storedW, int storedH, List<VariantSpec> variants, SourceMetadata metadata, Deadline deadline,
            RenderResult.Clock clock) throws RenderException {
        // made when first needed (by a content-aware crop, else for the BlurHash), from the smallest whole copy
        // of the source at hand then: a 1600 px variant rather than the 12 MP base when the catalog has one
        BufferedImage[] analysed = new BufferedImage[1];
        Supplier<BufferedImage> analysis = () -> {
            if (analysed[0] == null) {
                analysed[0] = Shrink.toFit(cascade.smallestWhole(ContentCrop.ANALYSIS_SIDE), ContentCrop.ANALYSIS_SIDE,
                        deadline);
                clock.charge(Step.ANALYSIS);
            }
            return analysed[0];
        };
        ContentCrop content = new ContentCrop(analysis);
        RenderedVariant[] rendered = new RenderedVariant[variants.size()];
        // two variants that come to the same pixels and encoding (an 800 and a 1600 px "inside" of a 640 px
        // source, both at q85) are encoded once
        Map<Sameness, RenderedVariant> done = new HashMap<>();
        for (int i : Cascade.largestFirst(storedW, storedH, orientation, variants)) {
            VariantSpec spec = variants.get(i);
            Turn turn = orientation.then(Turn.of(spec.rotate(), spec.flip(), spec.flop()));
            Geometry.Plan plan = Geometry.plan(turn.turnedWidth(storedW, storedH), turn.turnedHeight(storedW, storedH),
                    spec, content.placement(turn));
            String copyright = spec.keepCopyright() ? ExifWriter.cleanCopyright(metadata.copyright()) : null;
            clock.charge(Step.ANALYSIS); // a content-aware placement
            Optional<byte[]> same = Passthrough.jpeg(source, format, metadata, spec, turn, plan, storedW, storedH,
                    copyright);
            Sameness key = new Sameness(spec, turn, plan);
            RenderedVariant twin = done.get(key);
            if (same.isPresent()) {
                clock.charge(Step.ENCODE);
                rendered[i] = new RenderedVariant(spec, plan.canvasW(), plan.canvasH(), same.get());
            } else if (twin != null) {
                rendered[i] = new RenderedVariant(spec, twin.width(), twin.height(), twin.bytes());
            } else {
                Turn.Rect crop = turn.toStored(new Turn.Rect(plan.cropX(), plan.cropY(), plan.cropW(), plan.cropH()),
                        storedW, storedH);
                BufferedImage scaled = turn.transposes()
                        ? cascade.scale(crop, plan.scaledH(), plan.scaledW())
                        : cascade.scale(crop, plan.scaledW(), plan.scaledH());
                clock.charge(Step.RESIZE);
                rendered[i] = finish(scaled, turn, plan, spec, metadata, deadline, clock);
                done.put(key, rendered[i]);
            }
            deadline.check("rendering " + spec.name());
        }
        String blurhash = BlurHash.of(Orient.apply(Shrink.toFit(analysis.get(), BlurHash.INPUT_SIDE), orientation.code()));
        clock.charge(Step.ANALYSIS);
        return new RenderResult(info, List.of(rendered), blurhash, clock.steps());
    }

    /** Everything that decides a variant's bytes once its plan is made: all of the spec but its name and box. */
    private record Sameness(Turn turn, Geometry.Plan plan, int background, List<Filter> filters, OutputFormat format,
            int quality, boolean progressive, ChromaSubsampling chroma, boolean lossless, boolean keepCopyright) {

        Sameness(VariantSpec spec, Turn turn, Geometry.Plan plan) {
            this(turn, plan, spec.background(), spec.filters(), spec.format(), spec.quality(), spec.progressive(),
                    spec.chromaSubsampling(), spec.lossless(), spec.keepCopyright());
        }
    }

    /**
     * Sources with alpha: converted to sRGB at full size and every variant scaled from it by Thumbnailator,
     * which resamples ARGB without bleeding the colour of transparent pixels (the fast path is opaque only).
     */
    private RenderResult renderEach(BufferedImage stored, Turn orientation, SourceInfo info, List<VariantSpec> variants,
            SourceMetadata metadata, Deadline deadline, RenderResult.Clock clock) throws RenderException {
        clock.charge(Step.COLOUR);
        deadline.check("converting colours");
        BufferedImage analysis = Shrink.toFit(stored, ContentCrop.ANALYSIS_SIDE, deadline);
        ContentCrop content = new ContentCrop(analysis);
        clock.charge(Step.ANALYSIS);
        List<RenderedVariant> rendered = new ArrayList<>(variants.size());
        for (VariantSpec spec : variants) {
            rendered.add(renderVariant(stored, orientation, content, spec, metadata, deadline, clock));
            deadline.check("rendering " + spec.name());
        }
        String blurhash = BlurHash.of(Orient.apply(Shrink.toFit(analysis, BlurHash.INPUT_SIDE), orientation.code()));
        clock.charge(Step.ANALYSIS);
        return new RenderResult(info, rendered, blurhash, clock.steps());
    }

    private RenderedVariant renderVariant(BufferedImage stored, Turn orientation, ContentCrop content, VariantSpec spec,
            SourceMetadata metadata, Deadline deadline, RenderResult.Clock clock) {
        Turn turn = orientation.then(Turn.of(spec.rotate(), spec.flip(), spec.flop()));
        int storedW = stored.getWidth();
        int storedH = stored.getHeight();
        Geometry.Plan plan = Geometry.plan(turn.turnedWidth(storedW, storedH), turn.turnedHeight(storedW, storedH), spec,
                content.placement(turn));
        Turn.Rect crop = turn.toStored(new Turn.Rect(plan.cropX(), plan.cropY(), plan.cropW(), plan.cropH()), storedW, storedH);
        BufferedImage scaled = turn.transposes()
                ? Resize.cropAndScale(stored, crop, plan.scaledH(), plan.scaledW())
                : Resize.cropAndScale(stored, crop, plan.scaledW(), plan.scaledH());
        clock.charge(Step.RESIZE);
        return finish(scaled, turn, plan, spec, metadata, deadline, clock);
    }

    /** The per-variant steps after scaling: turn, pad, filters, flatten, encode (see the class comment). */
    private RenderedVariant finish(BufferedImage scaled, Turn turn, Geometry.Plan plan, VariantSpec spec,
            SourceMetadata metadata, Deadline deadline, RenderResult.Clock clock) {
        BufferedImage turned = Orient.apply(scaled, turn.code());
        BufferedImage padded = Resize.pad(turned, plan, spec.background());
        BufferedImage filtered = Filters.apply(padded, spec.filters(), watermarks, deadline);
        BufferedImage opaque = spec.format().supportsAlpha() ? filtered : FlattenAlpha.apply(filtered, spec.background());
        clock.charge(Step.FINISH);
        byte[] bytes = Encode.apply(opaque, spec, spec.keepCopyright() ? metadata.copyright() : null, deadline);
        clock.charge(Step.ENCODE);
        return new RenderedVariant(spec, opaque.getWidth(), opaque.getHeight(), bytes);
    }
}
