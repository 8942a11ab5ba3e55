package com.miniatura.standalone;

import static com.miniatura.standalone.Services.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.MinioObjectStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.ingest.rerender.RerenderCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The catalog re-render (docs/rerender.md) end to end: the {@code rerender} command against the standalone's
 * Kafka and S3 store, rendered by the bulk lane's worker; and a run killed half-way through a 10,000-object bucket,
 * then resumed.
 */
class RerenderIT {
    private static final Duration TIMEOUT = Services.TIMEOUT;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BULK = "miniatura.images.bulk";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    private final int kafkaPort = freePort();
    private final int s3Port = freePort();
    private final int controllerPort = freePort();

    RerenderIT() throws IOException {}

    private String[] standaloneArgs(String components, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--miniatura.standalone.components=" + components,
                "--miniatura.standalone.data-dir=" + dataDir,
                "--miniatura.standalone.kafka-port=" + kafkaPort,
                "--miniatura.standalone.kafka-controller-port=" + controllerPort,
                "--miniatura.standalone.s3-port=" + s3Port,
                "--server.port=0",
                "--miniatura.ingest.auth.dev-key=" + Services.API_KEY));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private List<String> clientArgs() {
        return List.of(
                "--spring.kafka.bootstrap-servers=localhost:" + kafkaPort,
                "--miniatura.storage.endpoint=http://localhost:" + s3Port);
    }

    private ObjectStore store() {
        return new MinioObjectStore(new StorageSettings(
                "http://localhost:" + s3Port,
                "us-east-1",
                "minioadmin",
                "minioadmin",
                "originals",
                "thumbnails",
                null,
                false));
    }

    /** Runs {@code rerender} in this JVM (the jar's own entry point); its output, and its status in {@code status[0]}. */
    private String rerender(int[] status, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(clientArgs());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        status[0] = RerenderCommand.run(
                all.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String output = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        return output;
    }

    @Test
    void missingRendersOnlyWhatIsMissing_thenOnlyAChangedVariant_andADryRunEstimatesAll() throws Exception {
        List<String> uploaded = List.of("up-1", "up-2", "up-3");
        List<String> added = List.of("added-1", "added-2");
        Map<String, Manifest> firstManifests = new HashMap<>();
        String c480Before;
        try (StandaloneMain standalone = StandaloneMain.start(standaloneArgs("kafka,s3,ingest,worker"))) {
            String api =
                    "http://localhost:" + standalone.ingest().getEnvironment().getProperty("local.server.port");
            for (String id : uploaded) {
                Services.upload(http, api, fixture("catalog/DSCN0010-1024.jpg"), id);
            }
            for (String id : uploaded) {
                firstManifests.put(id, awaitManifest(id, m -> m.status().equals(Manifest.RENDERED)));
            }
            // originals stored straight into the bucket, bypassing the API: no event, no manifest
            ObjectStore store = store();
            byte[] photo = Files.readAllBytes(fixture("catalog/DSCN0010-1024.jpg"));
            store.put("originals", "lots/7/" + added.get(0) + ".jpg", photo, PutOptions.of("image/jpeg"));
            store.put(
                    "originals",
                    "lots/7/other-name.jpg",
                    photo,
                    PutOptions.of("image/jpeg").withUserMetadata(Map.of("image-id", added.get(1))));

            int[] status = new int[1];
            String output = rerender(status, "--mode=missing", "--progress=log");
            assertThat(status[0]).as(output).isZero();
            assertThat(output)
                    .contains("published       2 events")
                    .contains("never rendered 2")
                    .contains("up to date 3");
            for (String id : added) {
                Manifest m = awaitManifest(id, x -> x.status().equals(Manifest.RENDERED));
                assertThat(m.variants()).hasSize(6);
                assertThat(m.eventId()).startsWith("rerender/");
            }
            assertThat(store().get("thumbnails", added.get(1) + "/s150.jpg", 1 << 20))
                    .as("the id from the metadata")
                    .isPresent();
            for (String id : uploaded) {
                assertThat(manifest(id).orElseThrow().eventId())
                        .as("%s untouched", id)
                        .isEqualTo(firstManifests.get(id).eventId());
            }
            c480Before = manifest("up-1").orElseThrow().variants().stream()
                    .filter(v -> v.name().equals("c480"))
                    .findFirst()
                    .orElseThrow()
                    .specHash();

            // the same run again: already completed, nothing published
            output = rerender(status, "--mode=missing", "--progress=none");
            assertThat(status[0]).isZero();
            assertThat(output).contains("already completed");
        }

        // the catalog changes one variant: the workers and the command both run with it
        String change = "--miniatura.variants.c480.quality=70";
        Map<String, Map<String, String>> objectTimes = new HashMap<>();
        Thread.sleep(1100); // object times have one-second resolution
        try (StandaloneMain standalone = StandaloneMain.start(standaloneArgs("kafka,s3,ingest,worker", change))) {
            for (String id : concat(uploaded, added)) {
                objectTimes.put(id, variantTimes(id));
            }
            int[] status = new int[1];
            String output = rerender(status, "--mode=missing", "--progress=log", change);
            assertThat(status[0]).as(output).isZero();
            assertThat(output).contains("published       5 events").contains("variants missing or changed 5 (c480 5)");
            for (String id : concat(uploaded, added)) {
                Manifest m = awaitManifest(
                        id,
                        x -> x.variants().stream()
                                .anyMatch(v ->
                                        v.name().equals("c480") && !v.specHash().equals(c480Before)));
                assertThat(m.variants())
                        .extracting(Manifest.Variant::name)
                        .containsExactlyInAnyOrder("s150", "m300", "c480", "d800", "z1600", "g150");
                Map<String, String> times = variantTimes(id);
                for (String name : List.of("s150.jpg", "m300.jpg", "d800.jpg", "z1600.jpg", "g150.jpg")) {
                    assertThat(times.get(name))
                            .as("%s/%s not rewritten", id, name)
                            .isEqualTo(objectTimes.get(id).get(name));
                }
                assertThat(times.get("c480.jpg"))
                        .as("%s/c480 rewritten", id)
                        .isNotEqualTo(objectTimes.get(id).get("c480.jpg"));
            }

            output = rerender(status, "--mode=all", "--dry-run", "--progress=none", change);
            assertThat(status[0]).as(output).isZero();
            assertThat(output)
                    .contains("dry run, nothing published")
                    .contains("would publish   5 events")
                    .contains("current (a sample of the first 5): up to date 5")
                    .containsPattern("work +~0 images to render, 0% of them stale in the sample")
                    .containsPattern("storage +~0 B written \\([0-9.]+ KB per variant on average, from 30 variants");
            output = rerender(
                    status, "--mode=missing", "--dry-run", "--progress=none", "--miniatura.variants.c480.quality=60");
            assertThat(output)
                    .contains("would publish   5 events")
                    .containsPattern("~5 images to render, ~5 variants")
                    .containsPattern("storage +~[0-9.]+ KB written");
        }
    }

    /**
     * Kill -9 half-way through a 10,000-object bucket, run again: every object published, none skipped, and no
     * more re-published than one checkpoint interval's worth of events.
     */
    @Test
    void aKilledRunResumesWithoutSkippingAnyKeyAndRepublishesAtMostOneInterval() throws Exception {
        int objects = 10_000;
        int rate = 2000;
        double interval = 0.5;
        try (StandaloneMain infra = StandaloneMain.start(standaloneArgs("kafka,s3"))) {
            ObjectStore store = store();
            store.ensureBucket("originals");
            store.ensureBucket("thumbnails");
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < objects; i++) {
                int n = i;
                // half of them named by metadata, as POST /v1/images stores them; the others by their key
                Map<String, String> meta = n % 2 == 0 ? Map.of("image-id", "meta-" + n) : Map.of();
                String key = String.format("lots/%04d/%s.jpg", n % 1000, n % 2 == 0 ? "photo-" + n : "img-" + n);
                puts.add(pool.submit(() -> store.put(
                        "originals",
                        key,
                        new byte[] {(byte) n},
                        PutOptions.of("image/jpeg").withUserMetadata(meta))));
            }
            for (Future<?> put : puts) {
                put.get();
            }
            pool.shutdown();

            int metricsPort = freePort();
            List<String> args = new ArrayList<>(List.of(
                    "rerender",
                    "--mode=all",
                    "--rate=" + rate,
                    "--checkpoint-every=" + (int) (interval * 1000) + "ms",
                    "--progress=log",
                    "--run=kill-test",
                    "--metrics-port=" + metricsPort));
            args.addAll(clientArgs());
            Process first = Services.launch("ingest-api/target/miniatura-ingest-api.jar", args.toArray(String[]::new));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            long published = 0;
            String metrics = "";
            while (published < objects / 2 && System.nanoTime() < deadline && first.isAlive()) {
                Thread.sleep(50);
                published = checkpointPublished(store);
                if (published > 0 && metrics.isEmpty()) {
                    metrics = http.send(
                                    HttpRequest.newBuilder(URI.create("http://localhost:" + metricsPort + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
                }
            }
            // scraped while it ran, as Prometheus would a Job's pod
            assertThat(metrics)
                    .contains("# TYPE miniatura_rerender_published_total counter")
                    .containsPattern("miniatura_rerender_published_total\\{run=\"kill-test\"} [1-9][0-9]*")
                    .containsPattern("miniatura_rerender_progress_ratio\\{run=\"kill-test\"} 0\\.[0-9]{4}");
            // at a moment unrelated to the checkpoints: part of an interval after one was saved
            Thread.sleep((long) (interval * 1000 * 0.6));
            assertThat(first.isAlive()).as("still running half-way").isTrue();
            first.destroyForcibly().waitFor(); // SIGKILL: no chance to save anything more
            long atKill = checkpointPublished(store);
            System.out.printf("killed with %,d published by the last checkpoint%n", atKill);

            Process second = Services.launch("ingest-api/target/miniatura-ingest-api.jar", args.toArray(String[]::new));
            assertThat(second.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isZero();

            Map<String, Long> events = bulkEvents();
            List<String> expected = IntStream.range(0, objects)
                    .mapToObj(n -> n % 2 == 0 ? "meta-" + n : "img-" + n)
                    .toList();
            assertThat(events.keySet())
                    .as("every object published, by its imageId")
                    .containsExactlyInAnyOrderElementsOf(expected);
            long duplicates = events.values().stream().mapToLong(c -> c - 1).sum();
            System.out.printf(
                    "kill and resume: %,d objects, %,d events, %,d re-published (one interval is %,d events at %d/s)%n",
                    objects, objects + duplicates, duplicates, (long) (rate * interval), rate);
            // a checkpoint is taken every interval plus the time a save takes (a flush and a PUT): allow that much
            assertThat(duplicates).isLessThanOrEqualTo((long) (rate * interval * 1.5));
            JsonNode checkpoint = JSON.readTree(store.get("metadata", "rerender~/kill-test.json", 1 << 20)
                    .orElseThrow()
                    .bytes());
            assertThat(checkpoint.get("completedAt").isNull()).isFalse();
            // every key starts "lots/": the ranges were fitted to that, so the listing really ran side by side
            long rangesWithKeys = 0;
            for (JsonNode shard : checkpoint.get("shards")) {
                rangesWithKeys += shard.hasNonNull("after") ? 1 : 0;
            }
            assertThat(rangesWithKeys)
                    .as(
                            "key ranges that held keys, of %d",
                            checkpoint.get("shards").size())
                    .isGreaterThanOrEqualTo(48);
        }
    }

    /** A key file through the same path: every line once, blank and comment lines skipped, imageId,key honoured. */
    @Test
    void aKeyFileIsPublishedLineByLineAndResumesAfterItsLastLine() throws Exception {
        try (StandaloneMain infra = StandaloneMain.start(standaloneArgs("kafka,s3"))) {
            ObjectStore store = store();
            store.ensureBucket("thumbnails");
            Path file = dataDir.resolve("keys.csv");
            List<String> lines = new ArrayList<>(List.of("# export of 2026-11-23", ""));
            int n = 20_000;
            for (int i = 0; i < n; i++) {
                lines.add(i % 3 == 0 ? "id-" + i + ",lots/" + i + ".jpg" : "lots/key-" + i + ".jpg");
            }
            lines.add("bad id/x,lots/x.jpg");
            Files.write(file, lines);
            int[] status = new int[1];
            String output = rerender(
                    status,
                    "--mode=all",
                    "--from-file=" + file,
                    "--progress=none",
                    "--variants=s150,d800",
                    "--run=key-file");
            assertThat(status[0]).as(output).isZero();
            assertThat(output)
                    .contains("published       20,000 events")
                    .contains("rerender: skipped lots/x.jpg: its imageId \"bad id/x\" must be 1-128 characters");
            Map<String, Long> events = bulkEvents();
            assertThat(events).hasSize(n);
            assertThat(events.values()).allMatch(c -> c == 1);
            assertThat(events).containsKeys("id-0", "key-1", "id-19998");
            JsonNode checkpoint = JSON.readTree(store.get("metadata", "rerender~/key-file.json", 1 << 20)
                    .orElseThrow()
                    .bytes());
            assertThat(checkpoint.get("lines").asLong()).isEqualTo(lines.size());
            assertThat(checkpoint.get("completedAt").isNull()).isFalse();

            // resumed after its last line: nothing more to publish
            output = rerender(
                    status,
                    "--mode=all",
                    "--from-file=" + file,
                    "--progress=none",
                    "--variants=s150,d800",
                    "--run=key-file");
            assertThat(output).contains("already completed");
            assertThat(bulkEvents().values()).allMatch(c -> c == 1);

            // the same name for another run is refused rather than resumed from the wrong place
            output = rerender(
                    status,
                    "--mode=all",
                    "--from-file=" + file,
                    "--progress=none",
                    "--variants=s150",
                    "--run=key-file");
            assertThat(status[0]).isEqualTo(2);
            assertThat(output)
                    .contains(
                            "rerender: run key-file has a checkpoint (metadata/rerender~/key-file.json) made for"
                                    + " other options or another catalog: pass --restart to start it over, or another --run name");
        }
    }

    private long checkpointPublished(ObjectStore store) {
        try {
            return store.get("metadata", "rerender~/kill-test.json", 1 << 20)
                    .map(o -> JSON.readTree(o.bytes())
                            .get("counts")
                            .get("published")
                            .asLong())
                    .orElse(0L);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Every event on the bulk topic: imageId → how many times it was published. */
    private Map<String, Long> bulkEvents() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "localhost:" + kafkaPort,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        Map<String, Long> counts = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(BULK, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    counts.merge(record.key(), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    private Optional<Manifest> manifest(String imageId) {
        return store().get("metadata", imageId + "/manifest.json", 1 << 20).map(o -> ManifestCodec.read(o.bytes()));
    }

    private Manifest awaitManifest(String imageId, Predicate<Manifest> done) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Manifest> m = manifest(imageId);
            if (m.isPresent() && done.test(m.get())) {
                return m.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(imageId + ": manifest not as expected after " + TIMEOUT + ": " + manifest(imageId));
    }

    /** Each variant object of the image: file name → last-modified time. */
    private Map<String, String> variantTimes(String imageId) {
        Map<String, String> times = new HashMap<>();
        store().list("thumbnails", imageId + "/", null, false)
                .forEachRemaining(
                        o -> times.put(o.key().substring(imageId.length() + 1), String.valueOf(o.lastModified())));
        return times;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Path fixture(String path) {
        return Path.of(System.getProperty("miniatura.fixtures")).resolve(path);
    }
}
