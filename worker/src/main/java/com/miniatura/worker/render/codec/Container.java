package com.miniatura.worker.render.codec;

/**
 * One source's container layouts, each parsed at most once per image however many checks and steps read it: the
 * GIF's frames and logical screen, the WebP's chunks, the JPEG's header segments. Not thread-safe: one render.
 */
public final class Container {

    private final byte[] source;
    private Frames.Gif gif;
    private Frames.Webp webp;
    private JpegHeader jpeg;
    private boolean jpegParsed;

    public Container(byte[] source) {
        this.source = source;
    }

    public Frames.Gif gif() {
        if (gif == null) {
            gif = Frames.Gif.layout(source);
        }
        return gif;
    }

    public Frames.Webp webp() {
        if (webp == null) {
            webp = Frames.Webp.layout(source);
        }
        return webp;
    }

    /** The JPEG's header ({@link JpegHeader#parse}), or null when it cannot be read. */
    public JpegHeader jpeg() {
        if (!jpegParsed) {
            jpeg = JpegHeader.parse(source);
            jpegParsed = true;
        }
        return jpeg;
    }
}
