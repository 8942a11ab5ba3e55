package com.miniatura.worker.render.filter;

import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.resample.OpaqueResample;
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
 * The {@code colour} step: any decoded colour model → sRGB packed ints ({@code TYPE_INT_RGB}, or {@code TYPE_INT_ARGB}
 * when the source has alpha), the one layout every later step works on.
 *
 * <p>Runs before resizing so that filtering mixes pixels in the output colour space, and so a wide-gamut
 * or CMYK source is converted once rather than once per variant.
 */
public final class ToSrgb {

    private ToSrgb() {}

    /** Rows converted per call, between two deadline polls: the colour engine's cost is per pixel. */
    public static final int STRIP = 256;

    /**
     * Returns {@code image} itself when it is already sRGB packed ints; otherwise a converted copy.
     *
     * <p>The colour engine can throw ({@code CMMException}, {@code IllegalArgumentException}) on a profile it
     * refuses; {@link Decode} tries this conversion on a corner of every decoded image, so a source with such a
     * profile is refused as corrupt there and never reaches this step.
     */
    public static BufferedImage apply(BufferedImage image) {
        return apply(image, Deadline.NONE);
    }

    /** {@link #apply(BufferedImage)}, a strip of rows at a time, polling {@code deadline} between strips. */
    public static BufferedImage apply(BufferedImage image, Deadline deadline) {
        boolean alpha = image.getColorModel().hasAlpha();
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        if (image.getType() == type) {
            return image;
        }
        return convert(image, new BufferedImage(image.getWidth(), image.getHeight(), type), deadline);
    }

    /**
     * An opaque image as plain sRGB {@code TYPE_3BYTE_BGR} (see {@link OpaqueResample#plainBgr}), the layout the opaque
     * render path resamples: {@code image} itself when it already is, else one converted copy, a strip of rows at
     * a time, polling {@code deadline} between strips (not packed ints first and bytes after: that is two
     * full-size copies).
     */
    public static BufferedImage bgr(BufferedImage image, Deadline deadline) {
        if (OpaqueResample.plainBgr(image)) {
            return image;
        }
        if (image.getColorModel().hasAlpha()) {
            throw new IllegalArgumentException("an image with alpha has no opaque BGR form");
        }
        return convert(
                image, new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR), deadline);
    }

    /** {@code image} converted into {@code out} (same size), strip by strip. */
    private static BufferedImage convert(BufferedImage image, BufferedImage out, Deadline deadline) {
        ColorModel cm = image.getColorModel();
        ColorSpace cs = cm.getColorSpace();
        boolean gray = isJavaGray(cs) && cm instanceof ComponentColorModel;
        ColorConvertOp op = gray || cs.isCS_sRGB() ? null : new ColorConvertOp(null); // one op: it keeps its transform
        int w = image.getWidth();
        int h = image.getHeight();
        for (int y = 0; y < h; y += STRIP) {
            int rows = Math.min(STRIP, h - y);
            BufferedImage from = image.getSubimage(0, y, w, rows);
            BufferedImage to = out.getSubimage(0, y, w, rows);
            if (gray) {
                grayToRgb(from, to);
            } else if (op == null) {
                // already sRGB (8-bit RGB, BGR, indexed/palette, 16-bit): only the memory layout changes
                Graphics2D g = to.createGraphics();
                try {
                    g.setComposite(AlphaComposite.Src);
                    g.drawImage(from, 0, 0, null);
                } finally {
                    g.dispose();
                }
            } else {
                // an embedded ICC profile (Adobe RGB, Display P3, a gray profile, ...), linear RGB, or CMYK
                op.filter(from, to);
            }
            deadline.poll("converting colours");
        }
        return out;
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
        return cs instanceof ICC_ColorSpace icc
                && builtIn instanceof ICC_ColorSpace javaGray
                && Arrays.equals(
                        icc.getProfile().getData(), javaGray.getProfile().getData());
    }

    /**
     * Copies gray samples into R = G = B of {@code out} (packed ints or BGR bytes). A colour conversion would be
     * wrong here: Java's built-in gray colour space is linear, so converting 8-bit gamma-encoded gray to sRGB
     * visibly brightens it.
     */
    private static void grayToRgb(BufferedImage image, BufferedImage out) {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        int grayMax = (1 << cm.getComponentSize(0)) - 1;
        boolean alpha = cm.hasAlpha();
        int alphaBand = alpha ? cm.getNumComponents() - 1 : -1;
        int alphaMax = alpha ? (1 << cm.getComponentSize(alphaBand)) - 1 : 1;
        boolean premultiplied = alpha && cm.isAlphaPremultiplied();
        boolean bytes = out.getType() == BufferedImage.TYPE_3BYTE_BGR;
        int[] gray = new int[w];
        int[] alphas = new int[w];
        int[] argb = new int[w];
        byte[] bgr = bytes ? new byte[3 * w] : null;
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, gray);
            if (alpha) {
                raster.getSamples(0, y, w, 1, alphaBand, alphas);
            }
            for (int x = 0; x < w; x++) {
                int a = alpha ? to8Bit(alphas[x], alphaMax) : 0; // TYPE_INT_RGB ignores the top byte
                int v = premultiplied
                        ? (alphas[x] == 0
                                ? 0
                                : Math.min(
                                        255, (int) ((gray[x] * 255L * alphaMax / alphas[x] + grayMax / 2) / grayMax)))
                        : to8Bit(gray[x], grayMax);
                if (bytes) {
                    bgr[3 * x] = (byte) v;
                    bgr[3 * x + 1] = (byte) v;
                    bgr[3 * x + 2] = (byte) v;
                } else {
                    argb[x] = (a << 24) | (v << 16) | (v << 8) | v;
                }
            }
            if (bytes) {
                out.getRaster().setDataElements(0, y, w, 1, bgr);
            } else {
                out.getRaster().setDataElements(0, y, w, 1, argb);
            }
        }
    }

    private static int to8Bit(int sample, int max) {
        return max == 255 ? sample : (int) ((sample * 255L + max / 2) / max);
    }
}
