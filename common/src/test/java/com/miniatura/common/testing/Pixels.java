package com.miniatura.common.testing;

import java.awt.image.BufferedImage;

/** Perceptual comparisons of rendered images, shared by the render tests and the end-to-end tests. */
public final class Pixels {
    /**
     * Mean absolute difference below which a rendering of the orientation scene counts as upright:
     * measured 3.1–6.0 for correct orientations across the reference variants, 50.5–68 for wrong ones
     * (see {@code OrientationFixtureTest}).
     */
    public static final double UPRIGHT_TOLERANCE = 10.0;

    private Pixels() {}

    /** Mean absolute difference per channel (R, G, B; 0..255) of two images of the same size. */
    public static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            throw new AssertionError("sizes differ: " + a.getWidth() + "x" + a.getHeight() + " vs " + b.getWidth() + "x"
                    + b.getHeight());
        }
        int[] pa = a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth());
        int[] pb = b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth());
        long sum = 0;
        for (int i = 0; i < pa.length; i++) {
            for (int shift = 0; shift < 24; shift += 8) {
                sum += Math.abs(((pa[i] >> shift) & 0xFF) - ((pb[i] >> shift) & 0xFF));
            }
        }
        return sum / (3.0 * pa.length);
    }

    /**
     * Peak signal-to-noise ratio in dB over R, G and B of two images of the same size (higher is closer;
     * {@code +Infinity} when identical): {@code 10 log10(255² / MSE)}.
     */
    public static double psnr(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            throw new AssertionError("sizes differ: " + a.getWidth() + "x" + a.getHeight() + " vs " + b.getWidth() + "x"
                    + b.getHeight());
        }
        int[] pa = a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth());
        int[] pb = b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth());
        double sum = 0;
        for (int i = 0; i < pa.length; i++) {
            for (int shift = 0; shift < 24; shift += 8) {
                int d = ((pa[i] >> shift) & 0xFF) - ((pb[i] >> shift) & 0xFF);
                sum += d * d;
            }
        }
        double mse = sum / (3.0 * pa.length);
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** Largest difference between the R, G and B of any pixel: 0 for a perfectly gray image. */
    public static int maxChannelSpread(BufferedImage image) {
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        int spread = 0;
        for (int p : pixels) {
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            spread = Math.max(spread, Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)));
        }
        return spread;
    }
}
