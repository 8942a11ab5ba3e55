package com.miniatura.worker.render;

import com.miniatura.worker.render.RenderException.Reason;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.CMMException;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.stream.ImageInputStream;

/** A source checked up to its header, ready to decode once; close it when done. */
abstract class Opened implements AutoCloseable {
    final String format;
    final byte[] source;
    final SourceMetadata metadata;
    final int width;
    final int height;
    final Decode.Layout layout;

    Opened(String format, byte[] source, SourceMetadata metadata, int width, int height, Decode.Layout layout) {
        this.format = format;
        this.source = source;
        this.metadata = metadata;
        this.width = width;
        this.height = height;
        this.layout = layout;
    }

    String format() {
        return format;
    }

    SourceMetadata metadata() {
        return metadata;
    }

    /** Stored width of the first frame (for a GIF: of the canvas it is drawn on). */
    int width() {
        return width;
    }

    int height() {
        return height;
    }

    Decode.Layout layout() {
        return layout;
    }

    /** The scales (as 1/denominator) this decoder can read the source at, smallest reduction first. */
    abstract List<Integer> denominators();

    /**
     * Frame 0 decoded at {@code 1/denominator} of its stored size ({@code ceil}, as libjpeg rounds), one of
     * {@link #denominators()}.
     *
     * @throws Decode.NativeFailure libjpeg-turbo refused the data (see {@link Decode.NativeFailure})
     */
    abstract BufferedImage read(int denominator, Deadline deadline) throws RenderException, Decode.NativeFailure;

    @Override
    public void close() {
    }
}
