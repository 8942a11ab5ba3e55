package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.worker.WorkerApplication;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
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
 * A worker whose group has no committed offset on a partition (a new group, or one whose offsets the broker expired
 * after a week without members, as the bulk lane's at zero pods) commits its starting position as soon as it is
 * assigned the partition. Regression: until a record was processed nothing was committed, so KEDA, finding no
 * offset, counted the partition's whole history as lag and kept the bulk lane at 50 idle pods.
 */
class CommitOnAssignmentKafkaTest {
    private static final String TOPIC = "assignment-it.images.bulk";
    private static final String GROUP = "assignment-it-bulk";
    private static final int PARTITIONS = 3;
    private static final int HISTORY = 4;

    private EmbeddedKafkaKraftBroker kafka;
    private ConfigurableApplicationContext worker;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
    }

    @Test
    void aGroupWithoutOffsetsCommitsItsPositionOnAssignmentSoNoLagIsCountedFromTheTopicsHistory() throws Exception {
        kafka = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
        kafka.afterPropertiesSet();
        kafka.addTopics(
                new NewTopic(TOPIC, PARTITIONS, (short) 1),
                new NewTopic(DeadLetterContract.topicOf(TOPIC), 1, (short) 1));
        // A week's history, rendered long ago and since removed by retention: the log starts where it ends.
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()),
                        new StringSerializer(),
                        new StringSerializer());
                Admin admin = admin()) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                for (int i = 0; i < HISTORY; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, partition, "old-" + i, "{}"))
                            .get();
                }
            }
            Map<TopicPartition, RecordsToDelete> retention = new HashMap<>();
            partitions().forEach(p -> retention.put(p, RecordsToDelete.beforeOffset(HISTORY)));
            admin.deleteRecords(retention).all().get();
            assertThat(admin.listConsumerGroupOffsets(GROUP)
                            .partitionsToOffsetAndMetadata()
                            .get())
                    .as("no offsets: the group is new, or expired")
                    .isEmpty();
        }

        worker = new SpringApplicationBuilder(WorkerApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                        "--miniatura.worker.topic=" + TOPIC,
                        "--miniatura.worker.group=" + GROUP,
                        "--miniatura.kafka.partitions=" + PARTITIONS,
                        "--miniatura.storage.endpoint=http://127.0.0.1:9",
                        "--miniatura.storage.create-buckets=false",
                        "--spring.cloud.stream.bindings.images-in-0.consumer.concurrency=1");

        Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata()
                        .get();
            }
            if (committed.size() == PARTITIONS) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(committed)
                .as("an offset committed on every assigned partition, before any record")
                .containsOnlyKeys(partitions());
        committed.forEach((partition, offset) -> assertThat(offset.offset())
                .as("%s: the log's start (the binder's earliest for a named group), so the lag is 0", partition)
                .isEqualTo(HISTORY));
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()));
    }

    private static List<TopicPartition> partitions() {
        return IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(TOPIC, p))
                .toList();
    }
}
