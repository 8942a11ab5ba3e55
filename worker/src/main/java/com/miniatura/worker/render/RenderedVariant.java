package com.miniatura.worker.render;

import com.miniatura.common.catalog.VariantSpec;

/**
 * One encoded output.
 *
 * @param spec   the variant it was rendered for
 * @param width  output width in pixels
 * @param height output height in pixels
 * @param bytes  the encoded image, carrying no metadata from the source (no EXIF, no GPS)
 */
public record RenderedVariant(VariantSpec spec, int width, int height, byte[] bytes) {

    /** Content type to store the bytes with, e.g. {@code image/jpeg}. */
    public String contentType() {
        return spec.format().contentType();
    }
}
