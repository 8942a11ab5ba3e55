package com.miniatura.worker.render;

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
}
