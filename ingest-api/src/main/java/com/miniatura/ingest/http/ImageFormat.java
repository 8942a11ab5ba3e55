package com.miniatura.ingest.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Formats the worker decodes, recognised by their first bytes (never by file name or the client's
 * Content-Type, which sellers' tools get wrong), so an upload is stored with a truthful type.
 */
enum ImageFormat {
    JPEG("jpg", "image/jpeg"),
    PNG("png", "image/png"),
    GIF("gif", "image/gif"),
    WEBP("webp", "image/webp"),
    BMP("bmp", "image/bmp"),
    TIFF("tif", "image/tiff");

    /** Enough of a file's start to tell its format ({@link #sniff}) and describe it ({@link #describe}). */
    static final int HEAD_BYTES = 32;

    final String extension;
    final String contentType;

    ImageFormat(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    static Optional<ImageFormat> sniff(byte[] head) {
        if (startsWith(head, 0, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(head, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(head, 0, 'G', 'I', 'F', '8')) {
            return Optional.of(GIF);
        }
        if (startsWith(head, 0, 'R', 'I', 'F', 'F') && startsWith(head, 8, 'W', 'E', 'B', 'P')) {
            return Optional.of(WEBP);
        }
        if (startsWith(head, 0, 'B', 'M') && head.length >= 26) {
            return Optional.of(BMP);
        }
        if (startsWith(head, 0, 'I', 'I', 0x2A, 0x00) || startsWith(head, 0, 'M', 'M', 0x00, 0x2A)) {
            return Optional.of(TIFF);
        }
        return Optional.empty();
    }

    /** A short description of what the bytes look like, for the refusal message. */
    static String describe(byte[] head) {
        if (head.length >= 12 && startsWith(head, 4, 'f', 't', 'y', 'p')) {
            String brand = new String(head, 8, 4, StandardCharsets.US_ASCII).trim();
            return "an ISO media file (brand " + brand + ", e.g. HEIC or AVIF)";
        }
        String text = new String(head, 0, Math.min(head.length, 5), StandardCharsets.US_ASCII).toLowerCase();
        if (text.startsWith("<svg") || text.startsWith("<?xml")) {
            return "an SVG/XML document";
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : Arrays.copyOf(head, Math.min(head.length, 4))) {
            hex.append(String.format(" 0x%02x", b & 0xFF));
        }
        return "not a recognised image (starts with" + hex + ")";
    }

    private static boolean startsWith(byte[] data, int offset, int... expected) {
        if (data.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((data[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
