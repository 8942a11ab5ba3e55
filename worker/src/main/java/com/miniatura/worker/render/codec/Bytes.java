package com.miniatura.worker.render.codec;

/**
 * Unsigned integers read from a container's bytes, big- or little-endian: the one byte-reading helper every
 * container reader in this package uses. The caller has bounds-checked {@code offset}.
 */
public final class Bytes {

    private Bytes() {}

    public static int u8(byte[] b, int offset) {
        return b[offset] & 0xFF;
    }

    public static int u16(byte[] b, int offset, boolean little) {
        int a = b[offset] & 0xFF;
        int c = b[offset + 1] & 0xFF;
        return little ? (c << 8) | a : (a << 8) | c;
    }

    public static long u32(byte[] b, int offset, boolean little) {
        long hi = u16(b, offset + (little ? 2 : 0), little);
        long lo = u16(b, offset + (little ? 0 : 2), little);
        return (hi << 16) | lo;
    }

    public static int u16be(byte[] b, int offset) {
        return u16(b, offset, false);
    }

    public static int u16le(byte[] b, int offset) {
        return u16(b, offset, true);
    }

    public static int u24le(byte[] b, int offset) {
        return (b[offset] & 0xFF) | (b[offset + 1] & 0xFF) << 8 | (b[offset + 2] & 0xFF) << 16;
    }

    public static long u32be(byte[] b, int offset) {
        return u32(b, offset, false);
    }

    public static long u32le(byte[] b, int offset) {
        return u32(b, offset, true);
    }
}
