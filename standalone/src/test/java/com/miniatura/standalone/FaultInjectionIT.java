package com.miniatura.standalone;

import static com.miniatura.standalone.Services.STANDALONE_READY;
import static com.miniatura.standalone.Services.awaitUp;
import static com.miniatura.standalone.Services.freePort;
import static com.miniatura.standalone.Services.get;
import static com.miniatura.standalone.Services.inParallel;
import static com.miniatura.standalone.Services.json;
import static com.miniatura.standalone.Services.killHard;
import static com.miniatura.standalone.Services.launch;
import static com.miniatura.standalone.Services.launchAndAwaitOutput;
import static com.miniatura.standalone.Services.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.standalone.pipeline.Bombs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Fault injection against the standalone infrastructure with the worker and ingest API as separate processes,
 * as production runs them: Kafka and S3 each run in a process of their own ({@code miniatura-standalone.jar
 * --miniatura.standalone.components=kafka} and {@code =s3}) on fixed ports and one data directory, so a
 * scenario can kill one and start it again on the same log and files. Each scenario prints what it injected
 * and what it counted: events sent / rendered / dead-lettered / lost.
 */
class FaultInjectionIT {
    private static final String TOPIC = "miniatura.images";
    private static final String STANDALONE = "standalone/target/miniatura-standalone.jar";

    @TempDir
    Path dataDir;

    private int kafkaPort;
    private int kafkaControllerPort;
    private int s3Port;
    private Process kafka;
    private Process s3Server;
    private MinioClient s3;
    private String bootstrap;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private Process ingest;
    private Process worker;
    private int workerPort;
    private String api;

    @BeforeEach
    void startInfrastructureAndServices() throws Exception {
        kafkaPort = freePort();
        kafkaControllerPort = freePort();
        s3Port = freePort();
        inParallel(() -> startKafka(), () -> startS3());
        bootstrap = "localhost:" + kafkaPort;
        s3 = MinioClient.builder()
                .endpoint(storage())
                .credentials("minioadmin", "minioadmin")
                .build();
        int ingestPort = freePort();
        ingest = launch(
                "ingest-api/target/miniatura-ingest-api.jar",
                "--server.port=" + ingestPort,
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--miniatura.storage.endpoint=" + storage());
        processes.add(ingest);
        api = "http://localhost:" + ingestPort;
        startWorker(); // while the ingest API starts
        awaitUp(api + "/actuator/health", processes);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = processes.size() - 1; i >= 0; i--) { // services first, then the infrastructure
            processes.get(i).destroyForcibly().waitFor();
        }
    }

    /** The broker alone, on the same ports and log every time it is started. */
    private Process startKafka() throws Exception {
        kafka = launchAndAwaitOutput(
                STANDALONE,
                STANDALONE_READY,
                "--miniatura.standalone.components=kafka",
                "--miniatura.standalone.data-dir=" + dataDir,
                "--miniatura.standalone.kafka-port=" + kafkaPort,
                "--miniatura.standalone.kafka-controller-port=" + kafkaControllerPort);
        processes.add(kafka);
        return kafka;
    }

    /** The S3 server alone, on the same port and files every time it is started. */
    private Process startS3() throws Exception {
        s3Server = launchAndAwaitOutput(
                STANDALONE,
                STANDALONE_READY,
                "--miniatura.standalone.components=s3",
                "--miniatura.standalone.data-dir=" + dataDir,
                "--miniatura.standalone.s3-port=" + s3Port);
        processes.add(s3Server);
        return s3Server;
    }

    private String storage() {
        return "http://localhost:" + s3Port;
    }

