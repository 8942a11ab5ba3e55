package com.miniatura.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.config.KafkaSettings;
import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.EventCodec;
import com.miniatura.common.event.ImageDeleted;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.ingest.IngestSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

/**
 * Ordering per image rests on the record key: every event of an image, upload or deletion, is keyed by its
 * imageId, so Kafka puts them on one partition in the order they were published.
 */
class EventPublisherTest {
    /** The template closes its producer after each send; every one it made is kept to read what was sent. */
    private final List<MockProducer<String, byte[]>> producers = new ArrayList<>();

    private final EventPublisher publisher = new EventPublisher(
            new KafkaTemplate<>(new MockProducerFactory<>(() -> {
                MockProducer<String, byte[]> producer =
                        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
                producers.add(producer);
                return producer;
            })),
            new MiniaturaSettings(
                    new StorageSettings(
                            "http://s3", "us-east-1", "k", "s", "originals", "thumbnails", "no-cache", false),
                    new KafkaSettings("miniatura.images", 12, false),
                    VariantCatalog.of(List.of())),
            new IngestSettings("/test", 10, 1024, 1024, Duration.ofSeconds(5), Duration.ofSeconds(10)),
            meters());

    private static SimpleMeterRegistry registry;

    private static MeterRegistry meters() {
        registry = new SimpleMeterRegistry();
        return registry;
    }

    @Test
    void everyEventOfAnImageIsKeyedByItsImageIdInPublicationOrder() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        List<ImageEvent> events = List.of(
                new ImageEvent(
                        "e-1",
                        "/test",
                        now,
                        new ImageUploaded("img-1", null, "originals", "img-1.jpg", null, null, null)),
                new ImageEvent(
                        "e-2",
                        "/test",
                        now,
                        new ImageUploaded("img-2", null, "originals", "img-2.jpg", null, null, null)),
                new ImageEvent("e-3", "/test", now.plusSeconds(1), new ImageDeleted("img-1")),
                new ImageEvent(
                        "e-4",
                        "/test",
                        now.plusSeconds(2),
                        new ImageUploaded("img-1", null, "originals", "img-1.png", null, null, null)));
        publisher.publishAll(events);

        List<ProducerRecord<String, byte[]>> sent =
                producers.stream().flatMap(p -> p.history().stream()).toList();
        assertThat(sent).extracting(ProducerRecord::topic).containsOnly("miniatura.images");
        assertThat(sent).extracting(ProducerRecord::key).containsExactly("img-1", "img-2", "img-1", "img-1");
        assertThat(sent).extracting(r -> header(r, "ce_id")).containsExactly("e-1", "e-2", "e-3", "e-4");
        assertThat(sent)
                .extracting(r -> header(r, "ce_type"))
                .containsExactly("image.uploaded", "image.uploaded", "image.deleted", "image.uploaded");
        ProducerRecord<String, byte[]> deletion = sent.get(2);
        assertThat(EventCodec.decode(headers(deletion), deletion.value())).isEqualTo(events.get(2));
    }

    @Test
    void theRequestsTraceTravelsWithItsEventsAndIsCounted() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        MDC.put("traceparent", traceparent);
        try {
            publisher.publishAll(List.of(new ImageEvent(
                    "e-1",
                    "/test",
                    Instant.EPOCH,
                    new ImageUploaded("img-1", null, "originals", "img-1.jpg", null, null, null))));
        } finally {
            MDC.remove("traceparent");
        }
        List<ProducerRecord<String, byte[]>> sent =
                producers.stream().flatMap(p -> p.history().stream()).toList();
        assertThat(sent)
                .singleElement()
                .satisfies(r -> assertThat(header(r, "traceparent")).isEqualTo(traceparent));
        assertThat(registry.get("miniatura.events.published")
                        .tag("type", "image.uploaded")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("miniatura.publish").timer().count()).isEqualTo(1);
    }

    private static String header(ProducerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> headers(ProducerRecord<?, ?> record) {
        return StreamSupport.stream(record.headers().spliterator(), false)
                .collect(Collectors.toMap(Header::key, Header::value));
    }
}
