package com.miniatura.worker.render;

import com.miniatura.worker.render.filter.ToSrgb;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * The watermark images the catalog refers to, already loaded (the renderer does no I/O): looked up by
 * the {@code source} string of a {@link com.miniatura.common.catalog.Filter.Watermark}.
 */
@FunctionalInterface
public interface Watermarks {

    /** No watermarks: a catalog without the watermark filter. */
    Watermarks NONE = source -> {
        throw new IllegalStateException("no watermark loaded for " + source);
    };

    /** The image for {@code source}, in sRGB with alpha; never {@code null}. */
    BufferedImage get(String source);

    static Watermarks of(Map<String, BufferedImage> images) {
        Map<String, BufferedImage> copy = Map.copyOf(images);
        return source -> {
            BufferedImage image = copy.get(source);
            if (image == null) {
                throw new IllegalStateException("no watermark loaded for " + source);
            }
            return image;
        };
    }

    /**
     * A decoded watermark in the form {@link #get} promises: sRGB {@code TYPE_INT_ARGB}. Uses the renderer's own
     * colour conversion ({@link ToSrgb}), so a gray or ICC-tagged logo looks as it would as a photo.
     */
    static BufferedImage toArgb(BufferedImage decoded) {
        BufferedImage srgb = ToSrgb.apply(decoded);
        if (srgb.getType() == BufferedImage.TYPE_INT_ARGB) {
            return srgb;
        }
        BufferedImage argb = new BufferedImage(srgb.getWidth(), srgb.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = argb.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src);
            g.drawImage(srgb, 0, 0, null);
        } finally {
            g.dispose();
        }
        return argb;
    }
}
