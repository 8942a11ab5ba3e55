package com.miniatura.worker.render;

import java.time.Duration;

/**
 * Upper bounds on what the {@link Renderer} agrees to do for one source, checked before any pixel is
 * decoded where that is possible.
 *
 * <p>Values are not validated here (configuration loading reports bad ones with its own messages);
 * a non-positive limit simply rejects every source.
 *
 * @param maxSourceBytes  largest accepted encoded source, in bytes
 * @param maxSourcePixels largest accepted {@code width × height} as declared by the image header
 * @param maxSourceFrames largest accepted number of frames (animated GIF/WebP, multi-page TIFF), counted
 *                        from the container without decoding; only the first frame is ever rendered
 * @param renderTimeout   wall-clock budget for decoding and rendering every variant of one source
 */
public record RenderLimits(long maxSourceBytes, long maxSourcePixels, int maxSourceFrames, Duration renderTimeout) {

    /** 50 MB: larger than any phone photo, small enough to keep a worker's heap predictable. */
    public static final long DEFAULT_MAX_SOURCE_BYTES = 50L * 1024 * 1024;
    /**
     * 250 MP: above the 200 MP of today's largest phone sensors. It bounds decoding time (libjpeg-turbo decodes
     * 200 MP in well under a second, at any scale); the memory a decode needs is the {@link MemoryBudget}'s.
     */
    public static final long DEFAULT_MAX_SOURCE_PIXELS = 250_000_000L;
    /** 1000 frames: far more than any product animation; counting them costs one pass over the bytes. */
    public static final int DEFAULT_MAX_SOURCE_FRAMES = 1000;
    /** 60 s: a 100 MP source renders in a few seconds; anything slower is pathological input. */
    public static final Duration DEFAULT_RENDER_TIMEOUT = Duration.ofSeconds(60);

    /** Byte and pixel limits with the default frame limit and deadline. */
    public RenderLimits(long maxSourceBytes, long maxSourcePixels) {
        this(maxSourceBytes, maxSourcePixels, DEFAULT_MAX_SOURCE_FRAMES, DEFAULT_RENDER_TIMEOUT);
    }

    /** 50 MB, 250 megapixels, 1000 frames, 60 s. */
    public static RenderLimits defaults() {
        return new RenderLimits(DEFAULT_MAX_SOURCE_BYTES, DEFAULT_MAX_SOURCE_PIXELS);
    }
}
