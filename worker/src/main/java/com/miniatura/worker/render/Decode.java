package com.miniatura.worker.render;

import com.miniatura.worker.render.RenderException.Reason;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.color.CMMException;
import java.awt.image.BufferedImage;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Step 1: encoded bytes → pixels of the first frame, as stored (not yet oriented, any colour model that
 * says what the pixel values mean), plus the metadata we keep.
 *
 * <p>Everything that can reject a source cheaply happens before pixels are decoded, in this order:
 * emptiness, byte size, format (sniffed from the bytes, {@link Sniff}), frame count ({@link Frames}), a file
 * cut short ({@link Truncation}), sizes only the container tells, then the pixel count declared by the header.
 * Only then is frame 0 decoded, by a reader chosen per format ({@link Readers}), under the render deadline: a
 * progress listener aborts the decoder once it has passed, and a decode that returns after that point is
 * discarded (an aborted reader returns a partly filled image).
 *
 * <p>Any failure of the bytes is a {@link RenderException}: decoders signal bad data with IOExceptions, but
 * also with IndexOutOfBounds, IllegalArgument, NegativeArraySize, ClassCast, CMMException and the like. None
 * may escape unchecked, because an unchecked exception is treated as transient and retried. Decoder warnings
 * that mean "data is damaged" fail the render too: the JPEG decoder reports damaged entropy data only as a
 * warning and returns an image whose damaged part is grey, which must never become a thumbnail.
 */
final class Decode {

    /** Formats we render, in the names {@link SourceInfo#format()} reports. */
    static final List<String> SUPPORTED = List.of("jpeg", "png", "gif", "webp", "bmp", "tiff");

    private Decode() {
    }

    /** The decoded first frame, the detected format name (one of {@link #SUPPORTED}) and the metadata kept. */
    record Decoded(String format, BufferedImage image, SourceMetadata metadata) {
    }

    static Decoded decode(byte[] source, RenderLimits limits) throws RenderException {
        return decode(source, limits, Deadline.start(limits.renderTimeout(), System::nanoTime));
    }

