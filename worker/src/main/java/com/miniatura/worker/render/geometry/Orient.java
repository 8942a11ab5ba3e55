package com.miniatura.worker.render.geometry;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.lang.reflect.Array;

/**
 * Turns an image by one of the eight EXIF orientations exactly (pixels are moved, never resampled).
 *
 * <p>The renderer uses it per variant on the cropped and scaled result, with the {@link Turn} that composes
 * the source's EXIF orientation and the variant's own rotate/flip/flop, so the full-size image is never
 * turned; and on the small analysis and BlurHash copies. It works on the raster, whatever the colour model:
 * the common layouts (interleaved bytes such as the JPEG decoder's BGR, packed ints) are copied straight
 * between the backing arrays; anything else (including subimage views) goes through the slower, generic
 * raster calls.
 */
public final class Orient {

    private Orient() {}

    /**
     * Returns the upright image for {@code orientation} (1..8, anything else is treated as 1):
     * 2 flip horizontal, 3 rotate 180, 4 flip vertical, 5 transpose, 6 rotate 90 CW,
     * 7 transverse, 8 rotate 270 CW. Orientation 1 returns {@code image} itself; it is never modified.
     */
    public static BufferedImage apply(BufferedImage image, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return image;
        }
        WritableRaster src = image.getRaster();
        int w = src.getWidth();
        int h = src.getHeight();
        boolean transposes = orientation >= 5; // 5..8 swap width and height
        WritableRaster dst = src.createCompatibleWritableRaster(transposes ? h : w, transposes ? w : h);
        if (!copyArrays(src, dst, orientation)) {
            copyLines(src, dst, orientation);
        }
        return new BufferedImage(image.getColorModel(), dst, image.isAlphaPremultiplied(), null);
    }

    /**
     * Where output row {@code y} starts in the source and how to step along it, as a source pixel
     * {@code (x, y)} and a step {@code (dx, dy)}: output row y is one source row (orientations 2-4) or one
     * source column (5-8), walked forwards or backwards. With (x, y) the output pixel, the source pixel is
     * 2 (w-1-x, y) · 3 (w-1-x, h-1-y) · 4 (x, h-1-y) · 5 (y, x) · 6 (y, h-1-x) · 7 (w-1-y, h-1-x) · 8 (w-1-y, x).
     */
    private static int[] line(int orientation, int y, int w, int h) {
        return switch (orientation) {
            case 2 -> new int[] {w - 1, y, -1, 0};
            case 3 -> new int[] {w - 1, h - 1 - y, -1, 0};
            case 4 -> new int[] {0, h - 1 - y, 1, 0};
            case 5 -> new int[] {y, 0, 0, 1};
            case 6 -> new int[] {y, h - 1, 0, -1};
            case 7 -> new int[] {w - 1 - y, h - 1, 0, -1};
            case 8 -> new int[] {w - 1 - y, 0, 0, 1};
            default -> throw new IllegalArgumentException("orientation " + orientation);
        };
    }

    /** Fast path: direct array copies for a plain single-bank interleaved byte or packed int raster. */
    private static boolean copyArrays(WritableRaster src, WritableRaster dst, int orientation) {
        SampleModel model = src.getSampleModel();
        DataBuffer buffer = src.getDataBuffer();
        boolean plain = buffer.getNumBanks() == 1
                && buffer.getOffset() == 0
                && src.getSampleModelTranslateX() == 0
                && src.getSampleModelTranslateY() == 0
                && dst.getDataBuffer().getOffset() == 0;
        int pixelStride;
        int scanline;
        if (plain && model instanceof PixelInterleavedSampleModel p && buffer instanceof DataBufferByte) {
            pixelStride = p.getPixelStride();
            scanline = p.getScanlineStride();
        } else if (plain && model instanceof SinglePixelPackedSampleModel p && buffer instanceof DataBufferInt) {
            pixelStride = 1;
            scanline = p.getScanlineStride();
        } else {
            return false;
        }
        SampleModel dstModel = dst.getSampleModel();
        int dstScanline = dstModel instanceof PixelInterleavedSampleModel p
                ? p.getScanlineStride()
                : ((SinglePixelPackedSampleModel) dstModel).getScanlineStride();
        int w = src.getWidth();
        int h = src.getHeight();
        int outW = dst.getWidth();
        for (int y = 0; y < dst.getHeight(); y++) {
            int[] line = line(orientation, y, w, h);
            int from = line[1] * scanline + line[0] * pixelStride;
            int step = line[3] * scanline + line[2] * pixelStride;
            int to = y * dstScanline;
            if (buffer instanceof DataBufferInt ints) {
                int[] in = ints.getData();
                int[] out = ((DataBufferInt) dst.getDataBuffer()).getData();
                for (int x = 0; x < outW; x++, from += step) {
                    out[to++] = in[from];
                }
            } else {
                byte[] in = ((DataBufferByte) buffer).getData();
                byte[] out = ((DataBufferByte) dst.getDataBuffer()).getData();
                for (int x = 0; x < outW; x++, from += step) {
                    for (int k = 0; k < pixelStride; k++) {
                        out[to++] = in[from + k];
                    }
                }
            }
        }
        return true;
    }

    /** Generic path: one row or column at a time through the raster's transfer type. */
    private static void copyLines(WritableRaster src, WritableRaster dst, int orientation) {
        int w = src.getWidth();
        int h = src.getHeight();
        int outW = dst.getWidth();
        int elements = src.getNumDataElements();
        Object in = null;
        Object reversed = null;
        for (int y = 0; y < dst.getHeight(); y++) {
            int[] line = line(orientation, y, w, h);
            boolean column = line[2] == 0;
            boolean backwards = line[2] < 0 || line[3] < 0;
            // read the whole source row/column in storage order, then reverse it if walked backwards
            int x0 = column ? line[0] : 0;
            int y0 = column ? 0 : line[1];
            in = src.getDataElements(x0, y0, column ? 1 : w, column ? h : 1, in);
            if (backwards) {
                reversed = reverse(in, outW, elements, reversed);
                dst.setDataElements(0, y, outW, 1, reversed);
            } else {
                dst.setDataElements(0, y, outW, 1, in);
            }
        }
    }

    /** Reverses the order of {@code pixels} pixels of {@code elements} array entries each. */
    private static Object reverse(Object line, int pixels, int elements, Object into) {
        Object out = into != null ? into : Array.newInstance(line.getClass().getComponentType(), pixels * elements);
        for (int i = 0, j = pixels - 1; i < pixels; i++, j--) {
            System.arraycopy(line, i * elements, out, j * elements, elements);
        }
        return out;
    }
}
