package com.miniatura.ingest.auth;

/**
 * A request body went past its route's limit while it was being read ({@link BodyLimit}); answered {@code 413}
 * naming {@code body}.
 */
public final class BodyTooLargeException extends RuntimeException {
    private final long limit;

    BodyTooLargeException(long limit) {
        super("is larger than the " + limit + " bytes this endpoint accepts", null, false, false);
        this.limit = limit;
    }

    /** The most bytes the route reads. */
    public long limit() {
        return limit;
    }
}
