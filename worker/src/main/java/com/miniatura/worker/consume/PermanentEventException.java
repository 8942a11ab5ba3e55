package com.miniatura.worker.consume;

/**
 * A record that can never be processed and cannot even be marked failed (no usable imageId):
 * not retried, it goes straight to the dead-letter topic with this message.
 */
public final class PermanentEventException extends RuntimeException {
    public PermanentEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
