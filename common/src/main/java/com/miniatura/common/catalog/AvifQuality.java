package com.miniatura.common.catalog;

/**
 * The AVIF quality (libavif's and sharp's scale) that looks like a JPEG quality: what an AVIF twin of a JPEG variant
 * ({@code formats: [jpeg, avif]}) is encoded at, so that both files of one variant score the same luma SSIM.
 *
 * <p>Measured on the reference photos and catalog images ({@code bench/avif.sh calibrate}; docs/performance.md,
 * "AVIF"): for the same SSIM, AVIF needs a quality that rises faster than JPEG's, and faster on large variants. The
 * table holds the equal-SSIM AVIF quality for JPEG qualities 50..90 at a long side of 300, 800 and 1600 pixels (q100's
 * column is extrapolated); between them it is interpolated linearly (in the quality, and in the logarithm of the
 * side), outside them held.
 */
public final class AvifQuality {

    private static final int[] SIDES = {300, 800, 1600};
    private static final int[] JPEG = {50, 60, 70, 80, 90, 100};
    private static final int[][] AVIF = {
        {42, 45, 49, 55, 70, 90}, // up to 300 px: the mean of the 150 and 300 px measurements
        {44, 48, 54, 62, 79, 95}, // 800 px
        {53, 57, 64, 75, 88, 98}, // 1600 px and up
    };

    private AvifQuality() {}

    /** The AVIF quality (1..100) that scores as {@code jpegQuality} does on a variant whose long side is {@code side}. */
    public static int ofJpeg(int jpegQuality, int side) {
        int q = Math.max(1, Math.min(100, jpegQuality));
        double log = Math.log(Math.max(1, side));
        if (side <= SIDES[0]) {
            return row(0, q);
        }
        for (int i = 1; i < SIDES.length; i++) {
            if (side <= SIDES[i]) {
                double t = (log - Math.log(SIDES[i - 1])) / (Math.log(SIDES[i]) - Math.log(SIDES[i - 1]));
                return (int) Math.round(rowAt(i - 1, q) * (1 - t) + rowAt(i, q) * t);
            }
        }
        return row(SIDES.length - 1, q);
    }

    private static double rowAt(int r, int q) {
        if (q <= JPEG[0]) {
            return Math.max(1, AVIF[r][0] - (JPEG[0] - q)); // below the table: a point of AVIF per point of JPEG
        }
        for (int i = 1; i < JPEG.length; i++) {
            if (q <= JPEG[i]) {
                double t = (q - JPEG[i - 1]) / (double) (JPEG[i] - JPEG[i - 1]);
                return AVIF[r][i - 1] * (1 - t) + AVIF[r][i] * t;
            }
        }
        return AVIF[r][JPEG.length - 1];
    }

    private static int row(int r, int q) {
        return (int) Math.round(rowAt(r, q));
    }
}
