package com.miniatura.common.storage;

/** Transient: object storage could not be reached or answered 5xx; the same call may succeed later. */
public final class StorageUnavailableException extends RuntimeException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
