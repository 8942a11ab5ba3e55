package com.miniatura.standalone;

import static com.miniatura.standalone.Services.awaitUp;
import static com.miniatura.standalone.Services.freePort;
import static com.miniatura.standalone.Services.get;
import static com.miniatura.standalone.Services.json;
import static com.miniatura.standalone.Services.launch;
import static com.miniatura.standalone.Services.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Fault injection against the standalone infrastructure (Kafka and S3 in this JVM) with the worker and
 * ingest API as separate processes, as production runs them. Each scenario prints what it injected and
 * what it counted: events sent / rendered / dead-lettered / lost.
 */
class FaultInjectionIT {
    private static final String TOPIC = "miniatura.images";

    @TempDir
    Path dataDir;
    private StandaloneMain infra;
    private MinioClient s3;
    private String bootstrap;
    private String storage;
    private final List<Process> processes = new ArrayList<>();
    private Process worker;
    private int workerPort;
    private String api;

    @BeforeEach
    void startInfrastructureAndServices() throws Exception {
        int kafkaPort = freePort();
        int s3Port = freePort();
        infra = StandaloneMain.start(new String[] {
                "--miniatura.standalone.components=kafka,s3",
                "--miniatura.standalone.data-dir=" + dataDir,
                "--miniatura.standalone.kafka-port=" + kafkaPort,
                "--miniatura.standalone.kafka-controller-port=" + freePort(),
                "--miniatura.standalone.s3-port=" + s3Port,
                "--server.port=0"});
        bootstrap = "localhost:" + kafkaPort;
        storage = "http://localhost:" + s3Port;
        s3 = MinioClient.builder().endpoint(storage).credentials("minioadmin", "minioadmin").build();
        int ingestPort = freePort();
        processes.add(launch("ingest-api/target/miniatura-ingest-api.jar", "--server.port=" + ingestPort,
                "--spring.kafka.bootstrap-servers=" + bootstrap, "--miniatura.storage.endpoint=" + storage));
        api = "http://localhost:" + ingestPort;
        awaitUp(api + "/actuator/health", processes);
        startWorker();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Process process : processes) {
            process.destroyForcibly().waitFor();
        }
        if (infra != null) {
            infra.close();
        }
    }

    private void startWorker() throws Exception {
        workerPort = freePort();
        worker = launch("worker/target/miniatura-worker.jar", "--server.port=" + workerPort,
                "--spring.kafka.bootstrap-servers=" + bootstrap, "--miniatura.storage.endpoint=" + storage);
        processes.add(worker);
        awaitUp("http://localhost:" + workerPort + "/actuator/health", List.of(worker));
    }

    /**
     * Scenario 1: the worker is killed hard (SIGKILL: no shutdown, nothing committed for work in hand) three
     * times while 500 events are in flight; after the last restart every image is rendered, none missing.
     */
    @Test
    void workerKilledHardThreeTimesWhile500EventsAreInFlightLosesNothing() throws Exception {
        int events = 500;
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = uploadOriginals(run, events);
        for (int from = 0; from < events; from += 100) {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int i = from; i < from + 100; i++) {
                batch.append(i == from ? "" : ",").append("{\"imageId\":\"").append(ids.get(i))
                        .append("\",\"bucket\":\"originals\",\"key\":\"").append(ids.get(i)).append(".jpg\"}");
            }
            HttpResponse<String> response = postJson(api + "/v1/events", batch.append("]}").toString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        }

        int kills = 3;
        for (int kill = 1; kill <= kills; kill++) {
            awaitProgress(run, kill * events / (kills + 2));
            worker.destroyForcibly().waitFor(); // SIGKILL
            System.out.printf("fault injection: SIGKILL #%d of the worker with %d of %d images stored%n",
                    kill, storedVariants(run), events);
            startWorker();
        }

        Map<String, Integer> outcomes = awaitFinalStatuses(ids);
        long deadLettered = deadLetters();
        int lost = events - outcomes.getOrDefault("rendered", 0);
        System.out.printf("fault injection: SIGKILL x%d; events sent %d / rendered %d / failed %d / dead-lettered %d / lost %d%n",
                kills, events, outcomes.getOrDefault("rendered", 0), outcomes.getOrDefault("failed", 0), deadLettered, lost);
        assertThat(outcomes).containsExactly(Map.entry("rendered", events));
        assertThat(deadLettered).isZero();
    }

    /**
     * Scenario 5: one event delivered 100 times (as a producer retrying blindly would) renders once and
     * leaves one consistent manifest; the other 99 are counted as skipped by the worker.
     */
    @Test
    void aHundredDuplicateDeliveriesProduceOneRenderAndOneManifest() throws Exception {
        String imageId = "dup-" + UUID.randomUUID().toString().substring(0, 8);
        putOriginal(imageId, Files.readAllBytes(fixtures().resolve("catalog/flowers-1024.jpg")));
        int copies = 100;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, imageId,
                    "{\"imageId\":\"" + imageId + "\",\"bucket\":\"originals\",\"key\":\"" + imageId + ".jpg\"}");
            for (Map.Entry<String, String> h : Map.of("ce_specversion", "1.0", "ce_type", "image.uploaded",
                    "ce_id", "dup-1", "ce_source", "/fault-injection").entrySet()) {
                record.headers().add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < copies; i++) {
                producer.send(record);
            }
            producer.flush();
        }
        long deadline = System.nanoTime() + Services.TIMEOUT.toNanos();
        double rendered = 0;
        double skipped = 0;
        while (rendered + skipped < copies && System.nanoTime() < deadline) {
            rendered = workerCount("rendered");
            skipped = workerCount("skipped");
            Thread.sleep(200);
        }
        JsonNode manifest = Services.JSON.readTree(read("thumbnails", imageId + "/manifest.json"));
        System.out.printf("fault injection: %d deliveries of one event; rendered %.0f / skipped %.0f / lost %d%n",
                copies, rendered, skipped, manifest.get("status").asString().equals("rendered") ? 0 : 1);
        assertThat(rendered).isEqualTo(1);
        assertThat(skipped).isEqualTo(copies - 1);
        assertThat(manifest.get("status").asString()).isEqualTo("rendered");
        assertThat(manifest.get("eventId").asString()).isEqualTo("dup-1");
    }

    private List<String> uploadOriginals(String run, int count) throws Exception {
        List<Path> photos;
        try (Stream<Path> files = Files.list(fixtures().resolve("catalog"))) {
            photos = files.sorted().toList();
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String imageId = "fi-" + run + "-" + i;
            putOriginal(imageId, Files.readAllBytes(photos.get(i % photos.size())));
            ids.add(imageId);
        }
        return ids;
    }

    private void putOriginal(String imageId, byte[] bytes) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket("originals").object(imageId + ".jpg")
                .data(bytes, bytes.length).contentType("image/jpeg").build());
    }

    private byte[] read(String bucket, String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }

    /** How many images of the run have their last variant stored (written just before the manifest). */
    private int storedVariants(String run) throws Exception {
        int count = 0;
        for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder().bucket("thumbnails").prefix("fi-" + run)
                .recursive(true).build())) {
            if (item.get().objectName().endsWith("/z1600.jpg")) {
                count++;
            }
        }
        return count;
    }

    private void awaitProgress(String run, int images) throws Exception {
        long deadline = System.nanoTime() + Services.TIMEOUT.toNanos();
        while (storedVariants(run) < images && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    /** Polls the status API until no image is pending; returns status → count. */
    private Map<String, Integer> awaitFinalStatuses(List<String> ids) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> pending = new ArrayList<>(ids);
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            List<String> still = new ArrayList<>();
            for (String id : pending) {
                HttpResponse<String> response = get(api + "/v1/images/" + id);
                String status = response.statusCode() == 200 ? json(response).get("status").asString() : "missing";
                if (status.equals("pending") || status.equals("missing")) {
                    still.add(id);
                } else {
                    outcomes.merge(status, 1, Integer::sum);
                }
            }
            pending = still;
            if (!pending.isEmpty()) {
                Thread.sleep(500);
            }
        }
        if (!pending.isEmpty()) {
            outcomes.put("pending", pending.size());
        }
        return outcomes;
    }

    private long deadLetters() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC + ".dlq").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private double workerCount(String outcome) throws Exception {
        HttpResponse<String> response = get("http://localhost:" + workerPort
                + "/actuator/metrics/miniatura.images?tag=outcome:" + outcome);
        if (response.statusCode() != 200) {
            return 0;
        }
        return json(response).get("measurements").get(0).get("value").asDouble();
    }

    private static Path fixtures() {
        return Path.of(System.getProperty("miniatura.fixtures"));
    }
}
