package com.miniatura.worker.render.codec;

import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.SourceMetadata;
import java.awt.image.BufferedImage;
import java.util.List;

/** A source checked up to its header, ready to decode once; close it when done. */
public abstract class Opened implements AutoCloseable {
    protected final String format;
    protected final byte[] source;
    protected final SourceMetadata metadata;
    protected final int width;
    protected final int height;
    protected final Decode.Layout layout;
    private final Container container;

    public Opened(String format, byte[] source, SourceMetadata metadata, int width, int height, Decode.Layout layout) {
        this(format, source, metadata, width, height, layout, new Container(source));
    }

    public Opened(
            String format,
            byte[] source,
            SourceMetadata metadata,
            int width,
            int height,
            Decode.Layout layout,
            Container container) {
        this.container = container;
        this.format = format;
        this.source = source;
        this.metadata = metadata;
        this.width = width;
        this.height = height;
        this.layout = layout;
    }

    /** The source's container layouts, parsed once for every check and step that reads them. */
    public Container container() {
        return container;
    }

    public String format() {
        return format;
    }

    public SourceMetadata metadata() {
        return metadata;
    }

    /** Stored width of the first frame (for a GIF: of the canvas it is drawn on). */
    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public Decode.Layout layout() {
        return layout;
    }

    /** The scales (as 1/denominator) this decoder can read the source at, smallest reduction first. */
    public abstract List<Integer> denominators();

    /**
     * Frame 0 decoded at {@code 1/denominator} of its stored size ({@code ceil}, as libjpeg rounds), one of
     * {@link #denominators()}.
     *
     * @throws Decode.NativeFailure libjpeg-turbo refused the data (see {@link Decode.NativeFailure})
     */
    public abstract BufferedImage read(int denominator, Deadline deadline) throws RenderException, Decode.NativeFailure;

    @Override
    public void close() {}
}
