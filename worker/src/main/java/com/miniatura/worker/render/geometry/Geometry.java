package com.miniatura.worker.render.geometry;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.Gravity;
import com.miniatura.common.catalog.VariantSpec;

/**
 * Pure layout math: where to crop the source, what size to scale the crop to, and where to place it on the
 * output canvas. No pixels are touched here, so every rule is tested as a table.
 *
 * <p>All sizes mean the source as the variant sees it: upright and turned by the variant's own
 * rotate/flip/flop. The renderer maps the crop back to the stored pixels with {@link Turn#toStored}.
 *
 * <p>Scales are kept as exact fractions ({@code num/den}) rather than doubles, so the bounding side
 * always comes out at exactly the box size and rounding of the other side is half-up and reproducible.
 */
public final class Geometry {

    private Geometry() {}

    /**
     * A layout: take the crop {@code (cropX, cropY, cropW, cropH)} of the source, scale it to
     * {@code scaledW × scaledH}, and draw it at {@code (offsetX, offsetY)} on a {@code canvasW × canvasH}
     * canvas. Without padding the canvas is the scaled image and the offsets are 0.
     */
    public record Plan(
            int cropX,
            int cropY,
            int cropW,
            int cropH,
            int scaledW,
            int scaledH,
            int canvasW,
            int canvasH,
            int offsetX,
            int offsetY) {

        /** Whether pixels must be resampled (otherwise the crop is copied 1:1). */
        public boolean resamples() {
            return scaledW != cropW || scaledH != cropH;
        }

        /** Whether the scaled image is smaller than the canvas and must be padded. */
        public boolean pads() {
            return scaledW != canvasW || scaledH != canvasH;
        }
    }

    /**
     * Chooses where a content-aware ({@link Gravity#contentAware()}) cover crop starts along its one free
     * axis. Asked only for such a gravity and only when the crop is shorter than the source on that axis, so
     * a render whose variants never need it never analyses any pixels.
     */
    @FunctionalInterface
    public interface Placement {

        /** Content-aware gravity without looking: the centre. */
        Placement CENTRED = (gravity, horizontal, length, window) -> (length - window) / 2;

        /**
         * The first pixel of a {@code window}-px crop along a {@code length}-px axis ({@code x} when
         * {@code horizontal}, else {@code y}); values outside {@code 0..length-window} are clamped.
         */
        public int start(Gravity gravity, boolean horizontal, int length, int window);
    }

    /** As {@link #plan(int, int, VariantSpec, Placement)}, with content-aware gravity falling back to the centre. */
    public static Plan plan(int srcW, int srcH, VariantSpec spec) {
        return plan(srcW, srcH, spec, Placement.CENTRED);
    }

    /**
     * Lays out a {@code srcW × srcH} (upright, turned) source for {@code spec}; {@code content} places
     * content-aware cover crops.
     *
     * @throws IllegalArgumentException for a spec the catalog should have rejected (cover or contain
     *                                  without both sides, non-positive sizes)
     */
    public static Plan plan(int srcW, int srcH, VariantSpec spec, Placement content) {
        if (srcW <= 0 || srcH <= 0) {
            throw new IllegalArgumentException("source size must be positive: " + srcW + "x" + srcH);
        }
        Integer w = spec.width();
        Integer h = spec.height();
        if ((w != null && w <= 0) || (h != null && h <= 0)) {
            throw new IllegalArgumentException("variant " + spec.name() + " has a non-positive size");
        }
        if (spec.fit() != Fit.INSIDE && (w == null || h == null)) {
            throw new IllegalArgumentException(
                    "variant " + spec.name() + ": " + spec.fit().configName() + " needs a width and a height");
        }
        return switch (spec.fit()) {
            case INSIDE -> inside(srcW, srcH, w, h, spec.upscale());
            case COVER -> cover(srcW, srcH, w, h, spec.upscale(), spec.gravity(), content);
            case CONTAIN -> contain(srcW, srcH, w, h, spec.upscale());
        };
    }

    /** Scale so the whole source fits the bounded sides; the output keeps the source's aspect ratio. */
    private static Plan inside(int srcW, int srcH, Integer w, Integer h, boolean upscale) {
        long[] scale = fitScale(srcW, srcH, w, h, upscale);
        int outW = scaled(srcW, scale);
        int outH = scaled(srcH, scale);
        return new Plan(0, 0, srcW, srcH, outW, outH, outW, outH, 0, 0);
    }

