package com.miniatura.worker.render.quality;

import com.miniatura.worker.render.resample.Planes.Plane;

/**
 * The structural similarity (SSIM) of two planes of 8-bit samples, as Wang, Bovik, Sheikh and Simoncelli define it
 * (IEEE Trans. Image Processing 13(4), 2004): local means, variances and covariance under an 11 × 11 Gaussian window
 * of σ 1.5, with {@code C1 = (0.01 · 255)²} and {@code C2 = (0.03 · 255)²}, averaged over every position where the
 * window fits. A plane smaller than the window is measured with one window over all of it, unweighted.
 *
 * <p>1 means the same samples; lower is less alike. The score of a luma plane is what "the same look" is judged by
 * when choosing a JPEG quality: it follows structure and contrast, not only the sample errors PSNR counts.
 */
public final class Ssim {

    /** Window side. */
    public static final int WINDOW = 11;

    private static final double SIGMA = 1.5;
    private static final double C1 = (0.01 * 255) * (0.01 * 255);
    private static final double C2 = (0.03 * 255) * (0.03 * 255);
    private static final double[] WEIGHTS = gaussian();

    private Ssim() {}

    /** The mean SSIM of {@code a} against {@code b}, which must be the same size: every window position. */
    public static double of(Plane a, Plane b) {
        return of(a, b, 1);
    }

    /**
     * About {@value #SAMPLED_WINDOWS} windows' worth of {@link #of}: windows on a grid of an odd step (so their
     * phase against JPEG's 8 × 8 blocks varies), enough for the mean to within about a thousandth on photos at a
     * small, bounded cost on large planes. Small planes are measured at every position.
     */
    public static double estimate(Plane a, Plane b) {
        long positions = (long) Math.max(1, a.width() - WINDOW + 1) * Math.max(1, a.height() - WINDOW + 1);
        int step = (int) Math.sqrt((double) positions / SAMPLED_WINDOWS);
        return of(a, b, step <= 1 ? 1 : step | 1);
    }

    /** About how many windows {@link #estimate} measures. */
    static final int SAMPLED_WINDOWS = 10_000;

    /**
     * The mean SSIM over windows whose top-left corners are {@code step} apart both ways. Each needed row is filtered
     * along once, at the window columns only, into a ring of {@value #WINDOW} rows, so memory stays a few rows.
     */
    static double of(Plane a, Plane b, int step) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("planes of " + a.width() + "x" + a.height() + " and " + b.width() + "x"
                    + b.height() + " cannot be compared");
        }
        int w = a.width();
        int h = a.height();
        if (w < WINDOW || h < WINDOW) {
            return whole(a, b);
        }
        int outW = (w - WINDOW) / step + 1;
        int outH = (h - WINDOW) / step + 1;
        double[][] ring = new double[5][WINDOW * outW];
        int filtered = -1; // the last row filtered into the ring
        double sum = 0;
        for (int r = 0; r < outH; r++) {
            int top = r * step;
            for (int y = Math.max(filtered + 1, top); y < top + WINDOW; y++) {
                filterRow(a, b, y, step, outW, ring, (y % WINDOW) * outW);
            }
            filtered = top + WINDOW - 1;
            for (int c = 0; c < outW; c++) {
                double mx = 0;
                double my = 0;
                double xx = 0;
                double yy = 0;
                double xy = 0;
                for (int k = 0; k < WINDOW; k++) {
                    double g = WEIGHTS[k];
                    int at = ((top + k) % WINDOW) * outW + c;
                    mx += g * ring[0][at];
                    my += g * ring[1][at];
                    xx += g * ring[2][at];
                    yy += g * ring[3][at];
                    xy += g * ring[4][at];
                }
                sum += index(mx, my, xx - mx * mx, yy - my * my, xy - mx * my);
            }
        }
        return sum / ((double) outW * outH);
    }

    /** The five moments of row {@code y} under the window's weights, at every {@code step}th column, into the ring. */
    private static void filterRow(Plane a, Plane b, int y, int step, int outW, double[][] ring, int at) {
        byte[] da = a.data();
        byte[] db = b.data();
        int ia = a.offset() + y * a.stride();
        int ib = b.offset() + y * b.stride();
        for (int c = 0; c < outW; c++) {
            int x = c * step;
            double mx = 0;
            double my = 0;
            double xx = 0;
            double yy = 0;
            double xy = 0;
            for (int k = 0; k < WINDOW; k++) {
                double g = WEIGHTS[k];
                double p = da[ia + x + k] & 0xFF;
                double q = db[ib + x + k] & 0xFF;
                mx += g * p;
                my += g * q;
                xx += g * p * p;
                yy += g * q * q;
                xy += g * p * q;
            }
            ring[0][at + c] = mx;
            ring[1][at + c] = my;
            ring[2][at + c] = xx;
            ring[3][at + c] = yy;
            ring[4][at + c] = xy;
        }
    }

    /** One unweighted window over the whole of two small planes. */
    private static double whole(Plane a, Plane b) {
        double n = (double) a.width() * a.height();
        double mx = 0;
        double my = 0;
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                double p = a.data()[a.offset() + y * a.stride() + x] & 0xFF;
                double q = b.data()[b.offset() + y * b.stride() + x] & 0xFF;
                mx += p;
                my += q;
                xx += p * p;
                yy += q * q;
                xy += p * q;
            }
        }
        mx /= n;
        my /= n;
        return index(mx, my, xx / n - mx * mx, yy / n - my * my, xy / n - mx * my);
    }

    private static double index(double mx, double my, double vx, double vy, double cov) {
        return (2 * mx * my + C1) * (2 * cov + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
    }

    private static double[] gaussian() {
        double[] g = new double[WINDOW];
        double total = 0;
        for (int i = 0; i < WINDOW; i++) {
            double d = i - WINDOW / 2;
            g[i] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
            total += g[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            g[i] /= total;
        }
        return g;
    }
}
