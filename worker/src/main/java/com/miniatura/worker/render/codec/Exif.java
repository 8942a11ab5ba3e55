package com.miniatura.worker.render.codec;

import static com.miniatura.worker.render.codec.Bytes.u32;
import static com.miniatura.worker.render.codec.Bytes.u8;

import com.miniatura.worker.render.SourceMetadata;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the two EXIF IFD0 tags the renderer keeps, orientation (0x0112) and copyright (0x8298), straight
 * from the encoded bytes: no metadata library, no pixel decoding, nothing else read (GPS, serial numbers and
 * maker notes are never even parsed).
 *
 * <p>Where the EXIF block lives depends on the container: a JPEG's APP1 {@code Exif} segment, IFD0 of a TIFF
 * file itself, a WebP {@code EXIF} chunk or a PNG {@code eXIf} chunk. GIF and BMP have none.
 *
 * <p>Anything missing, out of range or garbled yields orientation 1 and no copyright: a picture shown as
 * stored is a much smaller failure than a render that fails because of a broken metadata block.
 */
public final class Exif {

    /** Orientation 1: stored rows are already upright. */
    public static final int NORMAL = 1;
    /** At most this many bytes of copyright text are read; a longer value is cut. */
    public static final int MAX_COPYRIGHT_BYTES = 1024;

    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TAG_COPYRIGHT = 0x8298;
    private static final int TYPE_BYTE = 1;
    private static final int TYPE_ASCII = 2;
    private static final int TYPE_SHORT = 3;
    private static final int TYPE_LONG = 4;
    private static final byte[] EXIF_HEADER = {'E', 'x', 'i', 'f', 0, 0};
    private static final SourceMetadata NONE = new SourceMetadata(NORMAL, null);

    private Exif() {}

    /** The metadata of a source in {@code format} (one of {@link Decode#SUPPORTED}); never throws. */
    public static SourceMetadata read(String format, byte[] source) {
        try {
            return switch (format) {
                case "jpeg" -> fromJpeg(source);
                case "tiff" -> fromTiff(source, 0, source.length);
                case "webp" -> fromWebp(source);
                case "png" -> fromPng(source);
                default -> NONE;
            };
        } catch (RuntimeException e) {
            return NONE; // the parsers are bounds-checked; this is a last line of defence, never expected
        }
    }

    /**
     * From the first APP1 {@code Exif\0\0} segment of a JPEG, scanning the marker segments up to the start of
     * the entropy-coded data.
     */
    public static SourceMetadata fromJpeg(byte[] jpeg) {
        if (jpeg.length < 4 || u8(jpeg, 0) != 0xFF || u8(jpeg, 1) != 0xD8) {
            return NONE;
        }
        JpegSegments walk = JpegSegments.from(jpeg, 2);
        // SOS or EOI (all metadata segments are behind us), lost sync, a bad length or the end stop the search
        while (walk.next() == JpegSegments.Step.SEGMENT && walk.marker() != JpegSegments.SOS) {
            int payload = walk.payload();
            int payloadLength = walk.length() - 2;
            if (walk.marker() == 0xE1 && startsWith(jpeg, payload, payloadLength, EXIF_HEADER)) {
                return fromTiff(jpeg, payload + EXIF_HEADER.length, payloadLength - EXIF_HEADER.length);
            }
            // other APPn (JFIF, XMP in APP1, ICC in APP2, ...) and tables
        }
        return NONE;
    }

    /** From the {@code eXIf} chunk of a PNG (a TIFF structure; a stray {@code Exif\0\0} prefix is tolerated). */
    public static SourceMetadata fromPng(byte[] png) {
        int pos = 8; // signature
        while (pos + 12 <= png.length) {
            long length = u32(png, pos, false);
            String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
            if (length > png.length - pos - 12) {
                return NONE;
            }
            if (type.equals("eXIf")) {
                return fromExifPayload(png, pos + 8, (int) length);
            }
            if (type.equals("IEND")) {
                return NONE;
            }
            pos += 12 + (int) length;
        }
        return NONE;
    }

    /** From the {@code EXIF} chunk of an extended WebP (RIFF) file; a stray {@code Exif\0\0} prefix is tolerated. */
    public static SourceMetadata fromWebp(byte[] webp) {
        int pos = 12; // RIFF, size, WEBP
        while (pos + 8 <= webp.length) {
            long length = u32(webp, pos + 4, true);
            if (length > webp.length - pos - 8) {
                return NONE;
            }
            if (startsWith(webp, pos, 4, new byte[] {'E', 'X', 'I', 'F'})) {
                return fromExifPayload(webp, pos + 8, (int) length);
            }
            pos += 8 + (int) length + (int) (length & 1); // chunks are padded to an even size
        }
        return NONE;
    }

    private static SourceMetadata fromExifPayload(byte[] data, int start, int length) {
        if (startsWith(data, start, length, EXIF_HEADER)) {
            return fromTiff(data, start + EXIF_HEADER.length, length - EXIF_HEADER.length);
        }
        return fromTiff(data, start, length);
    }