    private void startWorker() throws Exception {
        workerPort = freePort();
        worker = launch(
                "worker/target/miniatura-worker.jar",
                "--server.port=" + workerPort,
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--miniatura.storage.endpoint=" + storage());
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
            HttpResponse<String> response =
                    postJson(api + "/v1/events", batch(ids.subList(from, from + 100), id -> id + ".jpg"));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        }

        int kills = 3;
        for (int kill = 1; kill <= kills; kill++) {
            awaitProgress(run, kill * events / (kills + 2));
            killHard(worker);
            System.out.printf(
                    "fault injection: SIGKILL #%d of the worker with %d of %d images stored%n",
                    kill, storedVariants(run), events);
            startWorker();
        }

        Map<String, Integer> outcomes = awaitFinalStatuses(ids);
        long deadLettered = deadLetters();
        int lost = events - outcomes.getOrDefault("rendered", 0);
        System.out.printf(
                "fault injection: SIGKILL x%d; events sent %d / rendered %d / failed %d / dead-lettered %d / lost %d%n",
                kills,
                events,
                outcomes.getOrDefault("rendered", 0),
                outcomes.getOrDefault("failed", 0),
                deadLettered,
                lost);
        assertThat(outcomes).containsExactly(Map.entry("rendered", events));
        assertThat(deadLettered).isZero();
    }

