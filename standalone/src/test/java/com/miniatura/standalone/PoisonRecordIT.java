package com.miniatura.standalone;

import static com.miniatura.standalone.Services.awaitFinal;
import static com.miniatura.standalone.Services.awaitUp;
import static com.miniatura.standalone.Services.freePort;
import static com.miniatura.standalone.Services.killHard;
import static com.miniatura.standalone.Services.launch;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A poison record that kills the worker: Kafka and S3 in processes of their own, the ingest API and the worker as
 * their jars, like {@link FaultInjectionIT}. The worker is SIGKILLed three times while it renders one image (a
 * 25-megapixel PNG that takes seconds to decode and resize), each time once the manifest shows that render's
 * attempt and a thread dump shows the worker inside the renderer; the fourth delivery fails the image with its
 * reason and dead-letters the record, and the uploads queued behind it on the same partition render.
 */
class PoisonRecordIT {
    private static final String TOPIC = "miniatura.images";
    private static final String WORKER = "worker/target/miniatura-worker.jar";
    private static final int KILLS = 3;

    @TempDir
    Path dataDir;

    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final List<Path> workerLogs = new ArrayList<>();
    private String bootstrap;
    private String storage;
    private MinioClient s3;
    private String api;
    private Process worker;
    private int workerPort;

