package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.worker.WorkerApplication;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Graceful shutdown: a worker stopped (as on SIGTERM) while a poll of five images is in hand finishes the
 * image it is working on, commits it and exits without starting the others; a new worker then takes the
 * other four. Storage is a stub that answers slowly, so the stop lands mid-image.
 */
class GracefulShutdownKafkaTest {
    private static final String TOPIC = "shutdown-it.images";
    private static final int IMAGES = 5;

    private EmbeddedKafkaKraftBroker kafka;
    private HttpServer storage;
    /** Storage requests in arrival order, e.g. {@code GET img-1}, {@code PUT img-1}. */
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (storage != null) {
            storage.stop(0);
        }
        if (kafka != null) {
            kafka.destroy();
        }
    }

    @Test
    void stoppingFinishesTheImageInHandCommitsItAndLeavesTheRestToTheNextWorker() throws Exception {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        kafka.addTopics(
                new NewTopic(TOPIC, 1, (short) 1), new NewTopic(DeadLetterContract.topicOf(TOPIC), 1, (short) 1));
        storage = slowStorage();
        for (int i = 1; i <= IMAGES; i++) {
            send("img-" + i);
        }

        ConfigurableApplicationContext first = startWorker();
        awaitRequest("GET img-1");
        first.close(); // what the JVM's shutdown hook does on SIGTERM

        List<String> finishedByFirst =
                requests.stream().filter(r -> r.startsWith("PUT")).distinct().toList();
        assertThat(finishedByFirst)
                .as("the stopped worker finished the image in hand, and only it")
                .containsExactly("PUT img-1");
        assertThat(committedOffset())
                .as("offset committed for the finished image")
                .isEqualTo(1);

        ConfigurableApplicationContext second = startWorker();
        try {
            for (int i = 2; i <= IMAGES; i++) {
                awaitRequest("PUT img-" + i);
            }
        } finally {
            second.close();
        }
        List<String> finished =
                requests.stream().filter(r -> r.startsWith("PUT")).distinct().toList();
        assertThat(finished).hasSize(IMAGES);
        System.out.printf(
                "graceful shutdown: sent %d, finished by the stopped worker %d, by the next %d, lost %d%n",
                IMAGES, finishedByFirst.size(), finished.size() - finishedByFirst.size(), IMAGES - finished.size());
    }

    private ConfigurableApplicationContext startWorker() {
        return new SpringApplicationBuilder(WorkerApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                        "--miniatura.kafka.topic=" + TOPIC,
                        "--miniatura.kafka.partitions=1",
                        "--miniatura.storage.endpoint=http://127.0.0.1:"
                                + storage.getAddress().getPort(),
                        "--miniatura.storage.create-buckets=false",
                        "--miniatura.worker.shutdown-deadline=20s",
                        "--spring.cloud.stream.bindings.images-in-0.consumer.concurrency=1",
                        "--spring.cloud.stream.kafka.bindings.images-in-0.consumer.configuration.auto.offset.reset=earliest");
    }

    /**
     * Manifest reads take a second and find nothing, originals are missing, writes succeed: each image
     * ends {@code failed} after about a second, with two PUTs of its manifest (the render's attempt, then failed).
     */
    private HttpServer slowStorage() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String image =
                    path.replaceAll("^/(metadata|thumbnails|originals)/", "").replaceAll("[/.].*$", "");
            try {
                if (exchange.getRequestMethod().equals("DELETE")) {
                    exchange.sendResponseHeaders(204, -1); // S3: removing a missing object is no error
                } else if (exchange.getRequestMethod().equals("PUT")) {
                    requests.add("PUT " + image);
                    exchange.getResponseHeaders().add("ETag", "\"e\"");
                    exchange.sendResponseHeaders(200, -1);
                } else if (path.endsWith("/manifest.json")) {
                    requests.add("GET " + image);
                    Thread.sleep(1000);
                    notFound(exchange, path);
                } else {
                    notFound(exchange, path);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
        return server;
    }

    private static void notFound(HttpExchange exchange, String path) throws IOException {
        byte[] body =
                ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key"
                                + " does not exist.</Message><Resource>" + path
                                + "</Resource><RequestId>1</RequestId><HostId>1</HostId></Error>")
                        .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
    }

    private void awaitRequest(String request) throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!requests.contains(request) && System.nanoTime() < giveUp) {
            Thread.sleep(20);
        }
        assertThat(requests).as("storage requests").contains(request);
    }

    private long committedOffset() throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("miniatura-worker")
                    .partitionsToOffsetAndMetadata()
                    .get();
            OffsetAndMetadata offset = offsets.get(new TopicPartition(TOPIC, 0));
            return offset == null ? 0 : offset.offset();
        }
    }

    private void send(String imageId) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(
                    TOPIC,
                    imageId,
                    "{\"imageId\":\"" + imageId + "\",\"bucket\":\"originals\",\"key\":\"" + imageId + ".jpg\"}");
            for (Map.Entry<String, String> h : Map.of(
                            "ce_specversion",
                            "1.0",
                            "ce_type",
                            "image.uploaded",
                            "ce_id",
                            "e-" + imageId,
                            "ce_source",
                            "/shutdown-it")
                    .entrySet()) {
                record.headers().add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
            }
            producer.send(record).get();
        }
    }
}
