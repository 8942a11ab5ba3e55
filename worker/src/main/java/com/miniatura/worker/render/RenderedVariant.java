package com.miniatura.worker.render;

import com.miniatura.common.catalog.VariantSpec;

/**
 * One encoded output.
 *
 * @param spec   the variant it was rendered for
 * @param width  output width in pixels
 * @param height output height in pixels
 * @param bytes   the encoded image, carrying no metadata from the source (no EXIF, no GPS)
 * @param quality the quality {@code quality: auto} chose for this image, or {@code null} for a fixed quality
 * @param ssim    the SSIM of the chosen encode against the variant's pixels before encoding, with {@code quality}
 */
public record RenderedVariant(VariantSpec spec, int width, int height, byte[] bytes, Integer quality, Double ssim) {

    /** A variant at its spec's own quality (or no quality at all). */
    public RenderedVariant(VariantSpec spec, int width, int height, byte[] bytes) {
        this(spec, width, height, bytes, null, null);
    }

    /** The same bytes and choice for another variant (a twin). */
    public RenderedVariant as(VariantSpec other) {
        return new RenderedVariant(other, width, height, bytes, quality, ssim);
    }

    /** Content type to store the bytes with, e.g. {@code image/jpeg}. */
    public String contentType() {
        return spec.format().contentType();
    }
}
