package com.miniatura.worker.render.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds the only EXIF the renderer ever writes: a TIFF structure whose IFD0 holds a single Copyright tag.
 *
 * <p>Written from scratch rather than copied from the source so that nothing else (GPS, serial numbers, maker
 * notes, thumbnails) can ride along: the block has exactly one entry and no sub-IFDs.
 */
public final class ExifWriter {

    /** EXIF/TIFF tag number of Copyright (ASCII). */
    public static final int COPYRIGHT_TAG = 0x8298;
    /** Identifier that starts an EXIF APP1 segment in JPEG; WebP's EXIF chunk and PNG's eXIf omit it. */
    public static final byte[] JPEG_APP1_PREFIX = {'E', 'x', 'i', 'f', 0, 0};
    /**
     * Longest copyright kept, in characters: far above any real notice, and keeps the JPEG APP1 segment
     * (at most 65,533 bytes) well within bounds whatever the text is.
     */
    public static final int MAX_COPYRIGHT_CHARS = 2000;

    private static final int TYPE_ASCII = 2;

    private ExifWriter() {}

    /**
     * The copyright as it will be written: control characters (EXIF separates photographer and editor notices
     * with NUL) become spaces, surrounding space is trimmed, overlong text is cut; {@code null} when nothing
     * remains.
     */
    public static String cleanCopyright(String copyright) {
        if (copyright == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(copyright.length());
        copyright.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        String text = out.toString().strip();
        if (text.length() > MAX_COPYRIGHT_CHARS) {
            int end = Character.isHighSurrogate(text.charAt(MAX_COPYRIGHT_CHARS - 1))
                    ? MAX_COPYRIGHT_CHARS - 1
                    : MAX_COPYRIGHT_CHARS;
            text = text.substring(0, end).strip();
        }
        return text.isEmpty() ? null : text;
    }

    /**
     * A little-endian TIFF block: header, IFD0 with the Copyright entry only, no next IFD, then the text.
     * The text is written as UTF-8 (plain ASCII stays ASCII); EXIF readers such as exiftool read it back as
     * UTF-8, and a strict ASCII reader still gets every ASCII notice right.
     */
    public static byte[] copyrightTiff(String copyright) {
        byte[] text = copyright.getBytes(StandardCharsets.UTF_8);
        int count = text.length + 1; // ASCII values end with NUL
        ByteArrayOutputStream out = new ByteArrayOutputStream(26 + count + 1);
        out.writeBytes(new byte[] {'I', 'I', 0x2A, 0});
        int32(out, 8); // IFD0 right after the header
        int16(out, 1); // one entry
        int16(out, COPYRIGHT_TAG);
        int16(out, TYPE_ASCII);
        int32(out, count);
        if (count <= 4) { // fits in the value field itself
            out.writeBytes(text);
            out.writeBytes(new byte[4 - text.length]);
            int32(out, 0); // no next IFD
        } else {
            int32(out, 26); // 8 header + 2 count + 12 entry + 4 next-IFD offset
            int32(out, 0); // no next IFD
            out.writeBytes(text);
            out.write(0);
        }
        return out.toByteArray();
    }

    /** The payload of a JPEG APP1 segment (after its length): {@code Exif\0\0} then the TIFF block. */
    public static byte[] jpegApp1(String copyright) {
        byte[] tiff = copyrightTiff(copyright);
        byte[] out = new byte[JPEG_APP1_PREFIX.length + tiff.length];
        System.arraycopy(JPEG_APP1_PREFIX, 0, out, 0, JPEG_APP1_PREFIX.length);
        System.arraycopy(tiff, 0, out, JPEG_APP1_PREFIX.length, tiff.length);
        return out;
    }

    private static void int16(ByteArrayOutputStream out, int value) {
        out.write(value & 0xFF);
        out.write((value >>> 8) & 0xFF);
    }

    private static void int32(ByteArrayOutputStream out, int value) {
        int16(out, value & 0xFFFF);
        int16(out, value >>> 16);
    }
}
