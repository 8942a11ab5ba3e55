package com.miniatura.worker.render.resample;

import static com.miniatura.worker.render.resample.OpaqueResample.BITS;
import static com.miniatura.worker.render.resample.OpaqueResample.LANE;
import static com.miniatura.worker.render.resample.OpaqueResample.PACKED_BITS;
import static com.miniatura.worker.render.resample.OpaqueResample.PACKED_START;

import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.resample.Planes.Plane;
import java.util.Arrays;

/**
 * {@link OpaqueResample}'s box shrink and Lanczos filter for one plane of bytes: the same weights and the same integer
 * arithmetic, so a plane comes out exactly as one channel of a BGR image would. Where the BGR filter packs a pixel's
 * three channels into one long for the horizontal pass, this one packs three output rows: every tap is one
 * multiply-add for three samples either way. Neither modifies its source.
 */
public final class PlaneResample {

    private PlaneResample() {}

    /**
     * {@code dst} (all of its {@code width × height}) filled with the source rectangle {@code (x, y, w, h)} of
     * {@code src} (fractions allowed, pixel {@code i} spanning {@code [i, i + 1)}), Lanczos-filtered with
     * {@code lobes} lobes; taps outside the plane are dropped and the rest renormalised.
     */
    public static void lanczos(
            int lobes, Plane src, double x, double y, double w, double h, Plane dst, Deadline deadline) {
        lanczos(lobes, new Plane[] {src}, x, y, w, h, new Plane[] {dst}, deadline);
    }

    /**
     * As {@link #lanczos(int, Plane, double, double, double, double, Plane, Deadline)} for planes of one size (Cb
     * and Cr) into planes of one size, with the filter's taps computed once for all.
     */
    public static void lanczos(
            int lobes, Plane[] srcs, double x, double y, double w, double h, Plane[] dsts, Deadline deadline) {
        Plane first = srcs[0];
        Plane out = dsts[0];
        OpaqueResample.Axis horizontal = OpaqueResample.Axis.of(lobes, first.width(), x, w, out.width(), PACKED_BITS);
        OpaqueResample.Axis vertical = OpaqueResample.Axis.of(lobes, first.height(), y, h, out.height(), BITS);
        if (horizontal.mostNegative() > (1 << PACKED_BITS) / 2) {
            throw new IllegalStateException(
                    "negative lobes of " + horizontal.mostNegative() + " overflow a packed lane");
        }
        for (int i = 0; i < srcs.length; i++) {
            filter(srcs[i], h, dsts[i], horizontal, vertical, deadline);
        }
    }

    private static void filter(
            Plane src,
            double h,
            Plane dst,
            OpaqueResample.Axis horizontal,
            OpaqueResample.Axis vertical,
            Deadline deadline) {
        int outW = dst.width();
        int outH = dst.height();
        int colLo = horizontal.start()[0];
        int cols = horizontal.start()[outW - 1] + horizontal.count()[outW - 1] - colLo;
        int[][] mid = new int[3][cols];
        long[] packed = new long[cols + horizontal.taps()];
        // source rows widened once each, in a ring deep enough for three output rows' taps
        double step = h / outH;
        int depth = vertical.taps() + 2 * (int) Math.ceil(step) + 2;
        int[][] ring = new int[depth][cols];
        int[] ringRow = new int[depth];
        Arrays.fill(ringRow, -1);
        byte[] from = src.data();
        for (int oy = 0; oy < outH; oy += 3) {
            if (oy % Deadline.ROWS < 3) {
                deadline.poll("resampling");
            }
            int rows = Math.min(3, outH - oy);
            for (int r = 0; r < rows; r++) {
                int[] sum = mid[r];
                Arrays.fill(sum, 1 << (BITS - 1));
                int wi = (oy + r) * vertical.taps();
                for (int t = 0, n = vertical.count()[oy + r]; t < n; t++) {
                    int sy = vertical.start()[oy + r] + t;
                    int[] row = ring[sy % depth];
                    if (ringRow[sy % depth] != sy) {
                        OpaqueResample.widen(from, src.offset() + sy * src.stride() + colLo, row, cols);
                        ringRow[sy % depth] = sy;
                    }
                    OpaqueResample.accumulate(sum, row, vertical.weights()[wi + t], cols);
                }
            }
            pack(mid, rows, packed, cols);
            horizontal(packed, horizontal, colLo, dst, oy, rows);
        }
    }

