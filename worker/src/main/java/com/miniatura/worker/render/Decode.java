package com.miniatura.worker.render;

import com.miniatura.worker.render.RenderException.Reason;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Step 1: encoded bytes → pixels of the first frame, as stored (not yet oriented, any colour model).
 *
 * <p>Everything that can reject a source cheaply happens before pixels are decoded, in this order:
 * emptiness, byte size, format sniffing, then the pixel count declared by the header. Only frame 0 is
 * read (the first frame of an animated GIF). Decoder warnings that mean "data is missing or damaged"
 * fail the render: the JDK JPEG decoder reports a truncated file only as a warning and returns an image
 * whose missing part is grey, which must never become a thumbnail.
 */
final class Decode {

    /** Formats we render, in the names {@link SourceInfo#format()} reports. */
    static final List<String> SUPPORTED = List.of("jpeg", "png", "gif", "webp", "bmp", "tiff");

    static {
        // ImageIO discovers plugins once, through the class loader that first touches it. In a packaged
        // application that may not be the one holding the TwelveMonkeys jars (CMYK JPEG, WebP), so scan again.
        ImageIO.scanForPlugins();
    }

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
        // A memory-cached stream: ImageIO.createImageInputStream could spill to a temp file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(source))) {
            ImageReader reader = findReader(in, source);
            try {
                return read(reader, in, limits, source);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            // only close() can get here; reading errors are handled in read()
            throw new RenderException(Reason.CORRUPT, "corrupt image: " + describe(e), e);
        }
    }

    private static ImageReader findReader(ImageInputStream in, byte[] source) throws RenderException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        String otherFormat = null;
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            Optional<String> format = formatOf(reader);
            if (format.isPresent()) {
                return reader;
            }
            if (otherFormat == null) {
                otherFormat = reader.getOriginatingProvider().getFormatNames()[0].toLowerCase(Locale.ROOT);
            }
        }
        if (otherFormat != null) {
            // e.g. an ICO file: ImageIO can read it, we do not publish it
            throw new RenderException(Reason.UNSUPPORTED_FORMAT, "unsupported format: " + otherFormat
                    + " (supported: " + String.join(", ", SUPPORTED) + ")");
        }
        throw new RenderException(Reason.UNSUPPORTED_FORMAT,
                "unsupported format: not a recognised image (starts with " + leadingBytes(source, 4) + ")");
    }

    private static Decoded read(ImageReader reader, ImageInputStream in, RenderLimits limits, byte[] source)
            throws RenderException {
        String format = formatOf(reader).orElseThrow();
        reader.setInput(in, true, false);
        List<String> damage = new ArrayList<>();
        reader.addIIOReadWarningListener((r, warning) -> {
            if (isDamage(warning)) {
                damage.add(warning);
            }
        });
        try {
            // the header only: refuse decompression bombs before allocating their pixels
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new RenderException(Reason.CORRUPT, "corrupt image: invalid size " + width + "x" + height);
            }
            long pixels = (long) width * height;
            if (pixels > limits.maxSourcePixels()) {
                throw new RenderException(Reason.TOO_MANY_PIXELS, "source too large: " + width + "x" + height
                        + " = " + pixels + " pixels exceeds the limit of " + limits.maxSourcePixels());
            }
            BufferedImage image = reader.read(0);
            if (!damage.isEmpty()) {
                throw new RenderException(Reason.CORRUPT, damagePrefix(damage.get(0)) + damage.get(0));
            }
            return new Decoded(format, image, new SourceMetadata(orientationOf(format, source), null));
        } catch (IOException | RuntimeException e) {
            // IIOException, and the IndexOutOfBounds/IllegalArgument/CMMException family that decoders
            // throw on malformed data: all mean the bytes are bad, not that we are.
            String problem = causedBy(e, EOFException.class) ? "truncated image: " : "corrupt image: ";
            throw new RenderException(Reason.CORRUPT, problem + describe(e), e);
        }
    }

    /** EXIF orientation lives in a JPEG's APP1 segment, or in IFD0 of a TIFF file itself. */
    private static int orientationOf(String format, byte[] source) {
        return switch (format) {
            case "jpeg" -> ExifOrientation.fromJpeg(source);
            case "tiff" -> ExifOrientation.fromTiff(source, 0, source.length);
            default -> ExifOrientation.NORMAL;
        };
    }

    /** The first of our supported names among the reader's format names, if any. */
    private static Optional<String> formatOf(ImageReader reader) {
        List<String> names = new ArrayList<>();
        for (String name : reader.getOriginatingProvider().getFormatNames()) {
            names.add(name.toLowerCase(Locale.ROOT));
        }
        if (names.contains("jpg")) {
            names.add("jpeg");
        }
        if (names.contains("tif")) {
            names.add("tiff");
        }
        return SUPPORTED.stream().filter(names::contains).findFirst();
    }

    /**
     * Whether a decoder warning means pixel data is missing or damaged (the image would be partly grey or
     * garbled), as opposed to notes such as "ICC profile is Perceptual, ignoring" that TwelveMonkeys emits
     * for perfectly good files. libjpeg's "extraneous bytes before marker" is common in camera files that
     * decode fine, so it is not damage.
     */
    static boolean isDamage(String warning) {
        String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
        return w.contains("premature end")
                || w.contains("truncated")
                || w.contains("missing eoi")
                || (w.contains("corrupt jpeg data") && !w.contains("extraneous bytes"));
    }

    /**
     * "truncated" only when the decoder says the file itself ended early; libjpeg's "premature end of data
     * segment" also comes from garbled data running into a marker, so it stays "corrupt".
     */
    private static String damagePrefix(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("premature end of jpeg file") || w.contains("truncated") || w.contains("missing eoi")
                ? "truncated image: " : "corrupt image: ";
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
        return text.toString();
    }

    private static String leadingBytes(byte[] data, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(count, data.length); i++) {
            text.append(i == 0 ? "" : " ").append(String.format("0x%02x", data[i] & 0xFF));
        }
        return text.toString();
    }
}
