package com.miniatura.ingest.publish;

/** Kafka did not acknowledge every record in time: the request must be retried; nothing was promised. */
public final class BrokerUnavailableException extends RuntimeException {
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
