package com.miniatura.worker.render.codec;

import java.awt.image.BufferedImage;

/**
 * The BlurHash of an image (https://blurha.sh): a short string that a page decodes into a blurred
 * placeholder and paints while the real thumbnail loads.
 *
 * <p>Written from the published algorithm: the image's linear-light RGB is projected onto
 * {@code cx × cy} cosine basis functions ({@code cos(π·i·x/w)·cos(π·j·y/h)}, a DCT); the first (DC) factor
 * is the average colour, sent as 24-bit sRGB; the other (AC) factors are scaled by their largest magnitude,
 * square-root companded and quantised to 19 levels per channel. Everything is written in base 83:
 * 1 character for the component counts, 1 for the quantised maximum, 4 for the DC and 2 per AC factor,
 * so a hash is {@code 4 + 2·cx·cy} characters long.
 *
 * <p>Components follow the shape, so the blur has about square cells: 4×3 for landscape, 3×4 for portrait,
 * 4×4 for square. The input is a small copy (the cost is {@code cx·cy·pixels}); a blur needs no detail.
 *
 * <p>One deliberate difference from the reference encoders: the basis is sampled at pixel centres,
 * {@code cos(π·i·(x + ½)/w)} (the DCT-II), where they use {@code cos(π·i·x/w)}. On their grid the odd
 * components do not sum to zero over a flat image, so a plain colour encodes with a slope that decoders
 * paint as a gradient: 7–11 levels at the corners for a flat 64-px input, 80+ for 8 px (measured with the
 * reference JavaScript encoder and decoder). Centred sampling encodes a flat colour as flat. The string
 * format and every decoder are unchanged; only the projection is more accurate. With
 * {@link #REFERENCE_GRID} this class reproduces the reference encoder's strings exactly.
 */
public final class BlurHash {

    /** The base-83 digits, in order. */
    public static final String BASE83 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

    /** Longest side of the copy the renderer hashes. */
    public static final int INPUT_SIDE = 64;

    /** Sample the basis at pixel centres (what {@link #encode(BufferedImage, int, int)} does). */
    public static final double PIXEL_CENTRES = 0.5;
    /** Sample the basis at pixel corners, as the reference encoders do. */
    public static final double REFERENCE_GRID = 0;

    private static final double[] TO_LINEAR = new double[256];

    static {
        for (int i = 0; i < 256; i++) {
            double v = i / 255.0;
            TO_LINEAR[i] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
    }

    private BlurHash() {}

    /**
     * The hash of an upright sRGB image, with components chosen by its shape, but never more per axis than
     * the image has pixels (a 1-px-high strip gets one vertical component: more would only alias).
     */
    public static String of(BufferedImage image) {
        int[] components = components(image.getWidth(), image.getHeight());
        return encode(image, Math.min(components[0], image.getWidth()), Math.min(components[1], image.getHeight()));
    }

    /** {cx, cy}: 4×3 landscape, 3×4 portrait, 4×4 square. */
    public static int[] components(int width, int height) {
        return width > height ? new int[] {4, 3} : width < height ? new int[] {3, 4} : new int[] {4, 4};
    }

    /**
     * Encodes an sRGB image with {@code cx × cy} components (1..9 each). Alpha, if any, is composited over
     * white: a hash has no transparency.
     */
    public static String encode(BufferedImage image, int cx, int cy) {
        return encode(image, cx, cy, PIXEL_CENTRES);
    }

    /** As {@link #encode(BufferedImage, int, int)}, sampling the basis at {@code x + offset}. */
    public static String encode(BufferedImage image, int cx, int cy, double offset) {
        if (cx < 1 || cx > 9 || cy < 1 || cy > 9) {
            throw new IllegalArgumentException("BlurHash components must be 1..9: " + cx + "x" + cy);
        }
        int w = image.getWidth();
        int h = image.getHeight();
        double[][] cosX = cosines(cx, w, offset);
        double[][] cosY = cosines(cy, h, offset);
        double[][] factors = new double[cx * cy][3];
        int[] row = new int[w];
        boolean alpha = image.getColorModel().hasAlpha();
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                double a = alpha ? (p >>> 24) / 255.0 : 1;
                double r = TO_LINEAR[(p >> 16) & 0xFF] * a + (1 - a);
                double g = TO_LINEAR[(p >> 8) & 0xFF] * a + (1 - a);
                double b = TO_LINEAR[p & 0xFF] * a + (1 - a);
                for (int j = 0; j < cy; j++) {
                    for (int i = 0; i < cx; i++) {
                        double basis = cosX[i][x] * cosY[j][y];
                        double[] f = factors[j * cx + i];
                        f[0] += basis * r;
                        f[1] += basis * g;
                        f[2] += basis * b;
                    }
                }
            }
        }
        for (int k = 0; k < factors.length; k++) {
            double scale = (k == 0 ? 1.0 : 2.0) / ((double) w * h);
            for (int c = 0; c < 3; c++) {
                factors[k][c] *= scale;
            }
        }

        StringBuilder hash = new StringBuilder(4 + 2 * cx * cy);
        hash.append(base83((cx - 1) + (cy - 1) * 9, 1));
        double maximum = 1;
        if (factors.length > 1) {
            double largest = 0;
            for (int k = 1; k < factors.length; k++) {
                for (double v : factors[k]) {
                    largest = Math.max(largest, Math.abs(v));
                }
            }
            int quantised = (int) Math.max(0, Math.min(82, Math.floor(largest * 166 - 0.5)));
            maximum = (quantised + 1) / 166.0;
            hash.append(base83(quantised, 1));
        } else {
            hash.append(base83(0, 1));
        }
        double[] dc = factors[0];
        hash.append(base83((toSrgb(dc[0]) << 16) | (toSrgb(dc[1]) << 8) | toSrgb(dc[2]), 4));
        for (int k = 1; k < factors.length; k++) {
            int value = 0;
            for (double v : factors[k]) {
                value = value * 19 + (int) Math.max(0, Math.min(18, Math.floor(signedSqrt(v / maximum) * 9 + 9.5)));
            }
            hash.append(base83(value, 2));
        }
        return hash.toString();
    }

    /** {@code value} as {@code length} base-83 digits, most significant first. */
    public static String base83(int value, int length) {
        char[] digits = new char[length];
        for (int i = length - 1; i >= 0; i--) {
            digits[i] = BASE83.charAt(value % 83);
            value /= 83;
        }
        return new String(digits);
    }

    /** Linear light 0..1 → 8-bit sRGB, rounded (values outside 0..1 are clamped). */
    public static int toSrgb(double linear) {
        double v = Math.max(0, Math.min(1, linear));
        double encoded = v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
        return (int) Math.min(255, Math.floor(encoded * 255 + 0.5));
    }

    /** 8-bit sRGB → linear light 0..1. */
    public static double toLinear(int srgb) {
        return TO_LINEAR[srgb];
    }

    private static double signedSqrt(double v) {
        return Math.copySign(Math.sqrt(Math.abs(v)), v);
    }

    /** {@code cos(π·k·(p + offset)/size)} for every component {@code k} and position {@code p}. */
    private static double[][] cosines(int components, int size, double offset) {
        double[][] table = new double[components][size];
        for (int k = 0; k < components; k++) {
            for (int p = 0; p < size; p++) {
                table[k][p] = Math.cos(Math.PI * k * (p + offset) / size);
            }
        }
        return table;
    }
}
