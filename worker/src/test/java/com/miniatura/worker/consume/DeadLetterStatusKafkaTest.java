package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.worker.WorkerApplication;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The worker against an embedded KRaft broker and a small S3 stub that can be taken down: an upload whose every
 * delivery finds storage down is dead-lettered after its retries, and its status, {@code pending} as the ingest API
 * wrote it, says {@code failed} with the replay once storage is back. Regression: it stayed {@code pending} until
 * someone replayed the event, and nothing told the seller or the operator.
 */
class DeadLetterStatusKafkaTest {
    private static final String TOPIC = "dead-status-it.images";
    private static final Instant ACCEPTED = Instant.parse("2026-11-20T10:00:00Z");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private EmbeddedKafkaKraftBroker kafka;
    private HttpServer storage;
    private ConfigurableApplicationContext worker;
    /** The stub's objects by path, {@code /bucket/key}. */
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    private final AtomicBoolean down = new AtomicBoolean();
    /** Requests refused while down, by method and path, e.g. {@code HEAD /metadata/img-1/manifest.json}. */
    private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
        if (storage != null) {
            storage.stop(0);
        }
        if (kafka != null) {
            kafka.destroy();
        }
    }

    @Test
    void aDeadLetteredUploadSaysFailedWithTheReplayOnceStorageIsBack() throws Exception {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        kafka.addTopics(
                new NewTopic(TOPIC, 1, (short) 1), new NewTopic(DeadLetterContract.topicOf(TOPIC), 1, (short) 1));
        storage = s3Stub();
        // as the ingest API leaves an upload: pending, and its marker
        Manifest pending = Manifest.pending(
                "img-1", Manifest.Source.of("originals", "img-1.jpg", null, null, null), "e-1", ACCEPTED);
        objects.put("/metadata/img-1/manifest.json", ManifestCodec.write(pending));
        objects.put("/metadata/pending~/img-1", new byte[0]);
        down.set(true);
        send();
        worker = new SpringApplicationBuilder(WorkerApplication.class)
                .run(
                        "--server.port=0",
                        "--management.server.port=0",
                        "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                        "--miniatura.kafka.topic=" + TOPIC,
                        "--miniatura.kafka.partitions=1",
                        "--miniatura.storage.endpoint=http://127.0.0.1:"
                                + storage.getAddress().getPort(),
                        "--miniatura.storage.create-buckets=false",
                        "--spring.cloud.stream.bindings.images-in-0.consumer.concurrency=1",
                        "--spring.cloud.stream.kafka.bindings.images-in-0.consumer.configuration.auto.offset.reset=earliest",
                        "--miniatura.worker.retry.max-attempts=3",
                        "--miniatura.worker.retry.initial-interval=50ms",
                        "--miniatura.worker.retry.max-interval=100ms",
                        "--miniatura.worker.dead-letter-status.initial-interval=50ms",
                        "--miniatura.worker.dead-letter-status.max-interval=100ms");

        List<ConsumerRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(new String(
                        dead.get(0)
                                .headers()
                                .lastHeader(DeadLetterContract.ATTEMPTS)
                                .value(),
                        StandardCharsets.UTF_8))
                .isEqualTo("3");
        // a HEAD of the status per delivery (three), then the dead letter's status write reads it, tried again while
        // down
        await(() -> refusals("HEAD /metadata/img-1/manifest.json") >= 3 + 2);
        assertThat(status().status()).isEqualTo(Manifest.PENDING);

        down.set(false);
        await(() -> Manifest.FAILED.equals(status().status()));
        Manifest failed = status();
        System.out.println("Status once storage was back: " + failed.status() + ": " + failed.reason());
        assertThat(failed.reason())
                .isEqualTo("dead-lettered after 3 attempts: storage unavailable; replay with replay-dlq"
                        + " --error-class=StorageUnavailableException --miniatura.kafka.topic=" + TOPIC);
        assertThat(failed.eventId()).isEqualTo("e-1");
        assertThat(failed.source()).isEqualTo(Manifest.Source.of("originals", "img-1.jpg", null, null, null));
        await(() -> !objects.containsKey("/metadata/pending~/img-1"));
    }

    private Manifest status() {
        return ManifestCodec.read(objects.get("/metadata/img-1/manifest.json"));
    }

    private int refusals(String request) {
        AtomicInteger count = refused.get(request);
        return count == null ? 0 : count.get();
    }

    /** Waits (at most 2 minutes) until {@code condition} holds. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean())
                .as("condition met within 2 minutes")
                .isTrue();
    }

    private void send() throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(
                    TOPIC, "img-1", "{\"imageId\":\"img-1\",\"bucket\":\"originals\",\"key\":\"img-1.jpg\"}");
            for (Map.Entry<String, String> h : Map.of(
                            "ce_specversion",
                            "1.0",
                            "ce_type",
                            "image.uploaded",
                            "ce_id",
                            "e-1",
                            "ce_source",
                            "/dead-status-it",
                            "ce_time",
                            ACCEPTED.toString())
                    .entrySet()) {
                record.headers().add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
            }
            producer.send(record).get();
        }
    }

    /** Reads the dead-letter topic until a record arrived (at most 2 minutes). */
    private List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "dead-status-reader");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(DeadLetterContract.topicOf(TOPIC)));
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (records.isEmpty() && System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * HEAD, GET, PUT and DELETE of whole objects, as the worker uses them; while {@link #down}, every request is
     * answered 503 ServiceUnavailable.
     */
    private HttpServer s3Stub() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try (exchange) {
                String method = exchange.getRequestMethod();
                String path = exchange.getRequestURI().getPath();
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (down.get()) {
                    refused.computeIfAbsent(method + " " + path, k -> new AtomicInteger())
                            .incrementAndGet();
                    error(exchange, 503, "ServiceUnavailable", path);
                    return;
                }
                switch (method) {
                    case "PUT" -> {
                        objects.put(path, body);
                        exchange.getResponseHeaders().add("ETag", "\"e\"");
                        exchange.sendResponseHeaders(200, -1);
                    }
                    case "DELETE" -> {
                        objects.remove(path);
                        exchange.sendResponseHeaders(204, -1);
                    }
                    case "HEAD", "GET" -> {
                        byte[] object = objects.get(path);
                        if (object == null) {
                            error(exchange, 404, "NoSuchKey", path);
                            return;
                        }
                        exchange.getResponseHeaders().add("ETag", "\"e\"");
                        exchange.getResponseHeaders().add("Content-Type", "application/json");
                        exchange.getResponseHeaders().add("Last-Modified", HTTP_DATE.format(ACCEPTED));
                        if (method.equals("HEAD")) {
                            exchange.getResponseHeaders().add("Content-Length", Integer.toString(object.length));
                            exchange.sendResponseHeaders(200, -1);
                        } else {
                            exchange.sendResponseHeaders(200, object.length);
                            exchange.getResponseBody().write(object);
                        }
                    }
                    default -> error(exchange, 405, "MethodNotAllowed", path);
                }
            }
        });
        server.start();
        return server;
    }

    private static void error(HttpExchange exchange, int status, String code, String path) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + code
                        + "</Message><Resource>" + path
                        + "</Resource><RequestId>1</RequestId><HostId>1</HostId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
