package com.miniatura.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kafka settings docs/reliability.md promises are the ones shipped: producers wait for every in-sync
 * replica and are idempotent; the production topics (deploy/base/kafka-topics.yaml) are replicated with a
 * write quorum and enough partitions for a fully scaled-out worker lane; a worker's in-flight work is bounded.
 */
class ShippedKafkaSettingsTest {
    /**
     * Each worker lane's KEDA maxReplicaCount (deploy/base/worker.yaml and worker-bulk.yaml; DeployManifestsTest
     * reads each lane's own from its ScaledObject in every overlay); the partition count must serve all of them.
     */
    private static final int MAX_WORKER_PODS = 50;

    @Test
    void bothProducersWaitForEveryInSyncReplicaAndAreIdempotent() {
        for (String defaults : List.of("miniatura/ingest-api-defaults.yml", "miniatura/worker-defaults.yml")) {
            Map<String, Object> producer = at(classpathYaml(defaults), "spring", "kafka", "producer");
            assertThat(producer.get("acks")).as(defaults).isEqualTo("all");
            assertThat(at(producer, "properties").get("enable.idempotence"))
                    .as(defaults)
                    .isEqualTo(true);
        }
    }

    @Test
    void productionTopicsAreReplicatedWithAWriteQuorumAndEnoughPartitions() throws Exception {
        Map<String, Map<String, Object>> topics = new TreeMap<>();
        for (Map<String, Object> topic : deployYaml("base/kafka-topics.yaml")) {
            assertThat(topic.get("kind")).isEqualTo("KafkaTopic");
            Map<String, Object> spec = at(topic, "spec");
            topics.put((String) spec.get("topicName"), spec);
        }
        // The live lane and the bulk lane of catalog re-renders, each with its dead-letter topic.
        List<String> lanes = List.of("miniatura.images", "miniatura.images.bulk");
        assertThat(topics)
                .containsOnlyKeys(
                        "miniatura.images",
                        "miniatura.images.dlq",
                        "miniatura.images.bulk",
                        "miniatura.images.bulk.dlq");
        int concurrency = (Integer) at(
                        classpathYaml("miniatura/worker-defaults.yml"),
                        "spring",
                        "cloud",
                        "stream",
                        "bindings",
                        "images-in-0",
                        "consumer")
                .get("concurrency");
        for (Map.Entry<String, Map<String, Object>> topic : topics.entrySet()) {
            Map<String, Object> spec = topic.getValue();
            assertThat(spec.get("replicas")).as(topic.getKey()).isEqualTo(3);
            assertThat(at(spec, "config").get("min.insync.replicas"))
                    .as(topic.getKey())
                    .isEqualTo(2);
            assertThat(at(spec, "config").get("unclean.leader.election.enable"))
                    .as(topic.getKey())
                    .isEqualTo(false);
        }
        long week = 7L * 24 * 3600 * 1000;
        for (String lane : lanes) {
            assertThat((Integer) topics.get(lane).get("partitions"))
                    .as("%s: partitions >= %d pods x %d consumer threads", lane, MAX_WORKER_PODS, concurrency)
                    .isGreaterThanOrEqualTo(MAX_WORKER_PODS * concurrency);
            assertThat(((Number) at(topics.get(DeadLetterContract.topicOf(lane)), "config")
                                    .get("retention.ms"))
                            .longValue())
                    .as("dead letters outlive the %s topic, for replay-dlq after a fix", lane)
                    .isGreaterThan(((Number) at(topics.get(lane), "config").get("retention.ms")).longValue())
                    .isGreaterThanOrEqualTo(week);
        }
    }

    @Test
    void aWorkersInFlightWorkIsBoundedSoABurstWaitsInKafka() {
        Map<String, Object> worker = classpathYaml("miniatura/worker-defaults.yml");
        int threads = (Integer) at(worker, "spring", "cloud", "stream", "bindings", "images-in-0", "consumer")
                .get("concurrency");
        int perPoll = (Integer)
                at(worker, "spring", "cloud", "stream", "kafka", "bindings", "images-in-0", "consumer", "configuration")
                        .get("max.poll.records");
        System.out.printf(
                "backpressure: at most %d threads x %d events of a poll = %d events held per worker%n",
                threads, perPoll, threads * perPoll);
        assertThat(threads).isBetween(1, 8);
        assertThat(threads * perPoll).as("events a worker holds at once").isLessThanOrEqualTo(32);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Map<String, Object> yaml, String... path) {
        Map<String, Object> node = yaml;
        for (String key : path) {
            assertThat(node).as("%s in %s", key, String.join(".", path)).containsKey(key);
            node = (Map<String, Object>) node.get(key);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> classpathYaml(String resource) {
        try (InputStream in = ShippedKafkaSettingsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new Yaml().load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> deployYaml(String file) throws Exception {
        Path path = Path.of("").toAbsolutePath().getParent().resolve("deploy").resolve(file);
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(path))) {
            documents.add((Map<String, Object>) document);
        }
        return documents;
    }
}
