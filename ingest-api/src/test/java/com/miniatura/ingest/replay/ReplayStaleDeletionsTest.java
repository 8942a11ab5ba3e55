package com.miniatura.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.common.storage.InMemoryObjectStore;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.common.storage.StorageSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * {@code replay-dlq} and a dead-lettered deletion older than the image's current upload: the deletion was
 * dead-lettered, the seller uploaded the image again, and replaying the deletion would erase the new image. One
 * dead-letter topic holds a deletion per case below, storage (a mock) says what each image is now, and one replay
 * runs; each case then shows its deletion replayed, or skipped with its line in the output.
 */
class ReplayStaleDeletionsTest {
    private static final Instant BEFORE = Instant.parse("2026-11-29T08:00:00Z");
    private static final String DELETION = "2026-11-30T10:00:00Z";
    private static final Instant DELETED_AT = Instant.parse(DELETION);
    private static final Instant AFTER = Instant.parse("2026-12-01T09:00:00Z");
    private static final Instant LATER = Instant.parse("2026-12-02T00:00:00Z");
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://storage.invalid",
            "us-east-1",
            "key",
            "secret",
            "originals",
            "thumbnails",
            "metadata",
            "public",
            false,
            List.of("marketplace"));

    private static EmbeddedKafkaKraftBroker kafka;
    private static int run;
    private static String tableOutput;
    private static List<String> tablePublished;
    private static DlqReplay.Result tableResult;

    /**
     * One dead letter and what storage holds for its image.
     *
     * @param type          its {@code ce_type}
     * @param ceTime        its {@code ce_time} header, {@code null}: none
     * @param publishedAt   its {@code kafka_dlt-original-timestamp}, {@code null}: none
     * @param deadLettered  the dead letter's own timestamp
     * @param manifest      the image's manifest JSON, {@code null}: none
     * @param bucket        where the manifest is
     * @param stale         a manifest left in the thumbnails bucket besides the one in {@code bucket}, or {@code null}
     * @param stored        the original's Last-Modified, {@code null}: no such object
     * @param skipped       the line the replay prints for it, {@code null}: replayed
     */
    record Case(
            String name,
            String imageId,
            String type,
            String ceTime,
            Instant publishedAt,
            Instant deadLettered,
            byte[] manifest,
            String bucket,
            byte[] stale,
            Instant stored,
            String skipped) {
        @Override
        public String toString() {
            return name;
        }

        Case status(Manifest m) {
            return manifestJson(ManifestCodec.write(m));
        }

        Case manifestJson(byte[] json) {
            return new Case(
                    name, imageId, type, ceTime, publishedAt, deadLettered, json, bucket, stale, stored, skipped);
        }

        Case inThumbnailsBucket() {
            return new Case(
                    name,
                    imageId,
                    type,
                    ceTime,
                    publishedAt,
                    deadLettered,
                    manifest,
                    "thumbnails",
                    stale,
                    stored,
                    skipped);
        }

        Case staleInThumbnailsBucket(Manifest m) {
            return new Case(
                    name,
                    imageId,
                    type,
                    ceTime,
                    publishedAt,
                    deadLettered,
                    manifest,
                    bucket,
                    ManifestCodec.write(m),
                    stored,
                    skipped);
        }

        Case stored(Instant lastModified) {
            return new Case(
                    name,
                    imageId,
                    type,
                    ceTime,
                    publishedAt,
                    deadLettered,
                    manifest,
                    bucket,
                    stale,
                    lastModified,
                    skipped);
        }

        Case type(String ceType) {
            return new Case(
                    name, imageId, ceType, ceTime, publishedAt, deadLettered, manifest, bucket, stale, stored, skipped);
        }

        Case ceTime(String time) {
            return new Case(
                    name, imageId, type, time, publishedAt, deadLettered, manifest, bucket, stale, stored, skipped);
        }

        Case published(Instant original, Instant deadLetter) {
            return new Case(
                    name, imageId, type, ceTime, original, deadLetter, manifest, bucket, stale, stored, skipped);
        }

        Case skipped(String line) {
            return new Case(
                    name, imageId, type, ceTime, publishedAt, deadLettered, manifest, bucket, stale, stored, line);
        }
    }

    private static Case deletion(String name, String imageId) {
        return new Case(name, imageId, "image.deleted", DELETION, null, LATER, null, "metadata", null, null, null);
    }

    private static Manifest status(
            String imageId, String status, String sourceBucket, Instant updatedAt, Instant deletedAt) {
        Manifest.Source source = sourceBucket == null
                ? null
                : Manifest.Source.of(sourceBucket, imageId + ".jpg", "etag-" + imageId, 1000L, "image/jpeg");
        return new Manifest(
                Manifest.SCHEMA, imageId, status, source, List.of(), null, null, "e-upload", updatedAt, deletedAt);
    }

    static Stream<Case> cases() {
        return Stream.of(
                deletion("no manifest: nothing to protect", "img-none"),
                deletion("rendered from an original stored after the deletion", "img-reuploaded")
                        .status(status("img-reuploaded", "rendered", "originals", AFTER, null))
                        .stored(AFTER)
                        .skipped("skipped image.deleted img-reuploaded (ce_time 2026-11-30T10:00:00Z): the image was"
                                + " uploaded again at 2026-12-01T09:00:00Z"),
                deletion("rendered from an original stored before the deletion", "img-older")
                        .status(status("img-older", "rendered", "originals", BEFORE, null))
                        .stored(BEFORE),
                deletion("rendered before the deletion, re-rendered after it", "img-rerendered")
                        .status(status("img-rerendered", "rendered", "originals", AFTER, null))
                        .stored(BEFORE),
                deletion("original stored in the deletion's second (a tie: the deletion wins)", "img-same-time")
                        .status(status("img-same-time", "rendered", "originals", AFTER, null))
                        .stored(DELETED_AT),
                deletion("failed, from an original stored after the deletion", "img-failed")
                        .status(status("img-failed", "failed", "originals", AFTER, null))
                        .stored(AFTER)
                        .skipped("skipped image.deleted img-failed (ce_time 2026-11-30T10:00:00Z): the image was"
                                + " uploaded again at 2026-12-01T09:00:00Z"),
                deletion("pending, accepted after the deletion, its original not there yet", "img-pending")
                        .status(status("img-pending", "pending", "originals", AFTER, DELETED_AT))
                        .skipped("skipped image.deleted img-pending (ce_time 2026-11-30T10:00:00Z): the image was"
                                + " uploaded again at 2026-12-01T09:00:00Z"),
                deletion("pending, accepted before the deletion and carrying it", "img-pending-older")
                        .status(status("img-pending-older", "pending", "originals", BEFORE, DELETED_AT))
                        .stored(BEFORE),
                deletion("rendered after this deletion, from an older original of another bucket", "img-reannounced")
                        .status(status("img-reannounced", "rendered", "marketplace", AFTER, DELETED_AT))
                        .stored(BEFORE)
                        .skipped("skipped image.deleted img-reannounced (ce_time 2026-11-30T10:00:00Z): the image was"
                                + " uploaded again after its deletion at 2026-11-30T10:00:00Z (status rendered)"),
                deletion("rendered after an earlier deletion only", "img-deleted-before")
                        .status(status("img-deleted-before", "rendered", "marketplace", AFTER, BEFORE))
                        .stored(BEFORE),
                deletion("deleting: this deletion, never carried out", "img-deleting")
                        .status(status("img-deleting", "deleting", "originals", DELETED_AT, DELETED_AT))
                        .stored(BEFORE),
                deletion("deleted: erased already", "img-deleted")
                        .status(status("img-deleted", "deleted", null, AFTER, AFTER)),
                deletion("failed without an original (an invalid upload event)", "img-invalid-upload")
                        .status(status("img-invalid-upload", "failed", null, AFTER, DELETED_AT)),
                deletion("original outside the source buckets, stored after the deletion", "img-elsewhere")
                        .status(status("img-elsewhere", "rendered", "elsewhere", AFTER, null))
                        .stored(AFTER),
                deletion("manifest still in the thumbnails bucket, original stored after", "img-unmoved")
                        .status(status("img-unmoved", "rendered", "originals", AFTER, null))
                        .inThumbnailsBucket()
                        .stored(AFTER)
                        .skipped("skipped image.deleted img-unmoved (ce_time 2026-11-30T10:00:00Z): the image was"
                                + " uploaded again at 2026-12-01T09:00:00Z"),
                deletion("deleted in the metadata bucket, an old rendered copy in the thumbnails bucket", "img-moved")
                        .status(status("img-moved", "deleted", null, AFTER, DELETED_AT))
                        .staleInThumbnailsBucket(status("img-moved", "rendered", "originals", AFTER, null))
                        .stored(AFTER),
                deletion("unreadable manifest", "img-unreadable")
                        .manifestJson("{\"status\":".getBytes(StandardCharsets.UTF_8))
                        .stored(AFTER),
                deletion("no ce_time: published before the upload", "img-untimed")
                        .ceTime(null)
                        .published(DELETED_AT, LATER)
                        .status(status("img-untimed", "rendered", "originals", AFTER, null))
                        .stored(AFTER)
                        .skipped("skipped image.deleted img-untimed (no ce_time, published 2026-11-30T10:00:00Z): the"
                                + " image was uploaded again at 2026-12-01T09:00:00Z"),
                deletion("no ce_time nor original timestamp: dead-lettered before the upload", "img-untimed-dlq")
                        .ceTime(null)
                        .published(null, DELETED_AT)
                        .status(status("img-untimed-dlq", "rendered", "originals", AFTER, null))
                        .stored(AFTER)
                        .skipped("skipped image.deleted img-untimed-dlq (no ce_time, published 2026-11-30T10:00:00Z):"
                                + " the image was uploaded again at 2026-12-01T09:00:00Z"),
                deletion("a deletion the worker refuses (bad ce_time)", "img-bad-time")
                        .ceTime("yesterday")
                        .status(status("img-bad-time", "rendered", "originals", AFTER, null))
                        .stored(AFTER),
                deletion("an upload, not a deletion", "img-upload")
                        .type("image.uploaded")
                        .status(status("img-upload", "rendered", "originals", AFTER, null))
                        .stored(AFTER));
    }

    @BeforeAll
    static void replayEveryCase() throws Exception {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        List<Case> cases = cases().toList();
        String topic = topic();
        ObjectStore store = storage(cases);
        for (Case c : cases) {
            deadLetter(topic, c);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tableResult = replay(topic, store, out, false);
        tableOutput = out.toString(StandardCharsets.UTF_8);
        System.out.print("replay-dlq printed: " + tableOutput);
        tablePublished = published(topic).stream().map(ConsumerRecord::key).toList();
    }

    @AfterAll
    static void stop() {
        kafka.destroy();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aDeletionIsReplayedUnlessTheImageWasUploadedAgainAfterIt(Case c) {
        List<String> lines = tableOutput
                .lines()
                .filter(l -> l.startsWith("skipped image.deleted " + c.imageId() + " "))
                .toList();
        if (c.skipped() == null) {
            assertThat(tablePublished).as("published").containsOnlyOnce(c.imageId());
            assertThat(lines).isEmpty();
        } else {
            assertThat(tablePublished).as("published").doesNotContain(c.imageId());
            assertThat(lines).containsExactly(c.skipped());
        }
    }

    @Test
    void theSummaryCountsTheSkippedDeletions() {
        long skipped = cases().filter(c -> c.skipped() != null).count();
        long total = cases().count();
        assertThat(tableResult.skipped()).isEqualTo(skipped);
        assertThat(tableResult.replayed()).isEqualTo(total - skipped);
        assertThat(tablePublished).hasSize((int) (total - skipped));
        assertThat(tableOutput)
                .contains(": " + total + "; replayed to ")
                .contains(": " + (total - skipped) + "; old deletions skipped: " + skipped + "\n");
    }

    /** The bug: a deletion dead-lettered on Monday, the image uploaded again on Tuesday, the DLQ replayed on Wednesday. */
    @ParameterizedTest(name = "dry run: {0}")
    @ValueSource(booleans = {false, true})
    void oldDeletionReplayedAfterAReuploadLeavesTheImage(boolean dryRun) throws Exception {
        String topic = topic();
        Case reuploaded = deletion("re-uploaded", "img-1")
                .status(status("img-1", "rendered", "originals", AFTER, DELETED_AT))
                .stored(AFTER);
        Case other = deletion("another image, never re-uploaded", "img-2")
                .status(status("img-2", "rendered", "originals", BEFORE, null))
                .stored(BEFORE);
        ObjectStore store = storage(List.of(reuploaded, other));
        deadLetter(topic, reuploaded);
        deadLetter(topic, other);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        replay(topic, store, out, dryRun);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines())
                .contains("skipped image.deleted img-1 (ce_time 2026-11-30T10:00:00Z): the image was"
                        + " uploaded again at 2026-12-01T09:00:00Z");
        assertThat(printed)
                .contains((dryRun ? "dry run, nothing published" : "replayed to " + topic + ": 1")
                        + "; old deletions skipped: 1");
        assertThat(published(topic))
                .extracting(ConsumerRecord::key)
                .containsExactlyElementsOf(dryRun ? List.of() : List.of("img-2"));
    }

    @Test
    void storageThatCannotTellFailsTheReplayRatherThanGuess() throws Exception {
        String topic = topic();
        deadLetter(topic, deletion("storage down", "img-1"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayDlqCommand.run(
                new String[] {
                    "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                    "--miniatura.kafka.topic=" + topic,
                    "--miniatura.storage.endpoint=http://127.0.0.1:9"
                }, // the discard port: refused
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("replay-dlq failed: ")
                .contains("stat metadata/img-1/manifest.json failed");
        assertThat(published(topic)).isEmpty();
    }

    @Test
    void badStorageSettingsExitWithStatus2NamingTheKey() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayDlqCommand.run(
                new String[] {
                    "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                    "--miniatura.storage.metadata-bucket=thumbnails"
                },
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("replay-dlq: Invalid Miniatura configuration")
                .contains("miniatura.storage.metadata-bucket");
    }

    private static DlqReplay.Result replay(String topic, ObjectStore store, ByteArrayOutputStream out, boolean dryRun)
            throws Exception {
        Map<String, Object> client = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        return new DlqReplay(client, topic, store, new PrintStream(out, true, StandardCharsets.UTF_8))
                .run(new ReplayOptions(null, null, dryRun, Long.MAX_VALUE));
    }

    private static String topic() {
        String topic = "stale-" + (++run) + ".images";
        kafka.addTopics(
                new NewTopic(topic, 2, (short) 1), new NewTopic(DeadLetterContract.topicOf(topic), 1, (short) 1));
        return topic;
    }

    /** Storage holding each case's manifest and original; anything else absent. */
    private static ObjectStore storage(List<Case> cases) {
        InMemoryObjectStore store = new InMemoryObjectStore(STORAGE, Clock.systemUTC());
        for (Case c : cases) {
            String key = StorageLayout.manifestKey(c.imageId());
            if (c.manifest() != null) {
                store.seed(c.bucket(), key, c.manifest(), PutOptions.of("application/json"));
            }
            if (c.stale() != null) {
                store.seed("thumbnails", key, c.stale(), PutOptions.of("application/json"));
            }
            if (c.stored() != null) {
                for (String bucket : List.of("originals", "marketplace", "elsewhere")) {
                    store.seed(bucket, c.imageId() + ".jpg", new byte[1000], PutOptions.of("image/jpeg"), c.stored());
                }
            }
        }
        return store;
    }

    /** The case's event as the worker dead-letters it. */
    private static void deadLetter(String topic, Case c) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            String value = c.type().equals("image.deleted")
                    ? "{\"imageId\":\"" + c.imageId() + "\"}"
                    : "{\"imageId\":\"" + c.imageId() + "\",\"bucket\":\"originals\",\"key\":\"" + c.imageId()
                            + ".jpg\"}";
            ProducerRecord<String, String> record = new ProducerRecord<>(
                    DeadLetterContract.topicOf(topic), null, c.deadLettered().toEpochMilli(), c.imageId(), value);
            header(record, "ce_specversion", "1.0");
            header(record, "ce_type", c.type());
            header(record, "ce_id", "e-" + c.imageId());
            header(record, "ce_source", "/miniatura/ingest-api");
            if (c.ceTime() != null) {
                header(record, "ce_time", c.ceTime());
            }
            header(record, "content-type", "application/json");
            if (c.publishedAt() != null) {
                record.headers()
                        .add(
                                KafkaHeaders.DLT_ORIGINAL_TIMESTAMP,
                                ByteBuffer.allocate(Long.BYTES)
                                        .putLong(c.publishedAt().toEpochMilli())
                                        .array());
            }
            header(record, DeadLetterContract.ERROR_CLASS, "com.miniatura.common.storage.StorageUnavailableException");
            header(
                    record,
                    DeadLetterContract.ERROR_REASON,
                    "remove thumbnails/" + c.imageId() + "/s150.jpg failed: 503 SlowDown");
            producer.send(record).get();
        }
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Everything on {@code topic}, read up to its end: the replay returned only after Kafka acknowledged all it sent. */
    private static List<ConsumerRecord<String, String>> published(String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
