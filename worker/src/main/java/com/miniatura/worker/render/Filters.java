package com.miniatura.worker.render;

import com.miniatura.common.catalog.Filter;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.List;

/**
 * Step 5 (per variant): pixel filters, in the variant's order, on the already-resized image (so they
 * touch only output-sized pixels).
 */
final class Filters {

    private Filters() {
    }

    /** Returns {@code image} itself when there are no filters; otherwise a filtered copy. */
    static BufferedImage apply(BufferedImage image, List<Filter> filters) {
        return apply(image, filters, Watermarks.NONE);
    }

    /** As {@link #apply(BufferedImage, List)}, drawing watermarks from {@code watermarks}. */
    static BufferedImage apply(BufferedImage image, List<Filter> filters, Watermarks watermarks) {
        BufferedImage out = image;
        for (Filter filter : filters) {
            if (filter instanceof Filter.Grayscale) {
                out = grayscale(out);
            } else {
                throw new IllegalArgumentException("no renderer for filter " + filter.canonical());
            }
        }
        return out;
    }

    /**
     * Rec. 601 luma {@code Y = 0.299 R + 0.587 G + 0.114 B} of the gamma-encoded sRGB values, written to
     * all three channels; alpha is kept. Expects packed int RGB/ARGB, as produced by {@link ToSrgb}.
     */
    static BufferedImage grayscale(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] pixels = (int[]) image.getRaster().getDataElements(0, 0, w, h, null);
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            int y = (299 * r + 587 * g + 114 * b + 500) / 1000;
            pixels[i] = (p & 0xFF000000) | (y << 16) | (y << 8) | y;
        }
        BufferedImage out = new BufferedImage(w, h, image.getType());
        WritableRaster raster = out.getRaster();
        raster.setDataElements(0, 0, w, h, pixels);
        return out;
    }
}
