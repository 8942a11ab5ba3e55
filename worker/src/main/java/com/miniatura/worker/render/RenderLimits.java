package com.miniatura.worker.render;

/**
 * Upper bounds on what the {@link Renderer} agrees to decode, checked before any pixel is decoded.
 *
 * <p>Values are not validated here (configuration loading reports bad ones with its own messages);
 * a non-positive limit simply rejects every source.
 *
 * @param maxSourceBytes  largest accepted encoded source, in bytes
 * @param maxSourcePixels largest accepted {@code width × height} as declared by the image header
 */
public record RenderLimits(long maxSourceBytes, long maxSourcePixels) {

    /** 50 MB: larger than any phone photo, small enough to keep a worker's heap predictable. */
    public static final long DEFAULT_MAX_SOURCE_BYTES = 50L * 1024 * 1024;
    /** 100 MP: a decoded 100 MP image already needs 400 MB as packed RGB ints. */
    public static final long DEFAULT_MAX_SOURCE_PIXELS = 100_000_000L;

    /** 50 MB and 100 megapixels. */
    public static RenderLimits defaults() {
        return new RenderLimits(DEFAULT_MAX_SOURCE_BYTES, DEFAULT_MAX_SOURCE_PIXELS);
    }
}