    /** Scale like {@code inside}, then centre on a canvas of exactly the box, padded with the background. */
    private static Plan contain(int srcW, int srcH, int w, int h, boolean upscale) {
        long[] scale = fitScale(srcW, srcH, w, h, upscale);
        int outW = Math.min(w, scaled(srcW, scale));
        int outH = Math.min(h, scaled(srcH, scale));
        return new Plan(0, 0, srcW, srcH, outW, outH, w, h, (w - outW) / 2, (h - outH) / 2);
    }

    /**
     * Scale until the box is filled and crop the overflow where {@code gravity} says, so the output is
     * exactly the box. When that would enlarge and upscaling is off, crop the largest region with the box's
     * aspect ratio out of the source instead and leave it unscaled: smaller than asked, but never blurry.
     * Either way the crop spans the whole source on one axis, so gravity only ever slides it along the other.
     */
    private static Plan cover(int srcW, int srcH, int w, int h, boolean upscale, Gravity gravity, Placement content) {
        // scale = max(w/srcW, h/srcH); w/srcW >= h/srcH  <=>  w*srcH >= h*srcW
        boolean widthBinds = (long) w * srcH >= (long) h * srcW;
        long num = widthBinds ? w : h;
        long den = widthBinds ? srcW : srcH;
        int cropW;
        int cropH;
        int outW;
        int outH;
        if (num <= den || upscale) {
            // the crop is the box measured in source pixels: box / scale
            cropW = clamp(roundDiv((long) w * den, num), srcW);
            cropH = clamp(roundDiv((long) h * den, num), srcH);
            outW = w;
            outH = h;
        } else {
            boolean sourceWider = (long) srcW * h >= (long) srcH * w;
            if (sourceWider) {
                cropH = srcH;
                cropW = clamp(roundDiv((long) srcH * w, h), srcW);
            } else {
                cropW = srcW;
                cropH = clamp(roundDiv((long) srcW * h, w), srcH);
            }
            outW = cropW;
            outH = cropH;
        }
        int x = start(gravity, gravity.dx(), true, srcW, cropW, content);
        int y = start(gravity, gravity.dy(), false, srcH, cropH, content);
        return new Plan(x, y, cropW, cropH, outW, outH, outW, outH, 0, 0);
    }

    /**
     * Start of a {@code window} along a {@code length} axis: pinned to the start ({@code anchor} -1) or end
     * (+1), centred (0, the smaller half before the window when the overflow is odd), or chosen by
     * {@code content} for a content-aware gravity.
     */
    private static int start(
            Gravity gravity, int anchor, boolean horizontal, int length, int window, Placement content) {
        int free = length - window;
        if (free <= 0) {
            return 0;
        }
        if (gravity.contentAware()) {
            return Math.max(0, Math.min(free, content.start(gravity, horizontal, length, window)));
        }
        return anchor < 0 ? 0 : anchor > 0 ? free : free / 2;
    }

    /** {@code min(w/srcW, h/srcH)} over the bounded sides as {num, den}, capped at 1 without upscale. */
    private static long[] fitScale(int srcW, int srcH, Integer w, Integer h, boolean upscale) {
        // w/srcW <= h/srcH  <=>  w*srcH <= h*srcW
        boolean widthBinds = w != null && (h == null || (long) w * srcH <= (long) h * srcW);
        long num = widthBinds ? w : h;
        long den = widthBinds ? srcW : srcH;
        if (!upscale && num > den) {
            return new long[] {1, 1};
        }
        return new long[] {num, den};
    }

    /** {@code round(size * num / den)}, at least 1 px. */
    private static int scaled(int size, long[] scale) {
        return (int) Math.max(1, roundDiv(size * scale[0], scale[1]));
    }

    /** Half-up rounding of {@code a / b} for positive operands. */
    private static long roundDiv(long a, long b) {
        return (2 * a + b) / (2 * b);
    }

    private static int clamp(long value, int max) {
        return (int) Math.max(1, Math.min(max, value));
    }
}
