package com.miniatura.common.storage;

/** Permanent: an object is larger than the caller allows reading into memory. */
public final class ObjectTooLargeException extends RuntimeException {
    private final long size;
    private final long limit;

    public ObjectTooLargeException(String bucket, String key, long size, long limit) {
        super("source too large: " + bucket + "/" + key + " has " + (size < 0 ? "more than " + limit : size)
                + " bytes, over the limit of " + limit);
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
