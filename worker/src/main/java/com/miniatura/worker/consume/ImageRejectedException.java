package com.miniatura.worker.consume;

/**
 * The image itself cannot be rendered (missing, too large, corrupt, an unsupported format...): permanent.
 * By the time this is thrown its manifest already says {@code failed} with the same reason, for the
 * status API; the record then goes straight to the dead-letter topic, never retried, so that after a fix
 * (a raised limit, a new codec) {@code replay-dlq --error-class=ImageRejectedException} renders it again.
 */
public final class ImageRejectedException extends RuntimeException {
    private final String imageId;

    public ImageRejectedException(String imageId, String reason) {
        super(reason);
        this.imageId = imageId;
    }

    public String imageId() {
        return imageId;
    }
}
