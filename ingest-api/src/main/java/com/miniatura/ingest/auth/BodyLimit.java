package com.miniatura.ingest.auth;

/**
 * The body a write route reads, and so how many bytes of it are read at most (refused with {@code 413} beyond, on
 * the bytes as they arrive, whatever {@code Content-Length} says). The sizes come from {@link AuthFilter.Limits}.
 */
public enum BodyLimit {
    /** No body ({@code DELETE}). */
    NONE,
    /** One small JSON document: 64 KiB, or {@code miniatura.ingest.max-body-size} if that is smaller. */
    JSON,
    /** A batch of events: {@code miniatura.ingest.max-body-size}. */
    BATCH,
    /**
     * A multipart upload: {@code miniatura.ingest.max-upload-size} plus 64 KiB of multipart framing. Counts against
     * {@code miniatura.ingest.max-concurrent-uploads}; a signed one is spooled to a temporary file, never held in the
     * heap.
     */
    UPLOAD
}
