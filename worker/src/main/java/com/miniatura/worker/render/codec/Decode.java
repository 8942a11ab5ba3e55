package com.miniatura.worker.render.codec;

import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.MemoryBudget;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.SourceInfo;
import com.miniatura.worker.render.SourceMetadata;
import com.miniatura.worker.render.TurboJpeg;
import com.miniatura.worker.render.filter.ToSrgb;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The {@code decode} step: encoded bytes → pixels of the first frame, as stored (not yet oriented, any colour model that
 * says what the pixel values mean), plus the metadata we keep.
 *
 * <p>Decoding is split in two, so that nothing is allocated for pixels before the render's memory is known and
 * reserved ({@link MemoryBudget}):
 * <ol>
 *   <li>{@link #open}: everything that can reject a source cheaply, in this order: emptiness, byte size, format
 *       (sniffed from the bytes, {@link SourceFormat}), the container's structure ({@link Structure}: frame count,
 *       metadata and scan counts, a file cut short, sizes only the container tells), then the header: its pixel
 *       count, and what the decoder will allocate for it ({@link Opened#layout()});</li>
 *   <li>{@link Opened#read}: frame 0, by a reader chosen per format ({@link Readers}), under the render
 *       deadline: a progress listener aborts the decoder once it has passed, and a decode that returns after that
 *       point is discarded (an aborted reader returns a partly filled image).</li>
 * </ol>
 * An 8-bit YCbCr or grey JPEG is decoded by libjpeg-turbo ({@link TurboJpeg}) when the library is installed,
 * at the reduced scale the render asks for (1/2, 1/4, 1/8, straight from the DCT coefficients); its embedded
 * ICC profile is attached to the pixels as TwelveMonkeys' reader would apply it. Everything else, and every
 * JPEG when the library is absent, goes through ImageIO at full size.
 *
 * <p>Any failure of the bytes is a {@link RenderException}: decoders signal bad data with IOExceptions, but
 * also with IndexOutOfBounds, IllegalArgument, NegativeArraySize, ClassCast, CMMException and the like. None
 * may escape unchecked, because an unchecked exception is treated as transient and retried. Decoder warnings
 * that mean "data is damaged" fail the render too: the JPEG decoder reports damaged entropy data only as a
 * warning and returns an image whose damaged part is grey, which must never become a thumbnail.
 */
public final class Decode {

    /** Formats we render, in the names {@link SourceInfo#format()} reports. */
    public static final List<String> SUPPORTED = List.of("jpeg", "png", "gif", "webp", "bmp", "tiff");

    /** The scales libjpeg-turbo decodes a JPEG at: 1/1, 1/2, 1/4 and 1/8. */
    public static final List<Integer> DCT_DENOMINATORS = List.of(1, 2, 4, 8);

    private Decode() {}

    /** The decoded first frame, the detected format name (one of {@link #SUPPORTED}) and the metadata kept. */
    public record Decoded(String format, BufferedImage image, SourceMetadata metadata) {}

    /**
     * What the decoder will allocate for the first frame, per decoded pixel: {@code bytesPerPixel} for the image it
     * returns, and {@code transientPerPixel} beside it while decoding (measured, see {@link #transientPerPixel});
     * and whether the image is already the renderer's working layout (opaque sRGB {@code TYPE_3BYTE_BGR}) or has
     * alpha. {@code decoder} names it for logs.
     */
    public record Layout(
            double bytesPerPixel, double transientPerPixel, boolean alpha, boolean plainBgr, String decoder) {}

    /**
     * Bytes per pixel an ImageIO reader allocates beside the image it returns, measured with
     * {@code FootprintCalibration} on 8 MP sources (docs/reliability.md, "Memory"): the JDK's PNG, GIF and BMP
     * readers keep a few rows; TwelveMonkeys' JPEG reader decodes a file with an ICC profile, CMYK, YCCK or an
     * unusual colour transform into a raw raster of its own first and converts that into the image; its WebP
     * reader holds every macroblock's coefficients and predictions as Java objects (lossy) or the ARGB image and
     * its transforms as ints (lossless).
     */
    public static double transientPerPixel(String format, byte[] source) {
        return transientPerPixel(format, new Container(source));
    }

    /** As {@link #transientPerPixel(String, byte[])}, reading the JPEG header and WebP layout from {@code container}. */
    public static double transientPerPixel(String format, Container container) {
        return switch (format) {
            case "jpeg" -> {
                JpegHeader header = container.jpeg();
                boolean delegated =
                        header != null && header.icc().isEmpty() && (header.ycbcr() || header.ids().length == 1);
                yield delegated ? 1 : 4.5;
            }
            case "png" -> 2;
            case "webp" -> container.webp().lossless() ? 12 : 30;
            default -> 1.5; // GIF, BMP, TIFF
        };
    }

    /** The whole first frame at full size, with ImageIO or libjpeg-turbo as {@link #open} chooses. */
    public static Decoded decode(byte[] source, RenderLimits limits) throws RenderException {
        return decode(source, limits, Deadline.start(limits.renderTimeout(), System::nanoTime));
    }

    public static Decoded decode(byte[] source, RenderLimits limits, Deadline deadline) throws RenderException {
        try (Opened opened = open(source, limits, TurboJpeg.load())) {
            return new Decoded(opened.format(), opened.read(1, deadline), opened.metadata());
        } catch (NativeFailure e) {
            try (Opened opened = open(source, limits, Optional.empty())) {
                return new Decoded(opened.format(), opened.read(1, deadline), opened.metadata());
            } catch (NativeFailure impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    /**
     * libjpeg-turbo refused a JPEG or warned that its data is damaged. The renderer decodes it again with ImageIO
     * when that fits in memory, so that such a file is judged, and its reason worded, as every other JPEG is;
     * {@link #reason()} is the refusal to give when it does not.
     */
    public static final class NativeFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final RenderException reason;

        public NativeFailure(RenderException reason) {
            super(reason.getMessage(), reason);
            this.reason = reason;
        }

        public RenderException reason() {
            return reason;
        }
    }

    /**
     * Checks {@code source} up to its header (see the class comment), without decoding a pixel. JPEGs that
     * libjpeg-turbo can decode use {@code turbo} when present.
     */
    public static Opened open(byte[] source, RenderLimits limits, Optional<TurboJpeg> turbo) throws RenderException {
        if (source == null || source.length == 0) {
            throw new RenderException(Reason.EMPTY, "empty file");
        }
        if (source.length > limits.maxSourceBytes()) {
            throw new RenderException(
                    Reason.TOO_LARGE,
                    "source too large: " + source.length + " bytes exceeds the limit of " + limits.maxSourceBytes());
        }
        String format = SourceFormat.of(source);
        Container container = new Container(source);
        try {
            checkStructure(format, source, limits, container);
        } catch (RuntimeException e) {
            // the walkers are bounds-checked and fuzzed; should one still fail, the file is refused, never retried
            throw new RenderException(
                    Reason.CORRUPT,
                    "corrupt image: the " + DecodeFailures.displayName(format) + " container cannot be read ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
        SourceMetadata metadata = Exif.read(format, source);
        if (format.equals("jpeg") && turbo.isPresent()) {
            Opened opened = NativeJpeg.open(turbo.get(), source, metadata, limits, container);
            if (opened != null) {
                return opened;
            }
        }
        return ImageIoSource.open(format, source, metadata, limits, container);
    }

    /** Bytes per pixel of a decoder's sample model (packed bits count as fractions of a byte). */
    public static double bytesPerPixel(SampleModel model) {
        if (model instanceof MultiPixelPackedSampleModel packed) {
            return packed.getPixelBitStride() / 8.0;
        }
        return (double) model.getNumDataElements() * DataBuffer.getDataTypeSize(model.getDataType()) / 8;
    }

    public static void closeQuietly(ImageInputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // an in-memory stream: nothing to release
        }
    }

    /**
     * The checks the container structure allows without a decoder: frame count, metadata and scans
     * ({@link Structure}), a file cut short, and sizes the reader's header methods do not report (a WebP bitstream
     * larger than its canvas, a GIF's logical screen).
     */
    private static void checkStructure(String format, byte[] source, RenderLimits limits, Container container)
            throws RenderException {
        long frames = Frames.count(format, source, container);
        if (frames > limits.maxSourceFrames()) {
            throw new RenderException(
                    Reason.TOO_MANY_FRAMES,
                    "too many frames: " + frames + " exceeds the limit of " + limits.maxSourceFrames());
        }
        if (Truncation.endsEarly(format, source, container)) {
            throw new RenderException(
                    Reason.CORRUPT,
                    "truncated image: the " + DecodeFailures.displayName(format) + " file stops after " + source.length
                            + " bytes, before the image is complete");
        }
        Structure.check(format, source, limits, container);
        if (format.equals("webp")) {
            Frames.Webp webp = container.webp();
            if (webp.bitstreamWidth() >= 0) { // else cut before the bitstream header: the reader reports it
                checkPixels(webp.bitstreamWidth(), webp.bitstreamHeight(), limits);
            }
            if (!webp.consistent()) {
                throw new RenderException(
                        Reason.CORRUPT,
                        "corrupt image: the WebP image data is "
                                + webp.bitstreamWidth() + "x" + webp.bitstreamHeight() + " but its canvas is "
                                + webp.expectedWidth() + "x" + webp.expectedHeight());
            }
        }
        if (format.equals("gif")) {
            // the canvas the first frame is composed on: never smaller than the frame itself
            Frames.Gif gif = container.gif();
            checkPixels(
                    Math.max(gif.screenWidth(), gif.left() + gif.width()),
                    Math.max(gif.screenHeight(), gif.top() + gif.height()),
                    limits);
        }
    }

    public static BufferedImage read(ImageReader reader, String format, Deadline deadline) throws RenderException {
        List<String> damage = new ArrayList<>();
        reader.addIIOReadWarningListener((r, warning) -> {
            if (DecodeFailures.isDamage(warning)) {
                damage.add(warning);
            }
        });
        DeadlineListener watch = new DeadlineListener(deadline);
        reader.addIIOReadProgressListener(watch);
        try {
            BufferedImage image = reader.read(0);
            if (watch.aborted) {
                throw deadline.timedOut("decoding");
            }
            deadline.check("decoding");
            if (!damage.isEmpty()) {
                throw new RenderException(Reason.CORRUPT, "corrupt image: " + damage.get(0));
            }
            return image;
        } catch (IOException e) {
            if (watch.aborted || DecodeFailures.causedBy(e, Deadline.Expired.class)) {
                throw deadline.timedOut("decoding"); // a reader may throw rather than return when aborted
            }
            throw new RenderException(
                    Reason.CORRUPT,
                    DecodeFailures.problem(format, e) + DecodeFailures.describe(e),
                    reraiseOutOfMemory(e));
        } catch (RuntimeException e) {
            if (watch.aborted || DecodeFailures.causedBy(e, Deadline.Expired.class)) {
                throw deadline.timedOut("decoding"); // the stream's poll: a reader that reports no progress
            }
            throw DecodeFailures.unreadable(format, reraiseOutOfMemory(e));
        }
    }

    /**
     * {@code e}, unless the decoder caught an {@link OutOfMemoryError} and wrapped it (the JDK's PNG reader does:
     * "Caught exception during read"): that is rethrown, never reported as a corrupt image.
     */
    private static <T extends Throwable> T reraiseOutOfMemory(T e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                throw oom;
            }
        }
        return e;
    }

    public static void checkPixels(int width, int height, RenderLimits limits) throws RenderException {
        if (width <= 0 || height <= 0) {
            throw new RenderException(Reason.CORRUPT, "corrupt image: invalid size " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > limits.maxSourcePixels()) {
            throw new RenderException(
                    Reason.TOO_MANY_PIXELS,
                    "source too large: " + width + "x" + height + " = " + pixels + " pixels exceeds the limit of "
                            + limits.maxSourcePixels());
        }
    }

    /**
     * The first GIF frame at its offset on the logical screen, transparent around it, as browsers show it.
     * The frame is returned as decoded when it covers the whole screen (the usual case).
     */
    public static BufferedImage onLogicalScreen(BufferedImage frame, Frames.Gif gif) {
        if (gif.frameFillsScreen()
                && frame.getWidth() >= gif.screenWidth()
                && frame.getHeight() >= gif.screenHeight()) {
            return frame;
        }
        int width = Math.max(gif.screenWidth(), gif.left() + frame.getWidth());
        int height = Math.max(gif.screenHeight(), gif.top() + frame.getHeight());
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src);
            g.drawImage(frame, gif.left(), gif.top(), null);
        } finally {
            g.dispose();
        }
        return canvas;
    }

    /**
     * Converts a corner of the image to sRGB, so that a colour profile the colour engine refuses fails here, as
     * a corrupt source, rather than later as an unchecked exception from {@link ToSrgb}.
     */
    public static void checkColourConversion(BufferedImage image) throws RenderException {
        try {
            ToSrgb.apply(image.getSubimage(0, 0, Math.min(8, image.getWidth()), Math.min(8, image.getHeight())));
        } catch (RuntimeException e) {
            throw new RenderException(
                    Reason.CORRUPT, "corrupt image: unusable colour profile (" + DecodeFailures.describe(e) + ")", e);
        }
    }
}