    /**
     * Scenario 2: the S3 server is killed hard while 40 events are being rendered and stays away for 30 s, then
     * starts again on the same files. The image ids are chosen so that every event lands on one partition: one
     * consumer thread takes them in order and retries the record in hand alone, so that record's own backoff
     * must span the outage (with events on many partitions, a thread alternates between their records and each
     * record's attempts stretch further). With the worker's shipped retry defaults (no override here) every
     * record that failed meanwhile is retried until storage is back: all rendered, none dead-lettered, none lost.
     */
    @Test
    void s3AwayFor30SecondsMidStreamLosesNothingAndDeadLettersNothing() throws Exception {
        int events = 40;
        String run = UUID.randomUUID().toString().substring(0, 8);
        int partitions = partitionCount();
        List<String> ids = new ArrayList<>();
        for (int i = 0; ids.size() < events; i++) {
            String id = "fi-" + run + "-" + i;
            if (partitionOf(id, partitions) == 0) {
                ids.add(id);
            }
        }
        uploadOriginals(ids);
        HttpResponse<String> response = postJson(api + "/v1/events", batch(ids, id -> id + ".jpg"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);

        awaitProgress(run, 3);
        killHard(s3Server);
        int storedAtKill = storedVariants(run, Files.list(dataDir.resolve("s3/thumbnails")));
        Duration outage = Duration.ofSeconds(30);
        System.out.printf(
                "fault injection: S3 killed (SIGKILL) with %d of %d images (all on partition 0 of %d) stored; "
                        + "away for %d s%n",
                storedAtKill, events, partitions, outage.toSeconds());
        assertThat(storedAtKill).as("S3 went away mid-stream").isLessThan(events);
        Thread.sleep(outage.toMillis());
        startS3();

        Map<String, Integer> outcomes = awaitFinalStatuses(ids);
        long deadLettered = deadLetters();
        int lost = events - outcomes.getOrDefault("rendered", 0);
        System.out.printf(
                "fault injection: S3 away %d s; events sent %d / rendered %d / failed %d / dead-lettered %d / lost %d%n",
                outage.toSeconds(),
                events,
                outcomes.getOrDefault("rendered", 0),
                outcomes.getOrDefault("failed", 0),
                deadLettered,
                lost);
        assertThat(outcomes).containsExactly(Map.entry("rendered", events));
        assertThat(deadLettered).isZero();
        assertThat(worker.isAlive())
                .as("the worker rode out the outage without a restart")
                .isTrue();
    }

    /** One {@code POST /v1/events} of the broker-restart scenario, as the client saw it. */
    private record Post(
            long startedAt,
            long endedAt,
            List<String> ids,
            int status,
            String contentType,
            Optional<String> retryAfter,
            String body) {}

    /**
     * Scenario 3: while a client posts a batch of events every 0.5 s, the broker is killed hard and started
     * again on the same log. While it is down, ingest answers {@code 503} problem+json with {@code Retry-After}
     * (and never {@code 202}); after it is back ingest accepts again, and every event that got a {@code 202}
     * is rendered by the same worker process, which reconnects by itself: lost 0.
     */
    @Test
    void brokerRestartedMidStreamIngestAnswers503WhileDownAndNoAcceptedEventIsLost() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> originals = uploadOriginals(run + "-original", 6);
        List<Post> posts = new CopyOnWriteArrayList<>();
        AtomicBoolean posting = new AtomicBoolean(true);
        Thread client = new Thread(
                () -> {
                    for (int next = 0; posting.get(); ) {
                        Map<String, String> keys = new LinkedHashMap<>();
                        for (int i = 0; i < 5; i++, next++) {
                            keys.put("fi-" + run + "-" + next, originals.get(next % originals.size()) + ".jpg");
                        }
                        List<String> ids = List.copyOf(keys.keySet());
                        long started = System.nanoTime();
                        try {
                            // Services' HTTP timeout (60 s) is far above ingest's publish timeout (12 s).
                            HttpResponse<String> response = postJson(api + "/v1/events", batch(ids, keys::get));
                            posts.add(new Post(
                                    started,
                                    System.nanoTime(),
                                    ids,
                                    response.statusCode(),
                                    response.headers()
                                            .firstValue("Content-Type")
                                            .orElse(""),
                                    response.headers().firstValue("Retry-After"),
                                    response.body()));
                        } catch (IOException e) {
                            posts.add(
                                    new Post(started, System.nanoTime(), ids, -1, "", Optional.empty(), e.toString()));
                        } catch (InterruptedException e) {
                            return;
                        }
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "fault-injection-client");
        client.start();
        try {
            awaitPosts(posts, p -> p.status() == 202, 4, "posts accepted before the fault");
            awaitProgress(run, 2);
            long killedAt = System.nanoTime();
            killHard(kafka);
            System.out.printf(
                    "fault injection: broker killed (SIGKILL) after %d accepted posts, %d images stored%n",
                    count(posts, p -> p.status() == 202), storedVariants(run));
            awaitPosts(
                    posts,
                    p -> p.startedAt() > killedAt && p.status() != 202,
                    2,
                    "posts refused while the broker is down");
            long relaunchedAt = System.nanoTime();
            startKafka();
            long backAt = System.nanoTime();
            System.out.printf(
                    "fault injection: broker started again after %d s down (%d s of it starting)%n",
                    Duration.ofNanos(backAt - killedAt).toSeconds(),
                    Duration.ofNanos(backAt - relaunchedAt).toSeconds());
            awaitPosts(
                    posts,
                    p -> p.startedAt() > backAt && p.status() == 202,
                    3,
                    "posts accepted once the broker is back");

            posting.set(false);
            client.join(Duration.ofSeconds(90).toMillis());
            assertThat(client.isAlive()).isFalse();
            List<Post> whileDown = posts.stream()
                    .filter(p -> p.startedAt() > killedAt && p.endedAt() < relaunchedAt)
                    .toList();
            List<String> accepted = posts.stream()
                    .filter(p -> p.status() == 202)
                    .flatMap(p -> p.ids().stream())
                    .toList();
            List<Post> refused = posts.stream().filter(p -> p.status() == 503).toList();
            Map<String, Integer> outcomes = awaitFinalStatuses(accepted);
            long deadLettered = deadLetters();
            int lost = accepted.size() - outcomes.getOrDefault("rendered", 0);
            System.out.printf(
                    "fault injection: broker restart; posts %d: 202 %d, 503 %d (%d of them while down, "
                            + "answered in %.1f..%.1f s); first 202 %.1f s after the broker was back; "
                            + "events accepted %d / rendered %d / failed %d / dead-lettered %d / lost %d%n",
                    posts.size(),
                    count(posts, p -> p.status() == 202),
                    refused.size(),
                    count(whileDown, p -> p.status() == 503),
                    refused.stream()
                                    .mapToLong(p -> p.endedAt() - p.startedAt())
                                    .min()
                                    .orElse(0)
                            / 1e9,
                    refused.stream()
                                    .mapToLong(p -> p.endedAt() - p.startedAt())
                                    .max()
                                    .orElse(0)
                            / 1e9,
                    posts.stream()
                                    .filter(p -> p.startedAt() > backAt && p.status() == 202)
                                    .mapToLong(p -> p.endedAt() - backAt)
                                    .min()
                                    .orElse(0)
                            / 1e9,
                    accepted.size(),
                    outcomes.getOrDefault("rendered", 0),
                    outcomes.getOrDefault("failed", 0),
                    deadLettered,
                    lost);

            assertThat(posts)
                    .as("every answer is 202 or 503")
                    .allSatisfy(p -> assertThat(p.status()).as(p.body()).isIn(202, 503));
            assertThat(whileDown)
                    .as("posts made while the broker was down")
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(p.status()).as(p.body()).isEqualTo(503));
            assertThat(refused).allSatisfy(p -> {
                assertThat(p.contentType()).isEqualTo("application/problem+json");
                assertThat(p.retryAfter()).as("Retry-After").hasValue("10");
                assertThat(Services.JSON.readTree(p.body()).get("title").asString())
                        .isEqualTo("Event broker unavailable");
            });
            assertThat(outcomes).containsExactly(Map.entry("rendered", accepted.size()));
            assertThat(deadLettered).isZero();
            assertThat(worker.isAlive())
                    .as("the same worker process, never restarted")
                    .isTrue();
            assertThat(ingest.isAlive()).as("the same ingest process").isTrue();
        } finally {
            posting.set(false);
            client.interrupt();
        }
    }

    /**
     * Scenario 4: three poison records, then five good uploads, all on partition 0 so the good ones are queued
     * behind the poison: (a) a value that is not JSON under valid CloudEvents headers, (b) the event of a
     * decompression-bomb original, (c) an event with {@code ce_specversion} 2.0. Exactly those three are
     * dead-lettered at their first delivery, each with its error class and a reason naming what is wrong;
     * (a) and (b) are also {@code failed} with that reason in the status API, (c) is left alone (unknown
     * envelope); the five good ones are rendered.
     */
    @Test
    void poisonRecordsAreDeadLetteredWithReasonsAndTheUploadsBehindThemRender() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String undecodable = "fi-" + run + "-undecodable";
        String bomb = "fi-" + run + "-bomb";
        String unknownVersion = "fi-" + run + "-v2";
        byte[] bombPng = Bombs.png(20_000, 20_000);
        s3.putObject(PutObjectArgs.builder()
                .bucket("originals")
                .object(bomb + ".png")
                .data(bombPng, bombPng.length)
                .contentType("image/png")
                .build());
        List<String> good = uploadOriginals(run, 5);
        putOriginal(unknownVersion, Files.readAllBytes(fixtures().resolve("catalog/flowers-1024.jpg")));

        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        records.add(onPartition0(undecodable, "not JSON {".getBytes(StandardCharsets.UTF_8), "1.0"));
        records.add(onPartition0(bomb, payload(bomb, bomb + ".png"), "1.0"));
        records.add(onPartition0(unknownVersion, payload(unknownVersion, unknownVersion + ".jpg"), "2.0"));
        for (String id : good) {
            records.add(onPartition0(id, payload(id, id + ".jpg"), "1.0"));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record).get();
            }
        }

        List<String> handled = new ArrayList<>(good);
        handled.addAll(List.of(undecodable, bomb));
        Map<String, Integer> outcomes = awaitFinalStatuses(handled);
        List<ConsumerRecord<byte[], byte[]>> deadLetters =
                Services.records(bootstrap, DeadLetterContract.topicOf(TOPIC));
        Map<String, Map<String, String>> byKey = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : deadLetters) {
            Map<String, String> headers = new TreeMap<>();
            record.headers().forEach(h -> {
                if (h.key().startsWith("miniatura-")) {
                    headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                }
            });
            byKey.put(new String(record.key(), StandardCharsets.UTF_8), headers);
            System.out.printf(
                    "fault injection: dead letter %s: %s (%s attempt(s)): %s%n",
                    new String(record.key(), StandardCharsets.UTF_8),
                    headers.get(DeadLetterContract.ERROR_CLASS),
                    headers.get(DeadLetterContract.ATTEMPTS),
                    headers.get(DeadLetterContract.ERROR_REASON));
        }
        int rendered = outcomes.getOrDefault("rendered", 0);
        System.out.printf(
                "fault injection: poison x3 (undecodable, bomb, ce_specversion 2.0) ahead of %d uploads; "
                        + "events sent %d / rendered %d / failed %d / dead-lettered %d / lost %d%n",
                good.size(),
                records.size(),
                rendered,
                outcomes.getOrDefault("failed", 0),
                deadLetters.size(),
                good.size() - rendered);

        assertThat(byKey).as("dead letters by record key").containsOnlyKeys(undecodable, bomb, unknownVersion);
        assertThat(deadLetters).hasSize(3);
        assertThat(byKey.values())
                .allSatisfy(h -> assertThat(h.get(DeadLetterContract.ATTEMPTS))
                        .as("never retried")
                        .isEqualTo("1"));
        assertThat(byKey.get(undecodable).get(DeadLetterContract.ERROR_CLASS))
                .isEqualTo("com.miniatura.worker.consume.PermanentEventException");
        assertThat(byKey.get(undecodable).get(DeadLetterContract.ERROR_REASON))
                .startsWith("invalid event (image " + undecodable + " marked failed): data: is not valid JSON: ");
        assertThat(byKey.get(bomb).get(DeadLetterContract.ERROR_CLASS))
                .isEqualTo("com.miniatura.worker.consume.ImageRejectedException");
        String bombReason = "source too large: 20000x20000 = 400000000 pixels exceeds the limit of 250000000";
        assertThat(byKey.get(bomb).get(DeadLetterContract.ERROR_REASON)).isEqualTo(bombReason);
        assertThat(byKey.get(unknownVersion).get(DeadLetterContract.ERROR_CLASS))
                .isEqualTo("com.miniatura.worker.consume.PermanentEventException");
        assertThat(byKey.get(unknownVersion).get(DeadLetterContract.ERROR_REASON))
                .startsWith(
                        "invalid event (not marked failed: unknown envelope): ce_specversion: must be 1.0 but was \"2.0\"");

        JsonNode undecodableStatus = json(get(api + "/v1/images/" + undecodable));
        assertThat(undecodableStatus.get("status").asString()).isEqualTo("failed");
        assertThat(undecodableStatus.get("reason").asString()).startsWith("invalid event: data: is not valid JSON: ");
        JsonNode bombStatus = json(get(api + "/v1/images/" + bomb));
        assertThat(bombStatus.get("status").asString()).isEqualTo("failed");
        assertThat(bombStatus.get("reason").asString()).isEqualTo(bombReason);
        assertThat(get(api + "/v1/images/" + unknownVersion).statusCode())
                .as("an unknown envelope marks nothing")
                .isEqualTo(404);
        assertThat(outcomes).containsExactly(Map.entry("failed", 2), Map.entry("rendered", good.size()));
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
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new StringSerializer())) {
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
                            "dup-1",
                            "ce_source",
                            "/fault-injection")
                    .entrySet()) {
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
        JsonNode manifest = Services.JSON.readTree(read("metadata", imageId + "/manifest.json"));
        System.out.printf(
                "fault injection: %d deliveries of one event; rendered %.0f / skipped %.0f / lost %d%n",
                copies, rendered, skipped, manifest.get("status").asString().equals("rendered") ? 0 : 1);
        assertThat(rendered).isEqualTo(1);
        assertThat(skipped).isEqualTo(copies - 1);
        assertThat(manifest.get("status").asString()).isEqualTo("rendered");
        assertThat(manifest.get("eventId").asString()).isEqualTo("dup-1");
    }

    /**
     * Scenario 6: S3 is away for longer than the worker's retries (a worker that retries 3 times within a second).
     * The upload is dead-lettered; once S3 is back its status says failed, naming the replay, and running that very
     * command renders the image. Regression: the status said pending until someone thought of replaying it.
     */
    @Test
    void s3AwayLongerThanTheRetriesTheUploadSaysFailedNamingAReplayThatRendersIt() throws Exception {
        worker.destroy(); // SIGTERM: it leaves the group at once, so the worker below gets the partitions at once
        assertThat(worker.waitFor(Services.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("the worker stopped")
                .isTrue();
        String imageId = "fi-" + UUID.randomUUID().toString().substring(0, 8) + "-dead";
        uploadOriginals(List.of(imageId));
        HttpResponse<String> accepted = postJson(api + "/v1/events", batch(List.of(imageId), id -> id + ".jpg"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        killHard(s3Server);
        // not started through startWorker(): its health stays DOWN while storage is away
        workerPort = freePort();
        worker = launch(
                "worker/target/miniatura-worker.jar",
                "--server.port=" + workerPort,
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--miniatura.storage.endpoint=" + storage(),
                "--miniatura.worker.retry.max-attempts=3",
                "--miniatura.worker.retry.initial-interval=200ms",
                "--miniatura.worker.retry.max-interval=500ms",
                "--miniatura.worker.dead-letter-status.initial-interval=500ms",
                "--miniatura.worker.dead-letter-status.max-interval=1s");
        processes.add(worker);
        long deadline = System.nanoTime() + Services.TIMEOUT.toNanos();
        while (deadLetters() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(deadLetters()).as("dead letters while S3 is away").isEqualTo(1);
        startS3();

        Map<String, Integer> outcomes = awaitFinalStatuses(List.of(imageId));
        JsonNode failed = json(get(api + "/v1/images/" + imageId));
        String reason = failed.get("reason").asString();
        System.out.printf(
                "fault injection: S3 away past the retries; dead-lettered 1, status %s: %s%n",
                failed.get("status").asString(), reason);
        assertThat(outcomes).containsExactly(Map.entry("failed", 1));
        assertThat(reason)
                .isEqualTo("dead-lettered after 3 attempts: storage unavailable; replay with replay-dlq"
                        + " --error-class=StorageUnavailableException --miniatura.kafka.topic=" + TOPIC);

        // what an operator reads in the status is what they run
        List<String> replay = new ArrayList<>(
                List.of(reason.substring(reason.indexOf("replay with ") + 12).split(" ")));
        replay.add("--spring.kafka.bootstrap-servers=" + bootstrap);
        Process command = launch("ingest-api/target/miniatura-ingest-api.jar", replay.toArray(String[]::new));
        processes.add(command);
        assertThat(command.waitFor(Services.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("replay-dlq finished")
                .isTrue();
        assertThat(command.exitValue()).as("replay-dlq exit status").isZero();
        deadline = System.nanoTime() + Services.TIMEOUT.toNanos();
        String status = "failed";
        while (!status.equals("rendered") && System.nanoTime() < deadline) {
            Thread.sleep(500);
            status = json(get(api + "/v1/images/" + imageId)).get("status").asString();
        }
        System.out.printf("fault injection: after %s: %s%n", String.join(" ", replay.subList(0, 3)), status);
        assertThat(status).isEqualTo("rendered");
    }

    /** {@code {"events":[...]}} with one upload event per id, its original at {@code originals/<key(id)>}. */
    private static String batch(List<String> ids, Function<String, String> key) {
        StringBuilder batch = new StringBuilder("{\"events\":[");
        for (String id : ids) {
            batch.append(batch.length() > 11 ? "," : "")
                    .append("{\"imageId\":\"")
                    .append(id)
                    .append("\",\"bucket\":\"originals\",\"key\":\"")
                    .append(key.apply(id))
                    .append("\"}");
        }
        return batch.append("]}").toString();
    }

    private static byte[] payload(String imageId, String key) {
        return ("{\"imageId\":\"" + imageId + "\",\"bucket\":\"originals\",\"key\":\"" + key + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A record on partition 0 with the documented CloudEvents headers, {@code ce_specversion} as given. */
    private static ProducerRecord<String, byte[]> onPartition0(String imageId, byte[] value, String specVersion) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, 0, imageId, value);
        for (Map.Entry<String, String> h : Map.of(
                        "ce_specversion",
                        specVersion,
                        "ce_type",
                        "image.uploaded",
                        "ce_id",
                        UUID.randomUUID().toString(),
                        "ce_source",
                        "/fault-injection")
                .entrySet()) {
            record.headers().add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    private List<String> uploadOriginals(String run, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add("fi-" + run + "-" + i);
        }
        uploadOriginals(ids);
        return ids;
    }

    /** Stores {@code originals/<id>.jpg} for each id, cycling through the catalog photos. */
    private void uploadOriginals(List<String> ids) throws Exception {
        List<Path> photos;
        try (Stream<Path> files = Files.list(fixtures().resolve("catalog"))) {
            photos = files.sorted().toList();
        }
        for (int i = 0; i < ids.size(); i++) {
            putOriginal(ids.get(i), Files.readAllBytes(photos.get(i % photos.size())));
        }
    }

    private int partitionCount() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            return consumer.partitionsFor(TOPIC).size();
        }
    }

    /** The partition ingest's producer picks for an event keyed {@code imageId} (Kafka's default: murmur2 of the key). */
    private static int partitionOf(String imageId, int partitions) {
        return Utils.toPositive(Utils.murmur2(imageId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private void putOriginal(String imageId, byte[] bytes) throws Exception {
        s3.putObject(PutObjectArgs.builder()
                .bucket("originals")
                .object(imageId + ".jpg")
                .data(bytes, bytes.length)
                .contentType("image/jpeg")
                .build());
    }

    private byte[] read(String bucket, String key) throws Exception {
        try (InputStream in =
                s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }

    /** How many images of the run have their last variant stored (written just before the manifest). */
    private int storedVariants(String run) throws Exception {
        int count = 0;
        for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder()
                .bucket("thumbnails")
                .prefix("fi-" + run)
                .recursive(true)
                .build())) {
            if (item.get().objectName().endsWith("/z1600.jpg")) {
                count++;
            }
        }
        return count;
    }

    /** {@link #storedVariants(String)} read from the S3 server's files, for when the server is away. */
    private static int storedVariants(String run, Stream<Path> imageDirs) {
        try (imageDirs) {
            return (int) imageDirs
                    .filter(dir -> dir.getFileName().toString().startsWith("fi-" + run))
                    .filter(dir -> Files.isRegularFile(dir.resolve("z1600.jpg")))
                    .count();
        }
    }

    private void awaitProgress(String run, int images) throws Exception {
        long deadline = System.nanoTime() + Services.TIMEOUT.toNanos();
        while (storedVariants(run) < images && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    /** Waits until {@code count} posts match {@code which}, failing with {@code what} past the deadline. */
    private static void awaitPosts(List<Post> posts, Predicate<Post> which, int count, String what) throws Exception {
        long deadline = System.nanoTime() + Services.TIMEOUT.toNanos();
        while (count(posts, which) < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(count(posts, which)).as(what).isGreaterThanOrEqualTo(count);
    }

    private static long count(List<Post> posts, Predicate<Post> which) {
        return posts.stream().filter(which).count();
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
                String status = response.statusCode() == 200
                        ? json(response).get("status").asString()
                        : "missing";
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
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(DeadLetterContract.topicOf(TOPIC)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private double workerCount(String outcome) throws Exception {
        return Services.scraped(
                "http://localhost:" + workerPort + "/actuator/prometheus",
                "miniatura_images_total",
                "outcome=\"" + outcome + "\"");
    }

    private static Path fixtures() {
        return Path.of(System.getProperty("miniatura.fixtures"));
    }
}
