package com.miniatura.standalone.pipeline;

import java.awt.image.BufferedImage;

/** Perceptual comparisons for rendered outputs. */
final class Pixels {
    /**
     * Mean absolute RGB difference (0-255) below which two renderings of the orientation scene are
     * "the same picture": JPEG re-encoding of identical content stays far below it, a wrong
     * orientation lands far above it.
     */
    static final double UPRIGHT_TOLERANCE = 12.0;

    private Pixels() {}

    static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return 255;
        }
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                sum += Math.abs(((p >> 16) & 0xFF) - ((q >> 16) & 0xFF))
                        + Math.abs(((p >> 8) & 0xFF) - ((q >> 8) & 0xFF))
                        + Math.abs((p & 0xFF) - (q & 0xFF));
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    /** Largest difference between the R, G and B of any pixel: 0 for a perfectly gray image. */
    static int maxChannelSpread(BufferedImage image) {
        int spread = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int r = (p >> 16) & 0xFF;
                int g = (p >> 8) & 0xFF;
                int b = p & 0xFF;
                spread = Math.max(spread, Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)));
            }
        }
        return spread;
    }
}
