package com.miniatura.worker.render.codec;

import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderException.Reason;
import java.awt.color.CMMException;
import java.io.EOFException;
import java.util.Locale;

/**
 * How a decoder's failures and warnings become a render failure a seller can read: corrupt or truncated, in plain
 * words and printable ASCII, with the decoder's exception kept as the cause for the logs.
 */
public final class DecodeFailures {

    private DecodeFailures() {}

    /**
     * The IndexOutOfBounds/IllegalArgument/NegativeArraySize/CMMException family that decoders throw on
     * malformed data: the bytes are bad, not we. Their messages name decoder internals, so sellers get plain
     * words and the exception type; the exception itself is kept as the cause for the logs.
     */
    public static RenderException unreadable(String format, RuntimeException e) {
        String problem = problem(format, e);
        if (causedBy(e, CMMException.class)
                || describe(e).toLowerCase(Locale.ROOT).contains("icc")) {
            // e.g. TwelveMonkeys' WebP reader on a damaged ICCP chunk: "Invalid ICC Profile Data"
            return new RenderException(Reason.CORRUPT, problem + "unusable colour profile (" + describe(e) + ")", e);
        }
        return new RenderException(
                Reason.CORRUPT,
                problem + "the " + displayName(format) + " data cannot be decoded ("
                        + e.getClass().getSimpleName() + ")",
                e);
    }

    /**
     * "truncated" or "corrupt". The file was already checked for truncation where {@link Truncation} can tell,
     * so there a decoder running out of data means inconsistent data: corrupt. Elsewhere (TIFF) the decoder's
     * end-of-file error is the best evidence of a cut file.
     */
    public static String problem(String format, Throwable e) {
        return !Truncation.checks(format) && causedBy(e, EOFException.class) ? "truncated image: " : "corrupt image: ";
    }

    static String displayName(String format) {
        return format.equals("webp") ? "WebP" : format.toUpperCase(Locale.ROOT);
    }

    /**
     * Whether a decoder warning means pixel data is missing or damaged (the image would be partly grey or
     * garbled), as opposed to notes such as "ICC profile is Perceptual, ignoring" that TwelveMonkeys emits
     * for perfectly good files. libjpeg's "extraneous bytes before marker" is common in camera files that
     * decode fine, so it is not damage; nor is a damaged embedded profile, which the reader ignores (as
     * browsers do): the pixels are all there.
     */
    public static boolean isDamage(String warning) {
        String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
        if (w.contains("icc")) {
            return false; // "Bad 'ICC_PROFILE' chunk(s): Truncated ICC Profile data. Ignoring ICC profile."
        }
        return w.contains("premature end")
                || w.contains("truncated")
                || w.contains("missing eoi")
                || (w.contains("corrupt jpeg data") && !w.contains("extraneous bytes"));
    }

    static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The exception's message followed by its causes' messages when they add something. */
    public static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            String message = t.getMessage();
            if (message == null || message.isBlank()) {
                message = t instanceof EOFException
                        ? "unexpected end of file"
                        : t.getClass().getSimpleName();
            }
            if (text.indexOf(message) >= 0) {
                continue;
            }
            text.append(text.length() == 0 ? message : " (" + message + ")");
        }
        return printable(text.toString());
    }

    /** Decoder messages quote raw bytes ("Unknown WebP chunk: 'VP?X'"): anything but printable ASCII becomes '?'. */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c > 0x7E ? '?' : c);
        }
        return out.toString();
    }
}