    static Decoded decode(byte[] source, RenderLimits limits, Deadline deadline) throws RenderException {
        if (source == null || source.length == 0) {
            throw new RenderException(Reason.EMPTY, "empty file");
        }
        if (source.length > limits.maxSourceBytes()) {
            throw new RenderException(Reason.TOO_LARGE,
                    "source too large: " + source.length + " bytes exceeds the limit of " + limits.maxSourceBytes());
        }
        String format = Sniff.format(source);
        checkStructure(format, source, limits);
        Frames.Gif gif = format.equals("gif") ? Frames.Gif.layout(source) : null;
        ImageReader reader = Readers.create(format);
        // Reads the array in place: no temp file (ImageIO.createImageInputStream may spill to one), no second
        // copy in a cache. Seeking back is allowed: readers that seek back on a forward-only stream fail with
        // "pos < flushedPos" on files that are fine.
        try (ImageInputStream in = new ByteArrayImageInputStream(source)) {
            reader.setInput(in, false, false);
            BufferedImage image = read(reader, format, limits, deadline);
            image = switch (format) {
                case "gif" -> onLogicalScreen(image, gif);
                case "png" -> Icc.attach(image, Icc.fromPng(source));
                default -> image;
            };
            checkColourConversion(image);
            return new Decoded(format, image, Exif.read(format, source));
        } catch (IOException e) {
            // only close() can get here; reading errors are handled in read()
            throw new RenderException(Reason.CORRUPT, "corrupt image: " + describe(e), e);
        } catch (RuntimeException e) {
            throw unreadable(format, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * The checks the container structure allows without a decoder: frame count, a file cut short, and sizes the
     * reader's header methods do not report (a WebP bitstream larger than its canvas, a GIF's logical screen).
     */
    private static void checkStructure(String format, byte[] source, RenderLimits limits) throws RenderException {
        long frames = Frames.count(format, source);
        if (frames > limits.maxSourceFrames()) {
            throw new RenderException(Reason.TOO_MANY_FRAMES,
                    "too many frames: " + frames + " exceeds the limit of " + limits.maxSourceFrames());
        }
        if (Truncation.endsEarly(format, source)) {
            throw new RenderException(Reason.CORRUPT, "truncated image: the " + displayName(format) + " file stops after "
                    + source.length + " bytes, before the image is complete");
        }
        if (format.equals("webp")) {
            Frames.Webp webp = Frames.Webp.layout(source);
            if (webp.bitstreamWidth() >= 0) { // else cut before the bitstream header: the reader reports it
                checkPixels(webp.bitstreamWidth(), webp.bitstreamHeight(), limits);
            }
            if (!webp.consistent()) {
                throw new RenderException(Reason.CORRUPT, "corrupt image: the WebP image data is "
                        + webp.bitstreamWidth() + "x" + webp.bitstreamHeight() + " but its canvas is "
                        + webp.expectedWidth() + "x" + webp.expectedHeight());
            }
        }
        if (format.equals("gif")) {
            // the canvas the first frame is composed on: never smaller than the frame itself
            Frames.Gif gif = Frames.Gif.layout(source);
            checkPixels(Math.max(gif.screenWidth(), gif.left() + gif.width()),
                    Math.max(gif.screenHeight(), gif.top() + gif.height()), limits);
        }
    }

    private static BufferedImage read(ImageReader reader, String format, RenderLimits limits, Deadline deadline)
            throws RenderException {
        List<String> damage = new ArrayList<>();
        reader.addIIOReadWarningListener((r, warning) -> {
            if (isDamage(warning)) {
                damage.add(warning);
            }
        });
        DeadlineListener watch = new DeadlineListener(deadline);
        reader.addIIOReadProgressListener(watch);
        try {
            // the header only: refuse decompression bombs before allocating their pixels
            checkPixels(reader.getWidth(0), reader.getHeight(0), limits);
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
            if (watch.aborted) {
                throw deadline.timedOut("decoding"); // a reader may throw rather than return when aborted
            }
            throw new RenderException(Reason.CORRUPT, problem(format, e) + describe(e), e);
        } catch (RuntimeException e) {
            if (watch.aborted) {
                throw deadline.timedOut("decoding");
            }
            throw unreadable(format, e);
        }
    }

    /**
     * The IndexOutOfBounds/IllegalArgument/NegativeArraySize/CMMException family that decoders throw on
     * malformed data: the bytes are bad, not we. Their messages name decoder internals, so sellers get plain
     * words and the exception type; the exception itself is kept as the cause for the logs.
     */
    private static RenderException unreadable(String format, RuntimeException e) {
        String problem = problem(format, e);
        if (causedBy(e, CMMException.class) || describe(e).toLowerCase(Locale.ROOT).contains("icc")) {
            // e.g. TwelveMonkeys' WebP reader on a damaged ICCP chunk: "Invalid ICC Profile Data"
            return new RenderException(Reason.CORRUPT, problem + "unusable colour profile (" + describe(e) + ")", e);
        }
        return new RenderException(Reason.CORRUPT, problem + "the " + displayName(format) + " data cannot be decoded ("
                + e.getClass().getSimpleName() + ")", e);
    }

    /**
     * "truncated" or "corrupt". The file was already checked for truncation where {@link Truncation} can tell,
     * so there a decoder running out of data means inconsistent data: corrupt. Elsewhere (TIFF) the decoder's
     * end-of-file error is the best evidence of a cut file.
     */
    private static String problem(String format, Throwable e) {
        return !Truncation.checks(format) && causedBy(e, EOFException.class) ? "truncated image: " : "corrupt image: ";
    }

    private static String displayName(String format) {
        return format.equals("webp") ? "WebP" : format.toUpperCase(Locale.ROOT);
    }

    private static void checkPixels(int width, int height, RenderLimits limits) throws RenderException {
        if (width <= 0 || height <= 0) {
            throw new RenderException(Reason.CORRUPT, "corrupt image: invalid size " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > limits.maxSourcePixels()) {
            throw new RenderException(Reason.TOO_MANY_PIXELS, "source too large: " + width + "x" + height
                    + " = " + pixels + " pixels exceeds the limit of " + limits.maxSourcePixels());
        }
    }

    /**
     * The first GIF frame at its offset on the logical screen, transparent around it, as browsers show it.
     * The frame is returned as decoded when it covers the whole screen (the usual case).
     */
    private static BufferedImage onLogicalScreen(BufferedImage frame, Frames.Gif gif) {
        if (gif.frameFillsScreen() && frame.getWidth() >= gif.screenWidth() && frame.getHeight() >= gif.screenHeight()) {
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
    private static void checkColourConversion(BufferedImage image) throws RenderException {
        try {
            ToSrgb.apply(image.getSubimage(0, 0, Math.min(8, image.getWidth()), Math.min(8, image.getHeight())));
        } catch (RuntimeException e) {
            throw new RenderException(Reason.CORRUPT, "corrupt image: unusable colour profile (" + describe(e) + ")", e);
        }
    }

    /** Aborts the decoder at its next progress report once the deadline has passed. */
    private static final class DeadlineListener implements IIOReadProgressListener {
        private final Deadline deadline;
        private boolean aborted;

        DeadlineListener(Deadline deadline) {
            this.deadline = deadline;
        }

        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            if (!aborted && deadline.expired()) {
                aborted = true;
                source.abort();
            }
        }

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {
            imageProgress(source, 0);
        }

        @Override
        public void imageComplete(ImageReader source) {
        }

        @Override
        public void readAborted(ImageReader source) {
        }

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {
        }

        @Override
        public void sequenceComplete(ImageReader source) {
        }

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {
        }

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {
        }

        @Override
        public void thumbnailComplete(ImageReader source) {
        }
    }

    /**
     * Whether a decoder warning means pixel data is missing or damaged (the image would be partly grey or
     * garbled), as opposed to notes such as "ICC profile is Perceptual, ignoring" that TwelveMonkeys emits
     * for perfectly good files. libjpeg's "extraneous bytes before marker" is common in camera files that
     * decode fine, so it is not damage; nor is a damaged embedded profile, which the reader ignores (as
     * browsers do): the pixels are all there.
     */
    static boolean isDamage(String warning) {
        String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
        if (w.contains("icc")) {
            return false; // "Bad 'ICC_PROFILE' chunk(s): Truncated ICC Profile data. Ignoring ICC profile."
        }
        return w.contains("premature end")
                || w.contains("truncated")
                || w.contains("missing eoi")
                || (w.contains("corrupt jpeg data") && !w.contains("extraneous bytes"));
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The exception's message followed by its causes' messages when they add something. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            String message = t.getMessage();
            if (message == null || message.isBlank()) {
                message = t instanceof EOFException ? "unexpected end of file" : t.getClass().getSimpleName();
            }
            if (text.indexOf(message) >= 0) {
                continue;
            }
            text.append(text.length() == 0 ? message : " (" + message + ")");
        }
        return printable(text.toString());
    }

    /** Decoder messages quote raw bytes ("Unknown WebP chunk: 'VP?X'"): anything but printable ASCII becomes '?'. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c > 0x7E ? '?' : c);
        }
        return out.toString();
    }
}
