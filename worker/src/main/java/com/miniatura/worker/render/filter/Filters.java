package com.miniatura.worker.render.filter;

import com.miniatura.common.catalog.Filter;
import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.Watermarks;
import com.miniatura.worker.render.resample.OpaqueResample;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.util.List;

/**
 * Part of the {@code finish} step (per variant): pixel filters, in the variant's order, on the already-resized image (so they
 * touch only output-sized pixels).
 *
 * <p>The input is copied once into a new image of the same type and size, and every filter then works
 * in place on that copy's packed ARGB ints: a chain of five filters costs one copy, not five, and the
 * input (possibly a subimage view of the shared decoded source) is never written. Colour filters act on
 * the gamma-encoded sRGB values, like every common image editor, and never touch alpha.
 */
public final class Filters {

    private Filters() {}

    /** As {@link #apply(BufferedImage, List, Watermarks)} for a variant without watermarks. */
    public static BufferedImage apply(BufferedImage image, List<Filter> filters) {
        return apply(image, filters, Watermarks.NONE);
    }

    /**
     * Returns a filtered copy of {@code image}, or {@code image} itself when there are no filters (nothing
     * downstream writes to it, so a copy would only cost memory).
     *
     * @param image      {@code TYPE_INT_RGB}, {@code TYPE_INT_ARGB} (as produced by {@link ToSrgb}) or
     *                   {@code TYPE_3BYTE_BGR} (as produced by {@link OpaqueResample}) sRGB; may be a subimage view;
     *                   the result of an opaque image is {@code TYPE_INT_RGB}
     * @param watermarks where {@link Filter.Watermark} sources are looked up
     * @throws IllegalArgumentException for any other image type (a bug upstream, not a bad upload)
     */
    public static BufferedImage apply(BufferedImage image, List<Filter> filters, Watermarks watermarks) {
        return apply(image, filters, watermarks, Deadline.NONE);
    }

    /** As {@link #apply(BufferedImage, List, Watermarks)}, the convolutions polling {@code deadline} as they go. */
    public static BufferedImage apply(
            BufferedImage image, List<Filter> filters, Watermarks watermarks, Deadline deadline) {
        if (filters.isEmpty()) {
            return image;
        }
        int type = image.getType();
        if (type != BufferedImage.TYPE_INT_RGB
                && type != BufferedImage.TYPE_INT_ARGB
                && type != BufferedImage.TYPE_3BYTE_BGR) {
            throw new IllegalArgumentException(
                    "filters need TYPE_INT_RGB, TYPE_INT_ARGB or TYPE_3BYTE_BGR, not image type " + type);
        }
        boolean alpha = type == BufferedImage.TYPE_INT_ARGB;
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, alpha ? type : BufferedImage.TYPE_INT_RGB);
        // Our own fresh image: its backing array starts at offset 0 with no stride padding. The input's
        // raster, by contrast, may be a child view, so it is read through getDataElements.
        int[] pixels = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        if (type == BufferedImage.TYPE_3BYTE_BGR) {
            // a plain array is read straight; getDataElements goes pixel by pixel through the band offsets
            byte[] bgr = OpaqueResample.plainBgr(image)
                    ? ((DataBufferByte) image.getRaster().getDataBuffer()).getData()
                    : OpaqueResample.bytes(OpaqueResample.plain(image));
            for (int i = 0, j = 0; i < pixels.length; i++, j += 3) {
                pixels[i] = (bgr[j + 2] & 0xFF) << 16 | (bgr[j + 1] & 0xFF) << 8 | bgr[j] & 0xFF;
            }
        } else {
            image.getRaster().getDataElements(0, 0, w, h, pixels);
        }
        for (Filter filter : filters) {
            if (filter instanceof Filter.Grayscale) {
                grayscale(pixels);
            } else if (filter instanceof Filter.Sepia) {
                sepia(pixels);
            } else if (filter instanceof Filter.Brightness brightness) {
                lookup(pixels, brightnessTable(brightness.factor()));
            } else if (filter instanceof Filter.Contrast contrast) {
                lookup(pixels, contrastTable(contrast.factor()));
            } else if (filter instanceof Filter.Blur blur) {
                Convolution.blur(pixels, w, h, alpha, blur.sigma(), deadline);
            } else if (filter instanceof Filter.Sharpen sharpen) {
                Convolution.sharpen(pixels, w, h, alpha, sharpen.sigma(), sharpen.amount(), deadline);
            } else if (filter instanceof Filter.Watermark watermark) {
                WatermarkFilter.draw(out, watermark, watermarks.get(watermark.source()));
            } else {
                throw new IllegalArgumentException("no renderer for filter " + filter.canonical());
            }
        }
        return out;
    }

    /** Rec. 601 luma {@code Y = 0.299 R + 0.587 G + 0.114 B}, rounded, written to all three channels. */
    public static void grayscale(int[] pixels) {
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            int y = (299 * r + 587 * g + 114 * b + 500) / 1000;
            pixels[i] = (p & 0xFF000000) | (y << 16) | (y << 8) | y;
        }
    }

    /**
     * The classic sepia matrix (as in Microsoft's and most web filters), rounded and clamped at 255: its rows
     * sum to more than 1, so light tones saturate to a warm cream rather than white.
     * <pre>
     * R' = 0.393 R + 0.769 G + 0.189 B
     * G' = 0.349 R + 0.686 G + 0.168 B
     * B' = 0.272 R + 0.534 G + 0.131 B
     * </pre>
     */
    public static void sepia(int[] pixels) {
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            int sr = Math.min(255, (393 * r + 769 * g + 189 * b + 500) / 1000);
            int sg = Math.min(255, (349 * r + 686 * g + 168 * b + 500) / 1000);
            int sb = Math.min(255, (272 * r + 534 * g + 131 * b + 500) / 1000);
            pixels[i] = (p & 0xFF000000) | (sr << 16) | (sg << 8) | sb;
        }
    }

    /** {@code c × factor}, rounded half up and clamped to 0..255. */
    public static int[] brightnessTable(double factor) {
        int[] table = new int[256];
        for (int c = 0; c < 256; c++) {
            table[c] = clamp(c * factor);
        }
        return table;
    }

    /** {@code (c − 128) × factor + 128}, rounded half up and clamped to 0..255. */
    public static int[] contrastTable(double factor) {
        int[] table = new int[256];
        for (int c = 0; c < 256; c++) {
            table[c] = clamp((c - 128) * factor + 128);
        }
        return table;
    }

    /**
     * Maps R, G and B through a 256-entry table: per-channel filters cost three array reads per pixel,
     * whatever arithmetic built the table.
     */
    private static void lookup(int[] pixels, int[] table) {
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            pixels[i] = (p & 0xFF000000)
                    | (table[(p >> 16) & 0xFF] << 16)
                    | (table[(p >> 8) & 0xFF] << 8)
                    | table[p & 0xFF];
        }
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, Math.floor(value + 0.5)));
    }
}
