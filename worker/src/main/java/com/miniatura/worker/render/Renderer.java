package com.miniatura.worker.render;

import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.NativeJpeg;
import com.miniatura.worker.render.codec.Opened;
import com.miniatura.worker.render.step.DecodePlan;
import com.miniatura.worker.render.step.Footprint;
import com.miniatura.worker.render.step.ImageContext;
import com.miniatura.worker.render.step.Pipeline;
import com.miniatura.worker.render.step.StepClock;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Decodes an uploaded image once and renders every variant from it, by the steps the {@link Pipeline} lists.
 *
 * <p>Before any step, {@link Decode#open} makes every check that needs no pixels (size, format, container
 * structure, header) and learns what the decoder will allocate; {@link DecodePlan} picks the decode scale (libjpeg-turbo's
 * 1/2, 1/4, 1/8 for a JPEG) and box factor the variants allow, and the render's memory ({@link Footprint}) is
 * reserved in the worker's {@link MemoryBudget}: a render that can never fit is refused, one that fits later waits.
 * The deadline is checked between variants, and polled inside every loop over a whole image ({@link Deadline}).
 *
 * <p>Stateless apart from its limits, so one instance can be shared by concurrent renders.
 */
public final class Renderer {
    private final RenderLimits limits;
    private final Watermarks watermarks;
    private final MemoryBudget budget;
    private final Optional<TurboJpeg> turbo;
    private final LongSupplier nanoTime;
    private final boolean planar;

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
    Renderer(
            RenderLimits limits,
            Watermarks watermarks,
            MemoryBudget budget,
            Optional<TurboJpeg> turbo,
            LongSupplier nanoTime) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.watermarks = Objects.requireNonNull(watermarks, "watermarks");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.turbo = Objects.requireNonNull(turbo, "turbo");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.planar = !Boolean.getBoolean(PLANAR_DISABLED);
    }

    private Renderer(Renderer renderer, boolean planar) {
        this.limits = renderer.limits;
        this.watermarks = renderer.watermarks;
        this.budget = renderer.budget;
        this.turbo = renderer.turbo;
        this.nanoTime = renderer.nanoTime;
        this.planar = planar;
    }

    /**
     * The JVM property that keeps JPEGs in BGR from decoder to encoder ({@code -Dminiatura.render.planar.disabled=true}),
     * as when libjpeg-turbo is absent: for diagnosis and comparison. By default a YCbCr JPEG libjpeg-turbo decodes
     * is resampled as its YCbCr planes ({@code PlanarCascade}).
     */
    public static final String PLANAR_DISABLED = "miniatura.render.planar.disabled";

    /** This renderer with JPEGs kept in BGR throughout (see {@link #PLANAR_DISABLED}). */
    public Renderer inBgr() {
        return new Renderer(this, false);
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
        StepClock clock = new StepClock();
        Opened opened = Decode.open(source, limits, turbo);
        try {
            return render(opened, source, variants, clock);
        } catch (Decode.NativeFailure failure) {
            // libjpeg-turbo refused the data or warned about it: ImageIO judges the file, and words the reason, as
            // it does for every other JPEG, when its full-size decode can fit; otherwise its refusal stands
            opened.close();
            opened = Decode.open(source, limits, Optional.empty());
            DecodePlan plan = DecodePlan.of(opened, source, variants);
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

    private RenderResult render(Opened opened, byte[] source, List<VariantSpec> variants, StepClock clock)
            throws RenderException, Decode.NativeFailure {
        DecodePlan plan = DecodePlan.of(opened, source, variants);
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
    private MemoryBudget.Lease admit(Opened opened, byte[] source, List<VariantSpec> variants, DecodePlan plan)
            throws RenderException {
        long need = plan.footprint().total();
        if (!budget.fits(need)) {
            String what = opened.width() + "x" + opened.height() + " " + displayName(opened.format())
                    + (opened.layout().alpha() ? " with transparency" : "");
            String scale = plan.denominator() > 1 ? " at 1/" + plan.denominator() + " scale" : "";
            throw new RenderException(
                    RenderException.Reason.TOO_LARGE_FOR_MEMORY,
                    "image too large to render: decoding this "
                            + what + scale + " needs about " + MemoryBudget.megabytes(need)
                            + " of memory, more than the " + MemoryBudget.megabytes(budget.capacity())
                            + " this worker has for images (miniatura.worker.memory-budget)"
                            + nativeHint(opened, source, variants));
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
    private String nativeHint(Opened opened, byte[] source, List<VariantSpec> variants) {
        if (!opened.format().equals("jpeg") || opened instanceof NativeJpeg || turbo.isPresent()) {
            return "";
        }
        Decode.Layout bgr = new Decode.Layout(3, 0, false, true, "libjpeg-turbo");
        Opened scalable = new Opened("jpeg", source, opened.metadata(), opened.width(), opened.height(), bgr) {
            @Override
            public List<Integer> denominators() {
                return Decode.DCT_DENOMINATORS;
            }

            @Override
            public BufferedImage read(int denominator, Deadline deadline) {
                throw new UnsupportedOperationException();
            }
        };
        DecodePlan plan = DecodePlan.of(scalable, source, variants);
        long need = plan.footprint().total();
        return budget.fits(need)
                ? "; with libjpeg-turbo installed on the worker (Debian's libturbojpeg0), it would" + " decode it at 1/"
                        + plan.denominator() + " scale in about " + MemoryBudget.megabytes(need)
                : "";
    }

    private static String displayName(String format) {
        return format.equals("webp") ? "WebP" : format.toUpperCase(Locale.ROOT);
    }

    private RenderResult render(
            Opened opened,
            byte[] source,
            List<VariantSpec> variants,
            DecodePlan plan,
            Deadline deadline,
            StepClock clock)
            throws RenderException, Decode.NativeFailure {
        ImageContext.Services services = new ImageContext.Services(
                limits,
                budget,
                watermarks,
                deadline,
                clock,
                turbo,
                planar && turbo.map(TurboJpeg::encodesOptimised).orElse(false));
        return Pipeline.run(ImageContext.start(opened, source, variants, plan, services));
    }
}
