package com.miniatura.common.storage;

/** Permanent: object storage refused the request (4xx other than not-found); retrying will not help. */
public final class StorageRejectedException extends RuntimeException {
    public StorageRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
