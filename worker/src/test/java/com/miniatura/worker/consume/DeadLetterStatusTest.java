package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.EventCodec;
import com.miniatura.common.event.ImageDeleted;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.StorageRejectedException;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.worker.render.RenderBusyException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An upload whose event was dead-lettered after its retries no longer stays {@code pending}: its status says
 * {@code failed}, with a public reason naming the replay, as soon as storage takes it, and never over a newer state.
 */
class DeadLetterStatusTest {
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "public, max-age=60", false);
    private static final String TOPIC = "miniatura.images";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final Instant DEAD_AT = T0.plus(Duration.ofMinutes(3));
    private static final ImageEvent EVENT = upload("ev-1", T0);
    private static final Manifest.Source SOURCE = Manifest.Source.of("originals", "img-1.jpg", "e1", 5L, "image/jpeg");
    private static final String STORAGE_REASON =
            "dead-lettered after 3 attempts: storage unavailable; replay with replay-dlq"
                    + " --error-class=StorageUnavailableException --miniatura.kafka.topic=miniatura.images";
    private static final StorageUnavailableException STORAGE_DOWN = new StorageUnavailableException(
            "stat thumbnails/img-1/manifest.json failed: java.net.ConnectException", null);

    private final InMemoryStore storage = new InMemoryStore();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MovableClock clock = new MovableClock(DEAD_AT);
    private DeadLetterStatus status = new DeadLetterStatus(
            storage.store,
            STORAGE,
            TOPIC,
            new DeadLetterStatusSettings(100, Duration.ofHours(1), Duration.ofMillis(5), Duration.ofMillis(20)),
            clock,
            meters);

    @AfterEach
    void close() {
        status.close();
    }

    private static ImageEvent upload(String eventId, Instant time) {
        return new ImageEvent(
                eventId,
                "/miniatura/ingest-api",
                time,
                new ImageUploaded("img-1", null, "originals", "img-1.jpg", "e1", 5L, "image/jpeg"));
    }

    /** The record as the dead-letter recoverer gets it: the event's key, value and {@code ce_*} headers. */
    private static ConsumerRecord<byte[], byte[]> record(ImageEvent event) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                TOPIC,
                0,
                42,
                event.data().imageId().getBytes(StandardCharsets.UTF_8),
                EventCodec.payload(event.data()));
        EventCodec.headers(event).forEach((name, value) -> record.headers().add(name, value));
        return record;
    }

    private void put(Manifest manifest) {
        storage.objects.put("metadata/img-1/manifest.json", ManifestCodec.write(manifest));
    }

    private double count(String outcome) {
        return meters.counter("miniatura.dead.letter.statuses", "outcome", outcome)
                .count();
    }

    /** Waits (at most 10 s) until {@code condition} holds. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).as("condition met within 10 s").isTrue();
    }

    /** Hands the dead letter over and waits until its status was written or left alone. */
    private void deadLetter(ImageEvent event) throws InterruptedException {
        double before = count("written") + count("superseded");
        status.deadLettered(record(event), STORAGE_DOWN, 3);
        await(() -> count("written") + count("superseded") > before);
    }

    @Test
    void theStatusSaysFailedWithTheReplayAndThePendingMarkerGoes() throws Exception {
        Instant deleted = T0.minus(Duration.ofDays(1));
        put(Manifest.pending("img-1", SOURCE, "ev-1", T0)
                .carryingDeletion(Manifest.deleted("img-1", "ev-0", deleted, deleted)));
        storage.objects.put("metadata/pending~/img-1", new byte[0]);

        deadLetter(EVENT);

        Manifest failed = storage.manifest("img-1");
        assertThat(failed)
                .isEqualTo(new Manifest(
                        Manifest.SCHEMA,
                        "img-1",
                        Manifest.FAILED,
                        SOURCE,
                        List.of(),
                        null,
                        STORAGE_REASON,
                        "ev-1",
                        DEAD_AT,
                        deleted));
        assertThat(storage.objects).doesNotContainKey("metadata/pending~/img-1");
        assertThat(count("written")).isEqualTo(1);
    }

    static Stream<Arguments> currentStates() {
        Instant later = T0.plus(Duration.ofMinutes(1));
        Instant earlier = T0.minus(Duration.ofMinutes(1));
        return Stream.of(
                Arguments.of("no status", null, true),
                Arguments.of(
                        "pending, as the ingest API wrote it for this event",
                        Manifest.pending("img-1", SOURCE, "ev-1", T0),
                        true),
                Arguments.of(
                        "pending with this event's render started (a re-render of an image without a status)",
                        Manifest.pending("img-1", SOURCE, "ev-0", null)
                                .withAttempt(new Manifest.Attempt("ev-1", 0, "w", T0)),
                        true),
                Arguments.of(
                        "failed by an earlier event",
                        Manifest.failed("img-1", SOURCE, "original not found", "ev-0", earlier),
                        true),
                Arguments.of(
                        "failed by this event before (a second dead letter of it)",
                        Manifest.failed("img-1", SOURCE, "old", "ev-1", T0),
                        true),
                Arguments.of("pending of a later upload", Manifest.pending("img-1", SOURCE, "ev-2", later), false),
                Arguments.of(
                        "failed by a later event",
                        Manifest.failed("img-1", SOURCE, "original not found", "ev-2", later),
                        false),
                Arguments.of(
                        "rendered by a later event",
                        Manifest.rendered("img-1", SOURCE, List.of(), null, "ev-2", later),
                        false),
                Arguments.of(
                        "rendered by this very event (a duplicate delivery rendered it)",
                        Manifest.rendered("img-1", SOURCE, List.of(), null, "ev-1", later),
                        false),
                Arguments.of(
                        "rendered long before: still the newest state",
                        Manifest.rendered("img-1", SOURCE, List.of(), null, "ev-0", earlier),
                        false),
                Arguments.of("deleting", Manifest.deleting("img-1", SOURCE, "ev-3", later, later), false),
                Arguments.of("deleted", Manifest.deleted("img-1", "ev-3", later, later), false),
                Arguments.of(
                        "pending of this event, but the image was deleted since it was published",
                        Manifest.pending("img-1", SOURCE, "ev-1", T0)
                                .carryingDeletion(Manifest.deleted("img-1", "ev-3", T0, later)),
                        false),
                Arguments.of(
                        "pending of another event, without a time to place it by",
                        Manifest.pending("img-1", SOURCE, "ev-0", null),
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("currentStates")
    void failedIsNeverWrittenOverANewerState(String description, Manifest current, boolean written) throws Exception {
        if (current != null) {
            put(current);
        }
        deadLetter(EVENT);
        if (written) {
            assertThat(storage.manifest("img-1").status()).isEqualTo(Manifest.FAILED);
            assertThat(storage.manifest("img-1").reason()).isEqualTo(STORAGE_REASON);
            assertThat(count("written")).isEqualTo(1);
        } else {
            assertThat(storage.manifest("img-1")).isEqualTo(current);
            assertThat(count("superseded")).isEqualTo(1);
        }
    }

    /** Regression: a dead letter of an old event overwrote the newer rendered status with failed. */
    @Test
    void anOldEventsDeadLetterLeavesTheNewerRenderedStatus() throws Exception {
        Manifest rendered = Manifest.rendered(
                "img-1",
                SOURCE,
                List.of(new Manifest.Variant("s150", "img-1/s150.jpg", 150, 150, 4711, "image/jpeg", "abcd")),
                null,
                "ev-2",
                T0.plus(Duration.ofMinutes(2)));
        put(rendered);
        deadLetter(EVENT);
        assertThat(ManifestCodec.read(storage.objects.get("metadata/img-1/manifest.json")))
                .isEqualTo(rendered);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(
                        STORAGE_DOWN,
                        10,
                        "dead-lettered after 10 attempts: storage unavailable; replay with replay-dlq"
                                + " --error-class=StorageUnavailableException --miniatura.kafka.topic=miniatura.images"),
                Arguments.of(
                        new StorageRejectedException("put thumbnails/img-1/a.jpg refused: AccessDenied", null),
                        10,
                        "dead-lettered after 10 attempts: storage refused a request; replay with replay-dlq"
                                + " --error-class=StorageRejectedException --miniatura.kafka.topic=miniatura.images"),
                Arguments.of(
                        new RenderBusyException("interrupted while waiting for memory to render in"),
                        1,
                        "dead-lettered after 1 attempt: no memory free to render it; replay with replay-dlq"
                                + " --error-class=RenderBusyException --miniatura.kafka.topic=miniatura.images"),
                Arguments.of(
                        new IllegalStateException("bucket thumbnails: secret internals"),
                        10,
                        "dead-lettered after 10 attempts: unexpected error in the worker; replay with replay-dlq"
                                + " --error-class=IllegalStateException --miniatura.kafka.topic=miniatura.images"));
    }

    /** The reason is public: the kind of error in plain words, never its message (buckets, keys, storage's codes). */
    @ParameterizedTest
    @MethodSource("errors")
    void theReasonNamesTheKindOfErrorAndTheReplayNeverTheMessage(Throwable error, int attempts, String reason) {
        assertThat(DeadLetterStatus.reason(error, attempts, TOPIC))
                .isEqualTo(reason)
                .doesNotContain("thumbnails");
    }

    /**
     * An image that cannot be rendered, and an invalid event naming one, have their failed status already; an
     * unreadable record names no image; a deletion's status says deleting, which no failure may overwrite.
     */
    @Test
    void permanentErrorsDeletionsAndUnreadableRecordsLeaveTheStatusAlone() throws Exception {
        Manifest failed = Manifest.failed("img-1", SOURCE, "original not found", "ev-1", T0);
        put(failed);
        status.deadLettered(record(EVENT), new ImageRejectedException("img-1", "original not found"), 1);
        status.deadLettered(record(EVENT), new PermanentEventException("invalid event", null), 1);
        status.deadLettered(record(new ImageEvent("ev-5", "/x", T0, new ImageDeleted("img-1"))), STORAGE_DOWN, 3);
        ConsumerRecord<byte[], byte[]> unreadable = new ConsumerRecord<>(
                TOPIC, 0, 43, "img-1".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8));
        status.deadLettered(unreadable, STORAGE_DOWN, 3);
        deadLetter(upload("ev-0", T0.minus(Duration.ofHours(1)))); // a write that stands aside, to know the others ran
        assertThat(storage.manifest("img-1")).isEqualTo(failed);
        assertThat(count("written")).isZero();
        assertThat(count("superseded")).isEqualTo(1);
    }

    /** Storage is often why the event was dead-lettered: the status is written once it is back, off the consumer. */
    @Test
    void storageDownAtDeadLetterTimeTheStatusIsWrittenOnceItIsBack() throws Exception {
        put(Manifest.pending("img-1", SOURCE, "ev-1", T0));
        storage.unavailable.set(true);
        status.deadLettered(record(EVENT), STORAGE_DOWN, 3); // returns at once: the consumer never waits for storage
        await(() -> storage.refused.get() >= 3); // tried, and tried again
        assertThat(storage.manifest("img-1").status()).isEqualTo(Manifest.PENDING);

        storage.unavailable.set(false);
        await(() -> count("written") == 1);
        assertThat(storage.manifest("img-1").reason()).isEqualTo(STORAGE_REASON);
        assertThat(meters.get("miniatura.dead.letter.statuses.waiting").gauge().value())
                .isZero();
    }

    @Test
    void atMostMaxPendingWritesWaitForStorage() throws Exception {
        SimpleMeterRegistry bounded = new SimpleMeterRegistry();
        status.close();
        status = new DeadLetterStatus(
                storage.store,
                STORAGE,
                TOPIC,
                new DeadLetterStatusSettings(2, Duration.ofHours(1), Duration.ofMillis(5), Duration.ofMillis(20)),
                clock,
                bounded);
        storage.unavailable.set(true);
        for (int i = 1; i <= 3; i++) {
            status.deadLettered(record(upload("ev-" + i, T0)), STORAGE_DOWN, 3);
        }
        assertThat(bounded.counter("miniatura.dead.letter.statuses", "outcome", "dropped")
                        .count())
                .isEqualTo(1);
        assertThat(bounded.get("miniatura.dead.letter.statuses.waiting").gauge().value())
                .isEqualTo(2);
    }

    @Test
    void aStatusStorageDoesNotTakeWithinGiveUpAfterIsAbandoned() throws Exception {
        put(Manifest.pending("img-1", SOURCE, "ev-1", T0));
        storage.unavailable.set(true);
        status.deadLettered(record(EVENT), STORAGE_DOWN, 3);
        await(() -> storage.refused.get() >= 2);
        clock.now = DEAD_AT.plus(Duration.ofHours(1));
        await(() -> count("abandoned") == 1);
        storage.unavailable.set(false);
        assertThat(storage.manifest("img-1").status()).isEqualTo(Manifest.PENDING);
        assertThat(meters.get("miniatura.dead.letter.statuses.waiting").gauge().value())
                .isZero();
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
