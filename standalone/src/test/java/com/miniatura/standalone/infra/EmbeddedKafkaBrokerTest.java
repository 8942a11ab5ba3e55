package com.miniatura.standalone.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

    private static final String TOPIC = "image-uploaded";
    private static final String GROUP = "miniatura-worker";

    @TempDir
    Path dataDir;

    @Test
    void topicsAndRecordsSurviveARestartOnTheSameDirectory() throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        String clusterId;

        long t0 = System.nanoTime();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dataDir, "localhost", port, controllerPort)) {
            System.out.printf(
                    "EmbeddedKafkaBroker first start (format + start + ready): %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(kafka.bootstrapServers()).isEqualTo("localhost:" + port);
            try (Admin admin = admin(kafka)) {
                clusterId = admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = producer(kafka)) {
                ProducerRecord<String, String> record =
                        new ProducerRecord<>(TOPIC, "img-42", "{\"imageId\":\"img-42\"}");
                record.headers().add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
                record.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
            try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
                consumer.subscribe(List.of(TOPIC));
                ConsumerRecord<String, String> record = pollOne(consumer);
                assertThat(record.key()).isEqualTo("img-42");
                assertThat(record.value()).isEqualTo("{\"imageId\":\"img-42\"}");
                assertThat(header(record, "trace-id")).isEqualTo("t-1");
                assertThat(header(record, "content-type")).isEqualTo("application/json");
                consumer.commitSync();
            }
            // Auto topic creation uses num.partitions = 12.
            try (KafkaProducer<String, String> producer = producer(kafka)) {
                producer.send(new ProducerRecord<>("auto-created", "k", "v")).get(30, TimeUnit.SECONDS);
            }
            try (Admin admin = admin(kafka)) {
                assertThat(describe(admin, "auto-created").partitions()).hasSize(12);
            }
        }
        assertThat(dataDir.resolve("kraft-combined-logs/meta.properties")).exists();
        String metaProperties = Files.readString(dataDir.resolve("kraft-combined-logs/meta.properties"));

        // Same directory, same ports: the ports were released, and nothing was reformatted.
        long t1 = System.nanoTime();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dataDir, "localhost", port, controllerPort)) {
            System.out.printf(
                    "EmbeddedKafkaBroker restart (start + ready): %d ms%n", (System.nanoTime() - t1) / 1_000_000);
            assertThat(Files.readString(dataDir.resolve("kraft-combined-logs/meta.properties")))
                    .isEqualTo(metaProperties);
            try (Admin admin = admin(kafka)) {
                assertThat(admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
                        .isEqualTo(clusterId);
                assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains(TOPIC, "auto-created");
                assertThat(describe(admin, TOPIC).partitions()).hasSize(3);
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
                assertThat(committed.values().stream()
                                .mapToLong(OffsetAndMetadata::offset)
                                .sum())
                        .isEqualTo(1);
            }
            // The record is still in the log: a new group reads it again from the beginning.
            try (KafkaConsumer<String, String> consumer = consumer(kafka, "another-group")) {
                consumer.subscribe(List.of(TOPIC));
                ConsumerRecord<String, String> record = pollOne(consumer);
                assertThat(record.key()).isEqualTo("img-42");
                assertThat(header(record, "trace-id")).isEqualTo("t-1");
            }
            // The first group has committed past it, so it sees only what comes next.
            try (KafkaProducer<String, String> producer = producer(kafka)) {
                producer.send(new ProducerRecord<>(TOPIC, "img-43", "{}")).get(30, TimeUnit.SECONDS);
            }
            try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
                consumer.subscribe(List.of(TOPIC));
                assertThat(pollOne(consumer).key()).isEqualTo("img-43");
            }
        }
    }

    @Test
    void aBusyPortFailsTheStart() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dataDir, "localhost", busy.getLocalPort(), freePort())
                            .close())
                    .hasRootCauseInstanceOf(BindException.class);
        }
    }

    private static Admin admin(EmbeddedKafkaBroker kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(Set.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic);
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafkaBroker kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafkaBroker kafka) {
        return consumer(kafka, GROUP);
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafkaBroker kafka, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private static ConsumerRecord<String, String> pollOne(KafkaConsumer<String, String> consumer) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
