package com.miniatura.worker.render;

/**
 * Reads the EXIF orientation tag (0x0112) straight from the encoded bytes, without a metadata library
 * and without decoding pixels.
 *
 * <p>Anything missing, out of range or garbled yields {@link #NORMAL}: a picture shown as stored is a
 * much smaller failure than a render that fails because of a broken metadata block.
 */
final class ExifOrientation {

    /** Orientation 1: stored rows are already upright. */
    static final int NORMAL = 1;

    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;
    private static final int TYPE_LONG = 4;
    private static final byte[] EXIF_HEADER = {'E', 'x', 'i', 'f', 0, 0};

    private ExifOrientation() {
    }

    /**
     * Orientation from the first APP1 {@code Exif\0\0} segment of a JPEG, scanning the marker segments up
     * to the start of the entropy-coded data.
     */
    static int fromJpeg(byte[] jpeg) {
        if (jpeg.length < 4 || u8(jpeg, 0) != 0xFF || u8(jpeg, 1) != 0xD8) {
            return NORMAL;
        }
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            if (u8(jpeg, pos) != 0xFF) {
                return NORMAL; // lost sync: not a well-formed marker sequence
            }
            int marker = u8(jpeg, pos + 1);
            if (marker == 0xFF) {
                pos++; // fill byte before a marker
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2; // standalone markers carry no length
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return NORMAL; // start of scan / end of image: all metadata segments are behind us
            }
            int length = u16(jpeg, pos + 2, false); // includes the two length bytes
            if (length < 2 || pos + 2 + length > jpeg.length) {
                return NORMAL;
            }
            int payload = pos + 4;
            int payloadLength = length - 2;
            if (marker == 0xE1 && startsWith(jpeg, payload, payloadLength, EXIF_HEADER)) {
                return fromTiff(jpeg, payload + EXIF_HEADER.length, payloadLength - EXIF_HEADER.length);
            }
            pos += 2 + length; // other APPn (JFIF, XMP in APP1, ICC in APP2, ...) and tables
        }
        return NORMAL;
    }

    /**
     * Orientation from IFD0 of a TIFF structure ({@code II*\0} or {@code MM\0*}) found at
     * {@code data[start, start + length)}: the payload of an EXIF segment, or a whole TIFF file.
     */
    static int fromTiff(byte[] data, int start, int length) {
        int end = Math.min(data.length, start + Math.max(0, length));
        if (start < 0 || end - start < 8) {
            return NORMAL;
        }
        boolean little;
        if (u8(data, start) == 'I' && u8(data, start + 1) == 'I') {
            little = true;
        } else if (u8(data, start) == 'M' && u8(data, start + 1) == 'M') {
            little = false;
        } else {
            return NORMAL;
        }
        if (u16(data, start + 2, little) != 42) {
            return NORMAL;
        }
        long ifd = u32(data, start + 4, little); // offsets are relative to the TIFF header
        if (ifd < 8 || start + ifd + 2 > end) {
            return NORMAL;
        }
        int entries = start + (int) ifd + 2;
        int count = u16(data, entries - 2, little);
        for (int i = 0; i < count; i++) {
            int entry = entries + 12 * i;
            if (entry + 12 > end) {
                return NORMAL;
            }
            if (u16(data, entry, little) != TAG_ORIENTATION) {
                continue;
            }
            int type = u16(data, entry + 2, little);
            long value = switch (type) {
                case TYPE_SHORT -> u16(data, entry + 8, little); // left-justified in the 4-byte value field
                case TYPE_LONG -> u32(data, entry + 8, little); // seen from a few writers; tolerated
                default -> 0;
            };
            return value >= 1 && value <= 8 ? (int) value : NORMAL;
        }
        return NORMAL;
    }

    private static boolean startsWith(byte[] data, int offset, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u8(byte[] data, int offset) {
        return data[offset] & 0xFF;
    }

    private static int u16(byte[] data, int offset, boolean little) {
        int a = u8(data, offset);
        int b = u8(data, offset + 1);
        return little ? (b << 8) | a : (a << 8) | b;
    }

    private static long u32(byte[] data, int offset, boolean little) {
        long hi = u16(data, offset + (little ? 2 : 0), little);
        long lo = u16(data, offset + (little ? 0 : 2), little);
        return (hi << 16) | lo;
    }
}
