package com.miniatura.ingest.rerender;

import java.util.Map;

/** Where a re-render's events go: the Kafka producer, or a test's collector. */
interface EventSink extends AutoCloseable {
    /** Queues an event; may block while the buffer is full. */
    void send(String topic, String key, Map<String, byte[]> headers, byte[] value);

    /** Waits until every event sent before the call is acknowledged. */
    void flush();

    /** The first send that failed, or {@code null}. */
    Exception failure();

    @Override
    void close();
}
