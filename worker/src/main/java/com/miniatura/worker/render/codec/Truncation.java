package com.miniatura.worker.render.codec;

import static com.miniatura.worker.render.codec.Bytes.u16le;
import static com.miniatura.worker.render.codec.Bytes.u32be;
import static com.miniatura.worker.render.codec.Bytes.u32le;

/**
 * Whether a source's container structure ends early: the upload was cut short. Checked from the structure
 * alone, before decoding, because decoders report a cut file in many ways, some misleading ("Invalid
 * progressive parameters", "Invalid chunk length") and some not at all: the JPEG decoder returns a cut file as
 * an image whose missing part is grey.
 *
 * <ul>
 *   <li>JPEG: the marker segments and scans, entropy-coded data included, must reach the EOI marker;</li>
 *   <li>PNG: every chunk must fit, up to IEND;</li>
 *   <li>GIF: every block must fit (a missing trailer after complete frames is tolerated, as browsers do);</li>
 *   <li>WebP: every RIFF chunk must fit;</li>
 *   <li>BMP: uncompressed pixel rows must fit;</li>
 *   <li>TIFF: not checked (data may be anywhere); its decoder's end-of-file error decides.</li>
 * </ul>
 */
public final class Truncation {

    private Truncation() {}

    /** Whether {@link #endsEarly} can tell for {@code format}; otherwise the decoder's errors decide. */
    public static boolean checks(String format) {
        return !format.equals("tiff");
    }

    /** Whether {@code source}, sniffed as {@code format}, ends before its structure does. */
    public static boolean endsEarly(String format, byte[] source) {
        return endsEarly(format, source, new Container(source));
    }

    /** As {@link #endsEarly(String, byte[])}, reading the GIF layout from {@code container}. */
    public static boolean endsEarly(String format, byte[] source, Container container) {
        return switch (format) {
            case "jpeg" -> jpeg(source);
            case "png" -> png(source);
            case "gif" -> container.gif().cut();
            case "webp" -> webp(source);
            case "bmp" -> bmp(source);
            default -> false;
        };
    }

    private static boolean jpeg(byte[] b) {
        JpegSegments walk = JpegSegments.from(b, 2);
        while (true) {
            JpegSegments.Step step = walk.next();
            if (step == JpegSegments.Step.END) {
                return true;
            }
            if (!step.segment()) {
                return false; // EOI, or not a marker: damaged, not cut; the decoder reports it
            }
            if (walk.end() > b.length) {
                return true;
            }
            if (walk.marker() == JpegSegments.SOS && walk.skipEntropy() >= b.length) {
                return true;
            }
        }
    }

    private static boolean png(byte[] b) {
        long pos = 8;
        while (pos < b.length) {
            if (pos + 8 > b.length) {
                return true;
            }
            int p = (int) pos;
            long length = u32be(b, p);
            if (pos + 12 + length > b.length) {
                return true;
            }
            if (b[p + 4] == 'I' && b[p + 5] == 'E' && b[p + 6] == 'N' && b[p + 7] == 'D') {
                return false;
            }
            pos += 12 + length;
        }
        return true; // no IEND
    }

    private static boolean webp(byte[] b) {
        long pos = 12;
        while (pos + 8 <= b.length) {
            int p = (int) pos;
            long length = u32le(b, p + 4);
            if (pos + 8 + length > b.length) {
                return true;
            }
            pos += 8 + length + (length & 1); // a missing pad byte after the last chunk is tolerated
        }
        return pos < b.length - 1 || pos == 12; // a cut chunk header, or no chunk at all
    }

    /** Uncompressed (BI_RGB, BI_BITFIELDS) bitmaps with a Windows info header: pixel rows after the pixel offset. */
    private static boolean bmp(byte[] b) {
        if (b.length < 34 || u32le(b, 14) < 40) {
            return false;
        }
        long compression = u32le(b, 30);
        if (compression != 0 && compression != 3) {
            return false;
        }
        long width = Math.abs((long) (int) u32le(b, 18));
        long height = Math.abs((long) (int) u32le(b, 22));
        int bits = u16le(b, 28);
        long rowBytes = (bits * width + 31) / 32 * 4;
        return u32le(b, 10) + rowBytes * height > b.length;
    }
}
