package com.miniatura.worker.render.codec;

import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.SourceMetadata;
import com.miniatura.worker.render.resample.OpaqueResample;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;

/** Everything but the JPEGs {@link NativeJpeg} takes: one ImageIO reader per format ({@link Readers}). */
public final class ImageIoSource extends Opened {
    private final ImageReader reader;
    private final GuardedImageInputStream in;
    private final Frames.Gif gif;
    private boolean closed;

    private ImageIoSource(
            String format,
            byte[] source,
            SourceMetadata metadata,
            int width,
            int height,
            Decode.Layout layout,
            ImageReader reader,
            GuardedImageInputStream in,
            Frames.Gif gif,
            Container container) {
        super(format, source, metadata, width, height, layout, container);
        this.reader = reader;
        this.in = in;
        this.gif = gif;
    }

    public static ImageIoSource open(
            String format, byte[] source, SourceMetadata metadata, RenderLimits limits, Container container)
            throws RenderException {
        Frames.Gif gif = format.equals("gif") ? container.gif() : null;
        ImageReader reader = Readers.create(format);
        // Reads the array in place: no temp file (ImageIO.createImageInputStream may spill to one), no second
        // copy in a cache. Seeking back is allowed: readers that seek back on a forward-only stream fail with
        // "pos < flushedPos" on files that are fine.
        GuardedImageInputStream in = new GuardedImageInputStream(source);
        boolean opened = false;
        try {
            // a PNG's text chunks are never inflated (the reader keeps them as metadata, which we never read;
            // its colour profile and EXIF are read by Icc and Exif)
            reader.setInput(in, false, format.equals("png"));
            // the header only: refuse decompression bombs before allocating their pixels
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            Decode.checkPixels(width, height, limits);
            ImageTypeSpecifier type = reader.getImageTypes(0).next();
            boolean alpha = type.getColorModel().hasAlpha();
            double bytesPerPixel = Decode.bytesPerPixel(type.getSampleModel(1, 1));
            if (gif != null && !gif.frameFillsScreen()) {
                // the first frame is drawn on a canvas of the logical screen, as packed ARGB
                width = Math.max(gif.screenWidth(), gif.left() + width);
                height = Math.max(gif.screenHeight(), gif.top() + height);
                bytesPerPixel += 4;
                alpha = true;
            }
            BufferedImage probe = type.createBufferedImage(1, 1);
            ImageIoSource source1 = new ImageIoSource(
                    format,
                    source,
                    metadata,
                    width,
                    height,
                    new Decode.Layout(
                            bytesPerPixel,
                            Decode.transientPerPixel(format, container),
                            alpha,
                            !alpha && OpaqueResample.plainBgr(probe),
                            "ImageIO"),
                    reader,
                    in,
                    gif,
                    container);
            opened = true;
            return source1;
        } catch (IOException e) {
            throw new RenderException(
                    Reason.CORRUPT, DecodeFailures.problem(format, e) + DecodeFailures.describe(e), e);
        } catch (RuntimeException e) {
            throw DecodeFailures.unreadable(format, e);
        } finally {
            if (!opened) {
                reader.dispose();
                Decode.closeQuietly(in);
            }
        }
    }

    @Override
    public List<Integer> denominators() {
        return List.of(1);
    }

    @Override
    public BufferedImage read(int denominator, Deadline deadline) throws RenderException {
        if (denominator != 1) {
            throw new IllegalArgumentException("ImageIO decodes " + format + " at full size only");
        }
        in.watch(deadline);
        try {
            BufferedImage image = Decode.read(reader, format, deadline);
            image = switch (format) {
                case "gif" -> Decode.onLogicalScreen(image, gif);
                case "png" -> Icc.attach(image, Icc.fromPng(source));
                default -> image;
            };
            Decode.checkColourConversion(image);
            return image;
        } catch (RuntimeException e) {
            throw DecodeFailures.unreadable(format, e);
        }
    }

    /** Disposes the reader once (TwelveMonkeys' readers throw when disposed twice). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            reader.dispose();
            Decode.closeQuietly(in);
        }
    }
}
