package com.miniatura.worker.render;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * Step 3: any decoded colour model → sRGB packed ints ({@code TYPE_INT_RGB}, or {@code TYPE_INT_ARGB}
 * when the source has alpha), the one layout every later step works on.
 *
 * <p>Runs before resizing so that filtering mixes pixels in the output colour space, and so a wide-gamut
 * or CMYK source is converted once rather than once per variant.
 */
final class ToSrgb {

    private ToSrgb() {
    }

    /**
     * Returns {@code image} itself when it is already sRGB packed ints; otherwise a converted copy.
     *
     * <p>The colour engine can throw ({@code CMMException}, {@code IllegalArgumentException}) on a profile it
     * refuses; {@link Decode} tries this conversion on a corner of every decoded image, so a source with such a
     * profile is refused as corrupt there and never reaches this step.
     */
    static BufferedImage apply(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        boolean alpha = cm.hasAlpha();
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        if (image.getType() == type) {
            return image;
        }
        ColorSpace cs = cm.getColorSpace();
        if (isJavaGray(cs) && cm instanceof ComponentColorModel) {
            return grayToRgb(image, type);
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
        if (cs.isCS_sRGB()) {
            // already sRGB (8-bit RGB, BGR, indexed/palette, 16-bit): only the memory layout changes
            Graphics2D g = out.createGraphics();
            try {
                g.setComposite(AlphaComposite.Src);
                g.drawImage(image, 0, 0, null);
            } finally {
                g.dispose();
            }
            return out;
        }
        // an embedded ICC profile (Adobe RGB, Display P3, a gray profile, ...), linear RGB, or CMYK
        return new ColorConvertOp(null).filter(image, out);
    }

    /**
     * Java's built-in gray space, which decoders use for gray pixels that carry no profile. It is linear, but
     * such pixels are gamma-encoded like sRGB in practice (every viewer shows them so), so they are copied.
     * A gray ICC profile embedded in the file (Gray Gamma 2.2, Dot Gain 20%, ...) says what the values mean
     * and is converted like any other profile.
     */
    private static boolean isJavaGray(ColorSpace cs) {
        if (cs.getType() != ColorSpace.TYPE_GRAY) {
            return false;
        }
        ColorSpace builtIn = ColorSpace.getInstance(ColorSpace.CS_GRAY);
        if (cs == builtIn) {
            return true;
        }
        return cs instanceof ICC_ColorSpace icc && builtIn instanceof ICC_ColorSpace javaGray
                && Arrays.equals(icc.getProfile().getData(), javaGray.getProfile().getData());
    }

    /**
     * Copies gray samples into R = G = B. A colour conversion would be wrong here: Java's built-in gray
     * colour space is linear, so converting 8-bit gamma-encoded gray to sRGB visibly brightens it.
     */
    private static BufferedImage grayToRgb(BufferedImage image, int type) {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        int grayMax = (1 << cm.getComponentSize(0)) - 1;
        boolean alpha = cm.hasAlpha();
        int alphaBand = alpha ? cm.getNumComponents() - 1 : -1;
        int alphaMax = alpha ? (1 << cm.getComponentSize(alphaBand)) - 1 : 1;
        boolean premultiplied = alpha && cm.isAlphaPremultiplied();
        BufferedImage out = new BufferedImage(w, h, type);
        int[] gray = new int[w];
        int[] alphas = new int[w];
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, gray);
            if (alpha) {
                raster.getSamples(0, y, w, 1, alphaBand, alphas);
            }
            for (int x = 0; x < w; x++) {
                int a = alpha ? to8Bit(alphas[x], alphaMax) : 0; // TYPE_INT_RGB ignores the top byte
                int v = premultiplied
                        ? (alphas[x] == 0 ? 0 : Math.min(255, (int) ((gray[x] * 255L * alphaMax / alphas[x] + grayMax / 2) / grayMax)))
                        : to8Bit(gray[x], grayMax);
                argb[x] = (a << 24) | (v << 16) | (v << 8) | v;
            }
            out.getRaster().setDataElements(0, y, w, 1, argb);
        }
        return out;
    }

    private static int to8Bit(int sample, int max) {
        return max == 255 ? sample : (int) ((sample * 255L + max / 2) / max);
    }
}