    private static void pack(int[][] mid, int rows, long[] packed, int cols) {
        int[] a = mid[0];
        int[] b = mid[rows > 1 ? 1 : 0];
        int[] c = mid[rows > 2 ? 2 : 0];
        for (int i = 0; i < cols; i++) {
            packed[i] = OpaqueResample.clamp8(a[i] >> BITS)
                    | (long) OpaqueResample.clamp8(b[i] >> BITS) << LANE
                    | (long) OpaqueResample.clamp8(c[i] >> BITS) << 2 * LANE;
        }
    }

    private static void horizontal(long[] packed, OpaqueResample.Axis axis, int colLo, Plane dst, int oy, int rows) {
        int[] start = axis.start();
        int[] weights = axis.weights();
        int taps = axis.taps();
        byte[] out = dst.data();
        int o0 = dst.offset() + oy * dst.stride();
        int o1 = o0 + dst.stride();
        int o2 = o1 + dst.stride();
        for (int ox = 0, wi = 0; ox < start.length; ox++, wi += taps) {
            int at = start[ox] - colLo;
            long sum = PACKED_START;
            for (int t = 0; t < taps; t++) {
                sum += packed[at + t] * weights[wi + t];
            }
            out[o0 + ox] = OpaqueResample.unpack(sum);
            if (rows > 1) {
                out[o1 + ox] = OpaqueResample.unpack(sum >>> LANE);
                if (rows > 2) {
                    out[o2 + ox] = OpaqueResample.unpack(sum >>> 2 * LANE);
                }
            }
        }
    }

    /**
     * A new plane whose sample {@code (x, y)} is the mean of the samples {@code [x0 + kx, x0 + kx + k) × [y0 + ky,
     * y0 + ky + k)} of {@code src}; a last partial row or column of blocks is dropped, as {@link OpaqueResample#box}.
     */
    public static Plane box(Plane src, int x0, int y0, int width, int height, int k, Deadline deadline) {
        int outW = Math.max(1, width / k);
        int outH = Math.max(1, height / k);
        int kx = Math.min(k, width);
        int ky = Math.min(k, height);
        int n = kx * ky;
        byte[] s = src.data();
        byte[] dst = new byte[outW * outH];
        int[] sum = new int[outW];
        for (int oy = 0, o = 0; oy < outH; oy++) {
            if (oy % Deadline.ROWS == 0) {
                deadline.poll("box-shrinking");
            }
            if (kx == 2 && ky == 2) {
                int i = src.offset() + (y0 + 2 * oy) * src.stride() + x0;
                int j = i + src.stride();
                for (int ox = 0; ox < outW; ox++, i += 2, j += 2) {
                    dst[o++] =
                            (byte) (((s[i] & 0xFF) + (s[i + 1] & 0xFF) + (s[j] & 0xFF) + (s[j + 1] & 0xFF) + 2) >> 2);
                }
                continue;
            }
            Arrays.fill(sum, n / 2);
            for (int y = y0 + oy * ky, end = y + ky; y < end; y++) {
                int i = src.offset() + y * src.stride() + x0;
                for (int ox = 0; ox < outW; ox++, i += kx) {
                    int v = 0;
                    for (int j = 0; j < kx; j++) {
                        v += s[i + j] & 0xFF;
                    }
                    sum[ox] += v;
                }
            }
            for (int ox = 0; ox < outW; ox++) {
                dst[o++] = (byte) (sum[ox] / n);
            }
        }
        return new Plane(dst, 0, outW, outW, outH);
    }
}
