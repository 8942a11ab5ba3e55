package com.miniatura.worker.render.resample;

import com.miniatura.worker.render.Deadline;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * Resampling of opaque sRGB pixels held as {@code TYPE_3BYTE_BGR} (the JPEG decoder's output and the JPEG
 * writer's input), working on the backing byte arrays with integer arithmetic:
 * <ul>
 *   <li>{@link #box}: the mean of each {@code k × k} block, one read of every source pixel. It is the cheap
 *       first stage of a large reduction (the scheme libvips uses: integer "shrink", then "reduce").</li>
 *   <li>{@link #lanczos}: a separable Lanczos filter with {@value #LOBES} lobes, widened by the reduction
 *       factor so reducing does not alias, over a fractional source rectangle, so a crop can be taken from
 *       any smaller copy of the source with its exact position.</li>
 * </ul>
 * Both return a new plain {@code TYPE_3BYTE_BGR} image and never modify their input.
 */
public final class OpaqueResample {

    /**
     * Lanczos lobes by default. Two, not the usual three: two thirds of the taps, and in the cascade (where
     * each step reduces by less than 3×) the difference stays well under the JPEG encoder's own error
     * ({@code CascadeQualityTest} measures the whole path against a direct Lanczos-3 render).
     */
    public static final int LOBES = 2;
    /** Fixed-point weights: 14 fractional bits. */
    static final int BITS = 14;
    /**
     * The horizontal pass multiplies three 8-bit values packed in one long, {@value #LANE} bits apart, by a
     * weight of {@value #PACKED_BITS} fractional bits. Each lane's sum stays in {@code [0, 2^21)} because it
     * starts at {@link #LANE_OFFSET}: that covers negative lobes adding up to -0.5 (Lanczos-2 and -3 reach
     * about -0.15, edges included) and positive ones up to 1.5, so no lane ever borrows from or carries into
     * the next, and the packed sum is exactly the three sums side by side.
     */
    static final int LANE = 21;

    static final long LANE_MASK = (1L << LANE) - 1;
    static final int PACKED_BITS = 12;
    static final long LANE_OFFSET = 1L << 19;
    static final long PACKED_START = (LANE_OFFSET + (1L << (PACKED_BITS - 1))) * (1 + (1L << LANE) + (1L << 2 * LANE));

    private OpaqueResample() {}

    /** Whether {@code image} is opaque sRGB bytes in B, G, R order, 3 per pixel, rows packed from offset 0. */
    public static boolean plainBgr(BufferedImage image) {
        Raster raster = image.getRaster();
        return image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getColorModel().getColorSpace().isCS_sRGB()
                && raster.getDataBuffer().getOffset() == 0
                && raster.getDataBuffer() instanceof DataBufferByte
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel p
                && p.getPixelStride() == 3
                && p.getScanlineStride() == 3 * image.getWidth();
    }

    /** {@code image} itself when {@link #plainBgr}, else a plain {@code TYPE_3BYTE_BGR} copy of its pixels. */
    public static BufferedImage plain(BufferedImage image) {
        if (plainBgr(image)) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bytes = bytes(out);
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) { // a subimage view
            image.getRaster().getDataElements(0, 0, w, h, bytes); // in band order: R, G, B
            for (int i = 0; i < bytes.length; i += 3) {
                byte r = bytes[i];
                bytes[i] = bytes[i + 2];
                bytes[i + 2] = r;
            }
            return out;
        }
        int[] row = new int[w];
        boolean packed = image.getType() == BufferedImage.TYPE_INT_RGB;
        for (int y = 0, i = 0; y < h; y++) {
            if (packed) {
                image.getRaster().getDataElements(0, y, w, 1, row); // also right for subimage views
            } else {
                image.getRGB(0, y, w, 1, row, 0, w);
            }
            for (int x = 0; x < w; x++, i += 3) {
                int p = row[x];
                bytes[i] = (byte) p;
                bytes[i + 1] = (byte) (p >> 8);
                bytes[i + 2] = (byte) (p >> 16);
            }
        }
        return out;
    }

    /** As {@link #box(BufferedImage, int, int, int, int, int)} for the whole image. */
    public static BufferedImage box(BufferedImage image, int k) {
        return box(image, k, Deadline.NONE);
    }

    /** As {@link #box(BufferedImage, int)}, polling {@code deadline} every {@link Deadline#ROWS} output rows. */
    public static BufferedImage box(BufferedImage image, int k, Deadline deadline) {
        return box(image, 0, 0, image.getWidth(), image.getHeight(), k, deadline);
    }

    /**
     * A plain BGR image whose pixel {@code (x, y)} is the mean of the pixels {@code [x0 + kx, x0 + kx + k) ×
     * [y0 + ky, y0 + ky + k)} of {@code image}; a last partial row or column of blocks is dropped, so source
     * coordinates are exactly {@code k ×} the result's.
     */
    public static BufferedImage box(BufferedImage image, int x0, int y0, int width, int height, int k) {
        return box(image, x0, y0, width, height, k, Deadline.NONE);
    }

    /** As {@link #box(BufferedImage, int, int, int, int, int)}, polling {@code deadline} as it goes. */
    public static BufferedImage box(
            BufferedImage image, int x0, int y0, int width, int height, int k, Deadline deadline) {
        BufferedImage source = plain(image);
        byte[] src = bytes(source);
        int stride = 3 * source.getWidth();
        int outW = Math.max(1, width / k);
        int outH = Math.max(1, height / k);
        int kx = Math.min(k, width);
        int ky = Math.min(k, height);
        int n = kx * ky;
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = bytes(out);
        if (kx == 2 && ky == 2) {
            halve(src, stride, 3 * x0 + y0 * stride, dst, outW, outH, deadline);
            return out;
        }
        int[] sum = new int[3 * outW];
        int span = 3 * kx;
        for (int oy = 0, o = 0; oy < outH; oy++) {
            if (oy % Deadline.ROWS == 0) {
                deadline.poll("box-shrinking");
            }
            Arrays.fill(sum, n / 2); // rounds the mean to nearest
            for (int y = y0 + oy * ky, end = y + ky; y < end; y++) {
                int i = y * stride + 3 * x0;
                for (int s = 0; s < sum.length; s += 3, i += span) {
                    int b = 0;
                    int g = 0;
                    int r = 0;
                    for (int j = 0; j < span; j += 3) {
                        b += src[i + j] & 0xFF;
                        g += src[i + j + 1] & 0xFF;
                        r += src[i + j + 2] & 0xFF;
                    }
                    sum[s] += b;
                    sum[s + 1] += g;
                    sum[s + 2] += r;
                }
            }
            for (int s = 0; s < sum.length; s++) {
                dst[o++] = (byte) (sum[s] / n);
            }
        }
        return out;
    }

    /**
     * {@link #box} for k = 2, the usual case (a 12 MP photo for 1600 px variants), written out: two source rows
     * at a time and four pixels per output pixel, without the general case's per-block loops, which cost
     * three times as much.
     */
    private static void halve(byte[] src, int stride, int from, byte[] dst, int outW, int outH, Deadline deadline) {
        for (int oy = 0, o = 0; oy < outH; oy++) {
            if (oy % Deadline.ROWS == 0) {
                deadline.poll("box-shrinking");
            }
            int i = from + 2 * oy * stride;
            int j = i + stride;
            for (int ox = 0; ox < outW; ox++, i += 6, j += 6) {
                dst[o++] = (byte)
                        (((src[i] & 0xFF) + (src[i + 3] & 0xFF) + (src[j] & 0xFF) + (src[j + 3] & 0xFF) + 2) >> 2);
                dst[o++] = (byte)
                        (((src[i + 1] & 0xFF) + (src[i + 4] & 0xFF) + (src[j + 1] & 0xFF) + (src[j + 4] & 0xFF) + 2)
                                >> 2);
                dst[o++] = (byte)
                        (((src[i + 2] & 0xFF) + (src[i + 5] & 0xFF) + (src[j + 2] & 0xFF) + (src[j + 5] & 0xFF) + 2)
                                >> 2);
            }
        }
    }

    /**
     * The source rectangle {@code (x, y, w, h)} of {@code image} (in its pixel coordinates, fractions allowed,
     * pixel {@code i} spanning {@code [i, i + 1)}) resampled to {@code outW × outH}. Taps that fall outside the
     * image are dropped and the rest renormalised, so edges do not darken.
     *
     * <p>Vertical pass first, one output row at a time: it reads whole source rows in order (a loop the JIT
     * vectorises), and the costlier horizontal pass then runs on {@code outH} rows instead of the source's.
     */
    public static BufferedImage lanczos(
            BufferedImage image, double x, double y, double w, double h, int outW, int outH) {
        return lanczos(LOBES, image, x, y, w, h, outW, outH);
    }

    /** As {@link #lanczos(BufferedImage, double, double, double, double, int, int)} with {@code lobes} lobes. */
    public static BufferedImage lanczos(
            int lobes, BufferedImage image, double x, double y, double w, double h, int outW, int outH) {
        return lanczos(lobes, image, x, y, w, h, outW, outH, Deadline.NONE);
    }

    /** As {@link #lanczos(int, BufferedImage, double, double, double, double, int, int)}, polling {@code deadline}. */
    public static BufferedImage lanczos(
            int lobes,
            BufferedImage image,
            double x,
            double y,
            double w,
            double h,
            int outW,
            int outH,
            Deadline deadline) {
        BufferedImage source = plain(image);
        byte[] src = bytes(source);
        int stride = 3 * source.getWidth();
        Axis horizontal = Axis.of(lobes, source.getWidth(), x, w, outW, PACKED_BITS);
        Axis vertical = Axis.of(lobes, source.getHeight(), y, h, outH, BITS);
        if (horizontal.mostNegative() > (1 << PACKED_BITS) / 2) { // cannot happen with Lanczos-2 or -3 (ResampleTest)
            throw new IllegalStateException(
                    "negative lobes of " + horizontal.mostNegative() + " overflow a packed lane");
        }
        int colLo = horizontal.start[0];
        int cols = horizontal.start[outW - 1] + horizontal.count[outW - 1] - colLo;
        int span = 3 * cols;
        int[] mid = new int[span];
        long[] packed = new long[cols + horizontal.taps];
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = bytes(out);
        // source rows widened to ints once each, in a ring as deep as the vertical taps: each is read by
        // several output rows, and an int × int multiply-add loop is one the JIT vectorises
        int depth = vertical.taps;
        int[][] ring = new int[depth][span];
        int[] ringRow = new int[depth];
        Arrays.fill(ringRow, -1);
        for (int oy = 0; oy < outH; oy++) {
            if (oy % Deadline.ROWS == 0) {
                deadline.poll("resampling");
            }
            Arrays.fill(mid, 1 << (BITS - 1));
            int wi = oy * vertical.taps;
            for (int t = 0, n = vertical.count[oy]; t < n; t++) {
                int sy = vertical.start[oy] + t;
                int[] row = ring[sy % depth];
                if (ringRow[sy % depth] != sy) {
                    widen(src, sy * stride + 3 * colLo, row, span);
                    ringRow[sy % depth] = sy;
                }
                accumulate(mid, row, vertical.weights[wi + t], span);
            }
            pack(mid, packed, cols);
            horizontal(packed, horizontal, colLo, dst, oy * outW * 3);
        }
        return out;
    }

    /**
     * The horizontal pass gathers a few pixels per output pixel, which the JIT cannot vectorise; so B, G and
     * R go in one long each (see {@link #LANE}), and every tap is one multiply-add instead of three.
     */
    private static void pack(int[] mid, long[] packed, int cols) {
        for (int c = 0, i = 0; c < cols; c++, i += 3) {
            packed[c] = clamp8(mid[i] >> BITS)
                    | (long) clamp8(mid[i + 1] >> BITS) << LANE
                    | (long) clamp8(mid[i + 2] >> BITS) << 2 * LANE;
        }
    }

    /** One output row, B, G, R bytes from {@code dst[o]}, from one packed row starting at column {@code colLo}. */
    private static void horizontal(long[] packed, Axis axis, int colLo, byte[] dst, int o) {
        int[] start = axis.start;
        int[] weights = axis.weights;
        int taps = axis.taps;
        for (int ox = 0, wi = 0; ox < start.length; ox++, wi += taps) {
            int from = start[ox] - colLo;
            long sum = PACKED_START;
            // every output pixel runs all the taps (the unused ones weigh 0, packed has room past the end): a
            // loop of one length the JIT unrolls, rather than one of a few iterations more or less
            for (int t = 0; t < taps; t++) {
                sum += packed[from + t] * weights[wi + t];
            }
            dst[o++] = unpack(sum);
            dst[o++] = unpack(sum >>> LANE);
            dst[o++] = unpack(sum >>> 2 * LANE);
        }
    }

    /** One 8-bit value of a packed sum: its lane, less the offset, rounded (the rounding is in the offset). */
    static byte unpack(long lane) {
        return clamp((int) ((lane & LANE_MASK) - LANE_OFFSET) >> PACKED_BITS);
    }

    static int clamp8(int v) {
        return v < 0 ? 0 : v > 255 ? 255 : v;
    }

    /** {@code row[i] = bytes[from + i] & 0xFF}. */
    static void widen(byte[] bytes, int from, int[] row, int n) {
        for (int i = 0; i < n; i++) {
            row[i] = bytes[from + i] & 0xFF;
        }
    }

    /** {@code sum[i] += row[i] * k}. */
    static void accumulate(int[] sum, int[] row, int k, int n) {
        for (int i = 0; i < n; i++) {
            sum[i] += row[i] * k;
        }
    }

    /**
     * The taps of one axis: output pixel {@code o} is the weighted sum of source pixels
     * {@code start[o] .. start[o] + count[o] - 1}, with weights at {@code weights[o * taps ..]} summing to 1.
     */
    record Axis(int[] start, int[] count, int taps, int[] weights, int mostNegative) {

        public static Axis of(int lobes, int srcLength, double from, double length, int outLength, int bits) {
            int one = 1 << bits;
            double scale = length / outLength; // source pixels per output pixel
            double stretch = Math.max(1, scale); // widen the kernel when reducing
            double support = lobes * stretch;
            // pixels whose centres lie strictly within the support: at most ceil(2 × support) of them (every
            // tap costs a multiply-add per output pixel, so none that would weigh 0 is kept)
            int taps = Math.max(1, (int) Math.ceil(2 * support));
            int[] start = new int[outLength];
            int[] count = new int[outLength];
            int[] weights = new int[outLength * taps];
            double[] w = new double[taps];
            int mostNegative = 0;
            for (int o = 0; o < outLength; o++) {
                double centre = from + (o + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(centre - support - 0.5) + 1);
                int hi = Math.min(srcLength, (int) Math.ceil(centre + support - 0.5));
                if (hi <= lo) { // a rectangle at the very edge: take the nearest pixel
                    lo = Math.min(srcLength - 1, Math.max(0, (int) Math.floor(centre)));
                    hi = lo + 1;
                }
                hi = Math.min(hi, lo + taps);
                double sum = 0;
                for (int i = lo; i < hi; i++) {
                    w[i - lo] = kernel(lobes, (i + 0.5 - centre) / stretch);
                    sum += w[i - lo];
                }
                if (sum == 0) {
                    w[0] = 1;
                    sum = 1;
                    hi = lo + 1;
                }
                int total = 0;
                int biggest = 0;
                for (int i = 0; i < hi - lo; i++) {
                    int k = (int) Math.round(w[i] / sum * one);
                    weights[o * taps + i] = k;
                    total += k;
                    if (k > weights[o * taps + biggest]) {
                        biggest = i;
                    }
                }
                weights[o * taps + biggest] += one - total; // exact unity gain: flat areas stay flat
                start[o] = lo;
                count[o] = hi - lo;
                int negative = 0;
                for (int i = 0; i < hi - lo; i++) {
                    negative -= Math.min(0, weights[o * taps + i]);
                }
                mostNegative = Math.max(mostNegative, negative);
            }
            return new Axis(start, count, taps, weights, mostNegative);
        }
    }

    private static double kernel(int lobes, double x) {
        if (x == 0) {
            return 1;
        }
        if (x <= -lobes || x >= lobes) {
            return 0;
        }
        double px = Math.PI * x;
        return lobes * Math.sin(px) * Math.sin(px / lobes) / (px * px);
    }

    static byte clamp(int v) {
        return (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
    }

    /** The backing array of a {@link #plainBgr} image. */
    public static byte[] bytes(BufferedImage image) {
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }
}
