package com.miniatura.worker.render.codec;

import static com.miniatura.worker.render.codec.Bytes.u16le;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Adds an EXIF chunk to a WebP file as libwebp's encoder writes it.
 *
 * <p>The encoder writes either a <em>simple</em> file (one {@code VP8 } or {@code VP8L} chunk) or, for lossy
 * images with alpha, an <em>extended</em> one ({@code VP8X}, {@code ALPH}, {@code VP8 }). Metadata chunks are
 * only allowed in the extended form, announced by a flag in {@code VP8X}, and must follow the image data
 * (RFC 9649, section 2.7). A simple file is therefore rewritten as {@code VP8X} (canvas size and alpha flag
 * taken from the bitstream header) + the original image chunk + {@code EXIF}; an extended one gets the EXIF
 * flag and the chunk appended. The RIFF size is recomputed either way.
 */
public final class WebpContainer {

    public static final int FLAG_ALPHA = 0x10;
    public static final int FLAG_EXIF = 0x08;

    private static final int HEADER = 12; // "RIFF" size "WEBP"

    private WebpContainer() {}

    /** {@code webp} with an {@code EXIF} chunk holding {@code tiff} (a TIFF block, without JPEG's Exif prefix). */
    public static byte[] withExif(byte[] webp, byte[] tiff) {
        if (webp.length < HEADER + 8
                || !fourCc(webp, 0).equals("RIFF")
                || !fourCc(webp, 8).equals("WEBP")) {
            throw new IllegalArgumentException("not a WebP file");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(webp.length + tiff.length + 32);
        out.write(webp, 0, HEADER); // RIFF size fixed below
        String first = fourCc(webp, HEADER);
        if (first.equals("VP8X")) {
            int flags = webp[HEADER + 8] & 0xFF;
            if ((flags & FLAG_EXIF) != 0) {
                throw new IllegalStateException("the encoder already wrote EXIF");
            }
            out.write(webp, HEADER, 8); // "VP8X" and its size
            out.write(flags | FLAG_EXIF);
            out.write(webp, HEADER + 9, webp.length - HEADER - 9);
        } else {
            Canvas canvas = canvas(webp, first);
            writeVp8x(out, FLAG_EXIF | (canvas.alpha() ? FLAG_ALPHA : 0), canvas.width(), canvas.height());
            out.write(webp, HEADER, webp.length - HEADER);
        }
        writeChunk(out, "EXIF", tiff);
        byte[] result = out.toByteArray();
        int riffSize = result.length - 8;
        result[4] = (byte) riffSize;
        result[5] = (byte) (riffSize >>> 8);
        result[6] = (byte) (riffSize >>> 16);
        result[7] = (byte) (riffSize >>> 24);
        return result;
    }

    /** Size and alpha of a simple file, read from its single image chunk's header. */
    public record Canvas(int width, int height, boolean alpha) {}

    public static Canvas canvas(byte[] webp, String chunk) {
        int data = HEADER + 8;
        if (chunk.equals("VP8 ")) {
            // frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height (2 scale bits above each)
            if ((webp[data + 3] & 0xFF) != 0x9D || (webp[data + 4] & 0xFF) != 0x01 || (webp[data + 5] & 0xFF) != 0x2A) {
                throw new IllegalArgumentException("VP8 chunk without a key frame start code");
            }
            return new Canvas(u16le(webp, data + 6) & 0x3FFF, u16le(webp, data + 8) & 0x3FFF, false);
        }
        if (chunk.equals("VP8L")) {
            // signature 0x2f, then width-1 (14 bits), height-1 (14 bits), alpha_is_used (1 bit), version (3 bits)
            if ((webp[data] & 0xFF) != 0x2F) {
                throw new IllegalArgumentException("VP8L chunk without its signature");
            }
            int bits = u16le(webp, data + 1) | u16le(webp, data + 3) << 16;
            return new Canvas((bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1, ((bits >>> 28) & 1) == 1);
        }
        throw new IllegalArgumentException("unexpected first WebP chunk " + chunk);
    }

    private static void writeVp8x(ByteArrayOutputStream out, int flags, int width, int height) {
        byte[] payload = new byte[10];
        payload[0] = (byte) flags; // bytes 1..3 reserved
        int24(payload, 4, width - 1);
        int24(payload, 7, height - 1);
        writeChunk(out, "VP8X", payload);
    }

    private static void writeChunk(ByteArrayOutputStream out, String fourCc, byte[] payload) {
        out.writeBytes(fourCc.getBytes(StandardCharsets.US_ASCII));
        byte[] size = new byte[4];
        int24(size, 0, payload.length);
        size[3] = (byte) (payload.length >>> 24);
        out.writeBytes(size);
        out.writeBytes(payload);
        if (payload.length % 2 == 1) {
            out.write(0); // chunks are padded to an even size; the size field excludes the padding
        }
    }

    private static void int24(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
        b[at + 2] = (byte) (value >>> 16);
    }

    public static String fourCc(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.US_ASCII);
    }
}
