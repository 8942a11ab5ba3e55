package com.miniatura.worker.render.resample;

import com.miniatura.worker.render.Deadline;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;

/**
 * A small opaque copy of an image for measuring, not for showing: the content-aware crop's analysis copy
 * and the BlurHash's input.
 *
 * <p>A box filter (every output pixel is the plain mean of the source pixels that fall into it) in one pass
 * over the source rows: reading a 12 MP image once is the whole cost, and averaging, unlike a single
 * bilinear step, does not alias. Transparent pixels are composited over white while averaging, so the
 * colour hidden under alpha 0 never shows.
 */
public final class AreaAverage {

    private AreaAverage() {}

    /**
     * A {@code TYPE_INT_RGB} copy whose longer side is at most {@code maxSide}, keeping the aspect ratio
     * (each side at least 1 px). A source that already fits is copied at its size (flattened onto white).
     */
    public static BufferedImage toFit(BufferedImage image, int maxSide) {
        return toFit(image, maxSide, Deadline.NONE);
    }

    /** As {@link #toFit(BufferedImage, int)}, polling {@code deadline} every {@link Deadline#ROWS} source rows. */
    public static BufferedImage toFit(BufferedImage image, int maxSide, Deadline deadline) {
        int w = image.getWidth();
        int h = image.getHeight();
        int longer = Math.max(w, h);
        int outW = longer <= maxSide ? w : (int) Math.max(1, Math.round((double) w * maxSide / longer));
        int outH = longer <= maxSide ? h : (int) Math.max(1, Math.round((double) h * maxSide / longer));
        int[] columnStart = starts(w, outW);
        int[] rowStart = starts(h, outH);
        boolean alpha = image.getColorModel().hasAlpha();
        boolean packed =
                image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_INT_ARGB;

        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
        long[] red = new long[outW];
        long[] green = new long[outW];
        long[] blue = new long[outW];
        int[] row = new int[w];
        // plain sRGB bytes (the decoder's and OpaqueResample's layout) are read straight from their array: getRGB
        // and even getDataElements go pixel by pixel through the colour model or the band offsets
        byte[] bgr = OpaqueResample.plainBgr(image)
                ? ((DataBufferByte) image.getRaster().getDataBuffer()).getData()
                : null;
        int[] outRow = new int[outW];
        for (int oy = 0; oy < outH; oy++) {
            Arrays.fill(red, 0);
            Arrays.fill(green, 0);
            Arrays.fill(blue, 0);
            for (int y = rowStart[oy]; y < rowStart[oy + 1]; y++) {
                if (y % Deadline.ROWS == 0) {
                    deadline.poll("measuring the image");
                }
                if (packed) {
                    image.getRaster().getDataElements(0, y, w, 1, row); // ARGB/RGB ints, not premultiplied
                } else if (bgr != null) {
                    for (int x = 0, i = y * 3 * w; x < w; x++, i += 3) {
                        row[x] = (bgr[i + 2] & 0xFF) << 16 | (bgr[i + 1] & 0xFF) << 8 | bgr[i] & 0xFF;
                    }
                } else {
                    image.getRGB(0, y, w, 1, row, 0, w);
                }
                if (alpha) {
                    overWhite(row);
                }
                for (int ox = 0; ox < outW; ox++) {
                    int r = 0;
                    int g = 0;
                    int b = 0;
                    for (int x = columnStart[ox]; x < columnStart[ox + 1]; x++) {
                        int p = row[x];
                        r += (p >> 16) & 0xFF;
                        g += (p >> 8) & 0xFF;
                        b += p & 0xFF;
                    }
                    red[ox] += r;
                    green[ox] += g;
                    blue[ox] += b;
                }
            }
            long rows = rowStart[oy + 1] - rowStart[oy];
            for (int ox = 0; ox < outW; ox++) {
                long n = rows * (columnStart[ox + 1] - columnStart[ox]);
                outRow[ox] = (int) ((red[ox] + n / 2) / n) << 16
                        | (int) ((green[ox] + n / 2) / n) << 8
                        | (int) ((blue[ox] + n / 2) / n);
            }
            out.getRaster().setDataElements(0, oy, outW, 1, outRow);
        }
        return out;
    }

    /** Composites each non-premultiplied ARGB pixel over white, in place (alpha dropped). */
    private static void overWhite(int[] row) {
        for (int x = 0; x < row.length; x++) {
            int p = row[x];
            int a = p >>> 24;
            int white = 255 * (255 - a) + 127;
            int r = (((p >> 16) & 0xFF) * a + white) / 255;
            int g = (((p >> 8) & 0xFF) * a + white) / 255;
            int b = ((p & 0xFF) * a + white) / 255;
            row[x] = r << 16 | g << 8 | b;
        }
    }

    /**
     * Where each of {@code bins} equal bins over {@code size} positions starts, plus {@code size} at the end:
     * bin {@code i} is {@code [start[i], start[i + 1])}, each at least one position wide when {@code bins ≤ size}.
     */
    private static int[] starts(int size, int bins) {
        int[] start = new int[bins + 1];
        for (int i = 0; i <= bins; i++) {
            start[i] = (int) (((long) i * size + bins - 1) / bins);
        }
        return start;
    }
}
