package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.worker.WorkerApplication;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The worker against an embedded KRaft broker, with "object storage" a socket that hangs up on every
 * request (counting them by path): a valid event fails transiently on every delivery and is dead-lettered after exactly
 * max-attempts; a record with an unknown envelope is dead-lettered at its first delivery. Both keep
 * key, value and headers, and the consumer goes on with the next record.
 */
class DeadLettersKafkaTest {
    private static final String TOPIC = "retry-it.images";
    private static final String DLQ = DeadLetterContract.topicOf(TOPIC);

    static EmbeddedKafkaKraftBroker kafka;
    static ConfigurableApplicationContext worker;
    static ServerSocket storage;
    /**
     * Requests the storage socket received, by method and path: a HEAD of the manifest per delivery of an event, and
     * one more for each dead-lettered image's status, which DeadLetterStatus tries to write once and then abandons.
     */
    static final Map<String, Integer> fetches = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        kafka.addTopics(new NewTopic(TOPIC, 1, (short) 1), new NewTopic(DLQ, 1, (short) 1));
        storage = new ServerSocket(0);
        Thread storageThread = new Thread(DeadLettersKafkaTest::hangUpOnEveryRequest, "hang-up-storage");
        storageThread.setDaemon(true);
        storageThread.start();
        worker = new SpringApplicationBuilder(WorkerApplication.class)
                .run(
                        "--server.port=0",
                        "--management.server.port=0",
                        "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                        "--miniatura.kafka.topic=" + TOPIC,
                        "--miniatura.kafka.partitions=1",
                        "--miniatura.storage.endpoint=http://127.0.0.1:" + storage.getLocalPort(),
                        "--miniatura.storage.create-buckets=false",
                        "--spring.cloud.stream.bindings.images-in-0.consumer.concurrency=1",
                        "--spring.cloud.stream.kafka.bindings.images-in-0.consumer.configuration.auto.offset.reset=earliest",
                        "--miniatura.worker.retry.max-attempts=3",
                        "--miniatura.worker.retry.initial-interval=50ms",
                        "--miniatura.worker.retry.max-interval=100ms",
                        "--miniatura.worker.dead-letter-status.give-up-after=1ms");
    }

    @AfterAll
    static void stop() throws Exception {
        if (storage != null) {
            storage.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
    }

    @Test
    void deadLettersTransientFailuresAfterTheRetriesAndPermanentOnesAtOnce() throws Exception {
        Instant before = Instant.now();
        Map<String, String> valid =
                Map.of("ce_specversion", "1.0", "ce_type", "image.uploaded", "ce_id", "e-1", "ce_source", "/retry-it");
        Map<String, String> unknownEnvelope = Map.of(
                "ce_specversion", "9.9", "ce_type", "image.teleported", "ce_id", "e-2", "ce_source", "/retry-it");
        String validJson = "{\"imageId\":\"img-1\",\"bucket\":\"originals\",\"key\":\"img-1.jpg\"}";
        String strangeJson = "{\"imageId\":\"img-2\"}";
        String nextJson = "{\"imageId\":\"img-3\",\"bucket\":\"originals\",\"key\":\"img-3.jpg\"}";
        send("img-1", validJson, valid);
        send("img-2", strangeJson, unknownEnvelope);
        send(
                "img-3",
                nextJson,
                Map.of("ce_specversion", "1.0", "ce_type", "image.uploaded", "ce_id", "e-3", "ce_source", "/retry-it"));
        System.out.println("Injected: img-1 (valid, storage unreachable), img-2 (unknown envelope), img-3 (valid)");

        List<ConsumerRecord<byte[], byte[]>> dead = deadLetters(3);
        for (ConsumerRecord<byte[], byte[]> record : dead) {
            System.out.println(
                    "Dead letter " + text(record.key()) + ": class=" + header(record, DeadLetterContract.ERROR_CLASS)
                            + " attempts=" + header(record, DeadLetterContract.ATTEMPTS) + " failedAt="
                            + header(record, DeadLetterContract.FAILED_AT)
                            + " reason=" + header(record, DeadLetterContract.ERROR_REASON));
        }
        // Keyed partitioning keeps order: img-1 dead after its retries, then img-2, then img-3 (the consumer went on).
        assertThat(dead).extracting(r -> text(r.key())).containsExactly("img-1", "img-2", "img-3");

        ConsumerRecord<byte[], byte[]> transientOne = dead.get(0);
        assertThat(text(transientOne.value())).isEqualTo(validJson);
        assertThat(header(transientOne, "ce_id")).isEqualTo("e-1");
        assertThat(header(transientOne, DeadLetterContract.ERROR_CLASS))
                .isEqualTo(StorageUnavailableException.class.getName());
        assertThat(header(transientOne, DeadLetterContract.ERROR_REASON))
                .startsWith("stat metadata/img-1/manifest.json failed: ");
        assertThat(header(transientOne, DeadLetterContract.ERROR_REASON).getBytes(StandardCharsets.UTF_8))
                .hasSizeLessThanOrEqualTo(1024);
        assertThat(header(transientOne, DeadLetterContract.ATTEMPTS)).isEqualTo("3");
        assertThat(Instant.parse(header(transientOne, DeadLetterContract.FAILED_AT)))
                .isBetween(before, Instant.now());
        assertThat(header(transientOne, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(TOPIC);
        assertThat(transientOne.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION))
                .isNotNull();
        assertThat(transientOne
                        .headers()
                        .lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)
                        .value())
                .containsExactly(0, 0, 0, 0, 0, 0, 0, 0);

        ConsumerRecord<byte[], byte[]> permanentOne = dead.get(1);
        assertThat(text(permanentOne.value())).isEqualTo(strangeJson);
        assertThat(header(permanentOne, "ce_id")).isEqualTo("e-2");
        assertThat(header(permanentOne, DeadLetterContract.ERROR_CLASS))
                .isEqualTo(PermanentEventException.class.getName());
        assertThat(header(permanentOne, DeadLetterContract.ERROR_REASON))
                .startsWith("invalid event (not marked failed: unknown envelope): ");
        assertThat(header(permanentOne, DeadLetterContract.ATTEMPTS)).isEqualTo("1");
        assertThat(header(permanentOne, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(TOPIC);
        assertThat(permanentOne
                        .headers()
                        .lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)
                        .value())
                .containsExactly(0, 0, 0, 0, 0, 0, 0, 1);

        assertThat(text(dead.get(2).value())).isEqualTo(nextJson);
        assertThat(header(dead.get(2), DeadLetterContract.ATTEMPTS)).isEqualTo("3");
        System.out.println("Counted: " + dead.size() + " dead letters, attempts "
                + dead.stream().map(r -> header(r, DeadLetterContract.ATTEMPTS)).toList() + ", storage requests "
                + fetches);
        // Independent of the header: the storage saw each valid event exactly max-attempts times, and once more when
        // its status write was tried (the two valid images' statuses, each abandoned after one attempt).
        Counter abandoned =
                worker.getBean(MeterRegistry.class).counter("miniatura.dead.letter.statuses", "outcome", "abandoned");
        for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                abandoned.count() < 2 && System.nanoTime() < deadline; ) {
            Thread.sleep(10);
        }
        assertThat(abandoned.count()).isEqualTo(2);
        assertThat(fetches)
                .containsEntry("HEAD /metadata/img-1/manifest.json", 3 + 1)
                .containsEntry("HEAD /metadata/img-3/manifest.json", 3 + 1)
                .allSatisfy(
                        (request, count) -> assertThat(request).matches("(HEAD|GET) /metadata/img-[13]/manifest.json"));
    }

    private static void send(String key, String value, Map<String, String> headers) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                    TOPIC, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
            new LinkedHashMap<>(headers)
                    .forEach((name, v) -> record.headers().add(name, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        }
    }

    /** Reads the dead-letter topic until {@code count} records arrived (the test's own timeout aside, it waits). */
    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(int count) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "retry-it-reader");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(DLQ));
            Instant giveUp = Instant.now().plus(Duration.ofMinutes(2));
            while (records.size() < count && Instant.now().isBefore(giveUp)) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : text(header.value());
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Reads each request line, counts it, and closes the connection: the client sees storage as unreachable. */
    private static void hangUpOnEveryRequest() {
        while (!storage.isClosed()) {
            try (Socket socket = storage.accept()) {
                String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                if (line != null) {
                    String[] parts = line.split(" ");
                    fetches.merge(parts[0] + " " + parts[1].replaceFirst("\\?.*", ""), 1, Integer::sum);
                }
            } catch (IOException e) {
                // closed at the end of the test, or a client that gave up
            }
        }
    }
}
