package com.miniatura.worker.render;

import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Compact perceptual signatures of an image, small enough to keep in a reviewed text file: a difference
 * hash (structure: crops, turns, mirrors) and a grid of mean colours (colour: profiles, filters).
 */
final class Signature {
    private static final int GRID = 4;

    private Signature() {}

    /** 64-bit dHash as 16 hex digits: 9×8 gray thumbnail, one bit per "left brighter than right". */
    static String dHash(BufferedImage image) {
        BufferedImage small = scale(image, 9, 8);
        long bits = 0;
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                bits = (bits << 1) | (luma(small.getRGB(x, y)) > luma(small.getRGB(x + 1, y)) ? 1 : 0);
            }
        }
        return String.format("%016x", bits);
    }

    static int hashDistance(String a, String b) {
        return Long.bitCount(Long.parseUnsignedLong(a, 16) ^ Long.parseUnsignedLong(b, 16));
    }

    /** Mean colour of each cell of a 4×4 grid, row by row, as {@code rrggbb} separated by dashes. */
    static String grid(BufferedImage image) {
        StringBuilder out = new StringBuilder();
        int w = image.getWidth();
        int h = image.getHeight();
        for (int gy = 0; gy < GRID; gy++) {
            for (int gx = 0; gx < GRID; gx++) {
                int x0 = gx * w / GRID;
                int x1 = Math.max(x0 + 1, (gx + 1) * w / GRID);
                int y0 = gy * h / GRID;
                int y1 = Math.max(y0 + 1, (gy + 1) * h / GRID);
                long r = 0;
                long g = 0;
                long b = 0;
                long n = 0;
                for (int y = y0; y < Math.min(y1, h); y++) {
                    for (int x = x0; x < Math.min(x1, w); x++) {
                        int p = image.getRGB(x, y);
                        r += (p >> 16) & 0xFF;
                        g += (p >> 8) & 0xFF;
                        b += p & 0xFF;
                        n++;
                    }
                }
                out.append(out.length() == 0 ? "" : "-").append(String.format("%02x%02x%02x", r / n, g / n, b / n));
            }
        }
        return out.toString();
    }

    /** Largest per-channel difference between corresponding cells of two grids. */
    static int gridDifference(String a, String b) {
        String[] ca = a.split("-");
        String[] cb = b.split("-");
        int worst = 0;
        for (int i = 0; i < Math.min(ca.length, cb.length); i++) {
            int pa = Integer.parseInt(ca[i], 16);
            int pb = Integer.parseInt(cb[i], 16);
            for (int shift = 0; shift < 24; shift += 8) {
                worst = Math.max(worst, Math.abs(((pa >> shift) & 0xFF) - ((pb >> shift) & 0xFF)));
            }
        }
        return ca.length == cb.length ? worst : 255;
    }

    private static int luma(int rgb) {
        return (299 * ((rgb >> 16) & 0xFF) + 587 * ((rgb >> 8) & 0xFF) + 114 * (rgb & 0xFF)) / 1000;
    }

    private static BufferedImage scale(BufferedImage image, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING), 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
