package com.miniatura.worker.render;

/**
 * What the renderer keeps from a source's metadata; everything else (GPS, camera serials, maker notes,
 * XMP) is dropped on decoding and can never reach an output.
 *
 * @param orientation EXIF orientation 1..8 (1 when absent or unreadable)
 * @param copyright   the EXIF copyright text, or {@code null}; written to outputs only for variants that
 *                    opt in with {@code keep-copyright}
 */
public record SourceMetadata(int orientation, String copyright) {
    public static final SourceMetadata NONE = new SourceMetadata(1, null);
}