    @BeforeEach
    void startInfrastructureAndServices() throws Exception {
        Services.Infrastructure infrastructure = Services.startInfrastructure(dataDir, processes);
        bootstrap = infrastructure.bootstrap();
        storage = infrastructure.storage();
        s3 = MinioClient.builder()
                .endpoint(storage)
                .credentials("minioadmin", "minioadmin")
                .build();
        int ingestPort = freePort();
        Process ingest = launch(
                "ingest-api/target/miniatura-ingest-api.jar",
                "--server.port=" + ingestPort,
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--miniatura.storage.endpoint=" + storage);
        processes.add(ingest);
        api = "http://localhost:" + ingestPort;
        startWorker();
        awaitUp(api + "/actuator/health", processes);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).destroyForcibly().waitFor();
        }
    }

    /** A worker with a pod's heap, as a new JVM (so a new worker id) every time. */
    private void startWorker() throws Exception {
        workerPort = freePort();
        Services.Launched launched = Services.launchWith(
                List.of("-Xmx1g"),
                WORKER,
                "--server.port=" + workerPort,
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--miniatura.storage.endpoint=" + storage,
                // the test watches for the render in the worker's own thread dump (see awaitRendering)
                "--management.endpoints.web.exposure.include=health,info,prometheus,threaddump");
        worker = launched.process();
        processes.add(worker);
        workerLogs.add(launched.log());
        awaitUp("http://localhost:" + workerPort + "/actuator/health", List.of(worker));
    }

    @Test
    void aRecordKillingTheWorkerThreeTimesIsFailedAndDeadLetteredAndTheUploadsBehindItRender() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String poison = "pr-" + run + "-poison";
        String poisonEvent = "ev-" + poison;
        byte[] png = slowPng(5000, 5000);
        s3.putObject(PutObjectArgs.builder()
                .bucket("originals")
                .object(poison + ".png")
                .data(png, png.length)
                .contentType("image/png")
                .build());
        List<String> good = new ArrayList<>();
        List<Path> photos;
        try (var files = Files.list(Services.fixture("catalog"))) {
            photos = files.sorted().toList();
        }
        for (int i = 0; i < 5; i++) {
            String id = "pr-" + run + "-" + i;
            byte[] photo = Files.readAllBytes(photos.get(i % photos.size()));
            s3.putObject(PutObjectArgs.builder()
                    .bucket("originals")
                    .object(id + ".jpg")
                    .data(photo, photo.length)
                    .contentType("image/jpeg")
                    .build());
            good.add(id);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(onPartition0(poison, poison + ".png", poisonEvent)).get();
            for (String id : good) {
                producer.send(onPartition0(id, id + ".jpg", "ev-" + id)).get();
            }
        }

        List<String> workers = new ArrayList<>();
        for (int kill = 1; kill <= KILLS; kill++) {
            long waiting = System.nanoTime();
            JsonNode attempt = awaitAttempt(poison, poisonEvent, kill - 1);
            String rendering = awaitRendering(worker, workerPort);
            killHard(worker);
            JsonNode after = manifest(poison);
            System.out.printf(
                    "poison record: SIGKILL #%d of the worker %.1f s after the delivery was awaited, in %s; attempt %s%n",
                    kill, (System.nanoTime() - waiting) / 1e9, rendering, attempt);
            assertThat(after.get("status").asString())
                    .as("killed before the render ended")
                    .isEqualTo("pending");
            assertThat(after.get("attempt"))
                    .as("nothing written after the attempt")
                    .isEqualTo(attempt);
            assertThat(variants(poison))
                    .as("no variant stored: the kill landed mid-render")
                    .isEmpty();
            workers.add(attempt.get("worker").asString());
            startWorker();
        }

        JsonNode status = awaitFinal(api, poison);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (String id : good) {
            outcomes.merge(awaitFinal(api, id).get("status").asString(), 1, Integer::sum);
        }
        List<ConsumerRecord<byte[], byte[]>> deadLetters =
                Services.records(bootstrap, DeadLetterContract.topicOf(TOPIC));
        Map<String, String> headers = new TreeMap<>();
        deadLetters.stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(poison))
                .forEach(r -> r.headers().forEach(h -> {
                    if (h.key().startsWith("miniatura-")) {
                        headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                    }
                }));
        int rendered = outcomes.getOrDefault("rendered", 0);
        System.out.printf(
                "poison record: SIGKILL x%d mid-render (workers %s); status %s: %s; dead letter %s%n",
                KILLS, String.join(", ", workers), status.get("status").asString(), status.get("reason"), headers);
        System.out.printf(
                "poison record: 1 poison ahead of %d uploads on partition 0; events sent %d / rendered %d / "
                        + "failed %d / dead-lettered %d / lost %d%n",
                good.size(),
                good.size() + 1,
                rendered,
                status.get("status").asString().equals("failed") ? 1 : 0,
                deadLetters.size(),
                good.size() - rendered);

        String reason = "the worker stopped 3 times while rendering this image";
        assertThat(workers).as("each delivery in a new worker JVM").doesNotHaveDuplicates();
        assertThat(status.get("status").asString()).isEqualTo("failed");
        assertThat(status.get("reason").asString()).isEqualTo(reason);
        assertThat(deadLetters).as("dead letters").hasSize(1);
        assertThat(headers)
                .containsEntry(DeadLetterContract.ERROR_CLASS, "com.miniatura.worker.consume.ImageRejectedException")
                .containsEntry(DeadLetterContract.ERROR_REASON, reason)
                .containsEntry(DeadLetterContract.ATTEMPTS, "1");
        assertThat(outcomes).containsExactly(Map.entry("rendered", good.size()));
        assertThat(manifest(poison).has("attempt"))
                .as("failed ends the attempt")
                .isFalse();
        assertThat(poisoned())
                .as("miniatura.images.poisoned of the last worker")
                .isEqualTo(1);
        for (int i = 0; i < workerLogs.size(); i++) {
            String log = Files.readString(workerLogs.get(i), StandardCharsets.UTF_8);
            assertThat(log)
                    .as("worker %d never finished rendering the poison", i + 1)
                    .doesNotContain("Rendered " + poison + " ");
            if (i >= 1 && i < KILLS) {
                assertThat(log)
                        .contains("Rendering " + poison + " again: worker " + workers.get(i - 1) + " started event "
                                + poisonEvent)
                        .contains("(stop " + i + " of 3 before the image fails)");
            }
        }
        assertThat(Files.readString(workerLogs.get(KILLS), StandardCharsets.UTF_8))
                .contains("Image " + poison + ": workers stopped 3 times while rendering event " + poisonEvent);
    }

    /** Polls the poison's manifest until it records the attempt of {@code eventId} after {@code unfinished} stops. */
    private JsonNode awaitAttempt(String imageId, String eventId, int unfinished) throws Exception {
        long deadline = System.nanoTime() + Services.TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(worker.isAlive()).as("the worker is running").isTrue();
            JsonNode manifest = manifestOrNull(imageId);
            if (manifest != null) {
                assertThat(manifest.get("status").asString())
                        .as("never rendered")
                        .isIn("pending");
                JsonNode attempt = manifest.get("attempt");
                if (attempt != null
                        && attempt.get("eventId").asString().equals(eventId)
                        && attempt.get("unfinished").asInt() == unfinished) {
                    return attempt;
                }
            }
            Thread.sleep(25);
        }
        throw new AssertionError(
                "no attempt after " + unfinished + " stops recorded for " + imageId + " within " + Services.TIMEOUT);
    }

    /**
     * Reads {@code worker}'s thread dump ({@code /actuator/threaddump}, a few milliseconds each) until one shows it
     * inside the renderer; returns the innermost renderer frame, to show where the kill lands. A dump by {@code jcmd}
     * starts a JVM and attaches to the worker, which took up to seconds on a loaded machine: long enough for the
     * render (now ~1 s of decoding this PNG) to reach its last step before the kill, so that variants were stored.
     */
    private static String awaitRendering(Process worker, int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/threaddump"))
                .header("Accept", "text/plain")
                .build();
        long deadline = System.nanoTime() + Services.TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String threads =
                    http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            for (String stack : threads.split("\n\n")) {
                if (stack.contains("at com.miniatura.worker.render.Renderer.render(")) {
                    return stack.lines()
                            .map(String::strip)
                            .filter(l -> l.startsWith("at com.miniatura.worker.render."))
                            .findFirst()
                            .orElseThrow()
                            .substring(3);
                }
            }
            assertThat(worker.isAlive()).as("the worker is running").isTrue();
            Thread.sleep(5);
        }
        throw new AssertionError("the worker was not seen rendering within " + Services.TIMEOUT);
    }

    private JsonNode manifest(String imageId) throws Exception {
        JsonNode manifest = manifestOrNull(imageId);
        assertThat(manifest).as("manifest of %s", imageId).isNotNull();
        return manifest;
    }

    /** The manifest, or {@code null} before there is one (a HEAD first: the SDK parses each 404 body of a GET slowly). */
    private JsonNode manifestOrNull(String imageId) throws Exception {
        try {
            s3.statObject(StatObjectArgs.builder()
                    .bucket("metadata")
                    .object(imageId + "/manifest.json")
                    .build());
        } catch (ErrorResponseException e) {
            if (e.errorResponse().code().equals("NoSuchKey")) {
                return null;
            }
            throw e;
        }
        try (InputStream in = s3.getObject(GetObjectArgs.builder()
                .bucket("metadata")
                .object(imageId + "/manifest.json")
                .build())) {
            return Services.JSON.readTree(in.readAllBytes());
        } catch (ErrorResponseException e) {
            if (e.errorResponse().code().equals("NoSuchKey")) {
                return null;
            }
            throw e;
        }
    }

    /** Every object under the image's prefix but its manifest. */
    private List<String> variants(String imageId) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder()
                .bucket("thumbnails")
                .prefix(imageId + "/")
                .recursive(true)
                .build())) {
            if (!item.get().objectName().endsWith("/manifest.json")) {
                keys.add(item.get().objectName());
            }
        }
        return keys;
    }

    private double poisoned() throws Exception {
        return Services.scraped(
                "http://localhost:" + workerPort + "/actuator/prometheus", "miniatura_images_poisoned_total");
    }

    /** An upload event on partition 0, so every record of the test is consumed in order by one consumer thread. */
    private static ProducerRecord<String, String> onPartition0(String imageId, String key, String eventId) {
        ProducerRecord<String, String> record = new ProducerRecord<>(
                TOPIC,
                0,
                imageId,
                "{\"imageId\":\"" + imageId + "\",\"bucket\":\"originals\",\"key\":\"" + key + "\"}");
        for (Map.Entry<String, String> h : Map.of(
                        "ce_specversion",
                        "1.0",
                        "ce_type",
                        "image.uploaded",
                        "ce_id",
                        eventId,
                        "ce_source",
                        "/poison-record-it")
                .entrySet()) {
            record.headers().add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    /**
     * An RGB PNG of {@code width} × {@code height} that takes the worker seconds to decode and resize but stays well
     * within the default limits: a gradient with two bits of noise per sample, stored with PNG's Sub filter (about
     * 32 MB for 25 megapixels; noise-free, it would shrink to little, and without the filter it would exceed 50 MB).
     */
    static byte[] slowPng(int width, int height) throws IOException {
        Random random = new Random(42);
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate =
                new DeflaterOutputStream(pixels, new Deflater(Deflater.BEST_SPEED), 1 << 16)) {
            byte[] samples = new byte[3 * width];
            byte[] row = new byte[1 + samples.length];
            row[0] = 1; // Sub: each sample minus the one to its left
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int base = (x * 255 / width + y * 255 / height) / 2;
                    samples[3 * x] = (byte) (base + random.nextInt(4));
                    samples[3 * x + 1] = (byte) (255 - base + random.nextInt(4));
                    samples[3 * x + 2] = (byte) (x / 7 + y / 5 + random.nextInt(4));
                }
                for (int i = 0; i < samples.length; i++) {
                    row[1 + i] = (byte) (samples[i] - (i >= 3 ? samples[i - 3] : 0));
                }
                deflate.write(row);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream fields = new DataOutputStream(header);
        fields.writeInt(width);
        fields.writeInt(height);
        fields.write(new byte[] {8, 2, 0, 0, 0}); // 8 bits per sample, RGB, deflate, adaptive filters, not interlaced
        chunk(png, "IHDR", header.toByteArray());
        chunk(png, "IDAT", pixels.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
        DataOutputStream out = new DataOutputStream(png);
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt(data.length);
        out.write(name);
        out.write(data);
        out.writeInt((int) crc.getValue());
    }
}
