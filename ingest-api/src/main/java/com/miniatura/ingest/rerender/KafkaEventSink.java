package com.miniatura.ingest.rerender;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Re-render events to Kafka: the idempotent producer with {@code acks=all} (a checkpoint only counts what every
 * in-sync replica has), batched and compressed for throughput, with a bounded buffer so memory stays flat however
 * long the listing: a send blocks while 8 MB are in flight (enough for a full batch per partition of a 12-partition
 * topic with linger time to spare; more only made the collector work harder in a small heap).
 */
final class KafkaEventSink implements EventSink {
    private final KafkaProducer<String, byte[]> producer;
    private volatile Exception failure;

    KafkaEventSink(Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, 8L * 1024 * 1024);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "miniatura-rerender");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void send(String topic, String key, Map<String, byte[]> headers, byte[] value) {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach(recordHeaders::add);
        producer.send(new ProducerRecord<>(topic, null, key, value, recordHeaders), (metadata, e) -> {
            if (e != null && failure == null) {
                failure = e;
            }
        });
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public Exception failure() {
        return failure;
    }

    @Override
    public void close() {
        producer.close();
    }
}