    /**
     * From IFD0 of a TIFF structure ({@code II*\0} or {@code MM\0*}) at {@code data[start, start + length)}:
     * the payload of an EXIF block, or a whole TIFF file.
     */
    public static SourceMetadata fromTiff(byte[] data, int start, int length) {
        Ifd ifd = Ifd.first(data, start, length);
        if (ifd == null) {
            return NONE;
        }
        int orientation = NORMAL;
        String copyright = null;
        for (int i = 0; i < ifd.count(); i++) {
            int entry = ifd.entry(i);
            if (entry < 0) {
                break; // entry count runs past the end: keep what we found
            }
            int tag = ifd.u16(entry);
            if (tag == TAG_ORIENTATION) {
                orientation = orientation(ifd, entry);
            } else if (tag == TAG_COPYRIGHT) {
                copyright = copyright(ifd, entry);
            }
        }
        return new SourceMetadata(orientation, copyright);
    }

    /** Whether IFD0 of the TIFF structure at {@code data[start, start + length)} holds {@code tag}. */
    public static boolean tiffIfd0HasTag(byte[] data, int start, int length, int tag) {
        Ifd ifd = Ifd.first(data, start, length);
        if (ifd == null) {
            return false;
        }
        for (int i = 0; i < ifd.count(); i++) {
            int entry = ifd.entry(i);
            if (entry < 0) {
                return false;
            }
            if (ifd.u16(entry) == tag) {
                return true;
            }
        }
        return false;
    }

    private static int orientation(Ifd ifd, int entry) {
        long value = switch (ifd.u16(entry + 2)) {
            case TYPE_SHORT -> ifd.u16(entry + 8); // left-justified in the 4-byte value field
            case TYPE_LONG -> ifd.u32(entry + 8); // seen from a few writers; tolerated
            default -> 0;
        };
        return value >= 1 && value <= 8 ? (int) value : NORMAL;
    }

    /**
     * The copyright text: ASCII by the standard, but real files carry UTF-8 (or Latin-1), so it is decoded as
     * UTF-8 when valid and Latin-1 otherwise. EXIF stores "photographer NUL editor"; the non-blank parts are
     * joined with "; ". Control characters become spaces. Blank is {@code null}.
     */
    private static String copyright(Ifd ifd, int entry) {
        int type = ifd.u16(entry + 2);
        long count = ifd.u32(entry + 4);
        if ((type != TYPE_ASCII && type != TYPE_BYTE) || count <= 0) {
            return null;
        }
        int length = (int) Math.min(count, MAX_COPYRIGHT_BYTES);
        int offset = count <= 4 ? entry + 8 : ifd.offset(ifd.u32(entry + 8));
        if (offset < 0 || offset + length > ifd.end()) {
            return null;
        }
        String text = decodeText(ifd.data(), offset, length, count > MAX_COPYRIGHT_BYTES);
        List<String> parts = new ArrayList<>();
        for (String part : text.split("\0")) {
            // \p{Cc}: every control character, C1 (U+0080..U+009F) too, which \p{Cntrl} (ASCII only) lets through
            String clean = part.replaceAll("[\\p{Cc}\uFFFD]", " ").trim();
            if (!clean.isEmpty()) {
                parts.add(clean);
            }
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /** UTF-8 when valid, else Latin-1; {@code cut}: the text was cut at the cap, maybe inside a UTF-8 character. */
    private static String decodeText(byte[] data, int offset, int length, boolean cut) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            // not UTF-8, or UTF-8 cut by the 1 KB cap: then try without a trailing partial character; else Latin-1
            // (a short Latin-1 text must not lose its last accented letter to that retry)
            int end = offset + length;
            for (int drop = 1; cut && drop <= 3 && drop < length; drop++) {
                try {
                    return StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(data, offset, end - drop - offset))
                            .toString();
                } catch (CharacterCodingException stillBad) {
                    // keep cutting
                }
            }
            return new String(data, offset, length, StandardCharsets.ISO_8859_1);
        }
    }

    /** IFD0 of a TIFF structure; every read is bounds-checked against {@code [start, end)}. */
    private record Ifd(byte[] data, int start, int end, boolean little, int entries, int count) {

        public static Ifd first(byte[] data, int start, int length) {
            int end = (int) Math.min(data.length, (long) start + Math.max(0, length));
            if (start < 0 || end - start < 8) {
                return null;
            }
            boolean little;
            if (u8(data, start) == 'I' && u8(data, start + 1) == 'I') {
                little = true;
            } else if (u8(data, start) == 'M' && u8(data, start + 1) == 'M') {
                little = false;
            } else {
                return null;
            }
            if (Bytes.u16(data, start + 2, little) != 42) {
                return null;
            }
            long ifd = Bytes.u32(data, start + 4, little); // offsets are relative to the TIFF header
            if (ifd < 8 || start + ifd + 2 > end) {
                return null;
            }
            int entries = start + (int) ifd + 2;
            return new Ifd(data, start, end, little, entries, Bytes.u16(data, entries - 2, little));
        }

        /** Position of entry {@code i}, or -1 when it does not fit. */
        public int entry(int i) {
            int entry = entries + 12 * i;
            return entry + 12 <= end ? entry : -1;
        }

        /** Absolute position of a TIFF offset, or -1 when outside the structure. */
        public int offset(long relative) {
            return relative < 0 || relative > end - start ? -1 : start + (int) relative;
        }

        public int u16(int offset) {
            return Bytes.u16(data, offset, little);
        }

        public long u32(int offset) {
            return Bytes.u32(data, offset, little);
        }
    }

    private static boolean startsWith(byte[] data, int offset, int length, byte[] prefix) {
        if (length < prefix.length || offset < 0 || offset + prefix.length > data.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
