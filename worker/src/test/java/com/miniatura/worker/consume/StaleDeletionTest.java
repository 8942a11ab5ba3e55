package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.config.KafkaSettings;
import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.ImageDeleted;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.Renderer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * An {@code image.deleted} older than the image's current upload (a producer's late retry, a dead letter sent again
 * by hand): the worker erases nothing of that upload and writes nothing, by the rule {@code replay-dlq} applies too
 * ({@link com.miniatura.common.storage.Reupload}); a deletion not older than the upload erases the image as before.
 */
class StaleDeletionTest {
    private static final VariantSpec A =
            new VariantSpec("a", 40, 40, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of());
    private static final VariantSpec B =
            new VariantSpec("b", 20, null, Fit.INSIDE, OutputFormat.PNG, 80, false, 0xFFFFFF, List.of());
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000",
            "us-east-1",
            "k",
            "s",
            "originals",
            "thumbnails",
            "public, max-age=60",
            false,
            List.of("marketplace"));
    private static final Instant BEFORE = Instant.parse("2026-11-29T08:00:00Z");
    private static final Instant DELETION = Instant.parse("2026-11-30T10:00:00Z");
    private static final Instant AFTER = Instant.parse("2026-12-01T09:00:00Z");
    private static final List<String> VARIANTS = List.of("thumbnails/img-1/a.jpg", "thumbnails/img-1/b.png");

    private final InMemoryStore storage = new InMemoryStore();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ImageJob job = new ImageJob(
            storage.store,
            new Renderer(RenderLimits.defaults()),
            new MiniaturaSettings(STORAGE, new KafkaSettings("t", 1, false), VariantCatalog.of(List.of(A, B))),
            new WorkerSettings(RenderLimits.defaults()),
            meters);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ImageJob.class);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    /** What a deletion leaves of the image. */
    enum Left {
        /** Everything: nothing erased, nothing written ({@code ignored}). */
        IMAGE,
        /** Its original and status; its old variants are erased ({@code deleted}). */
        ORIGINAL_AND_STATUS,
        /** Nothing but the tombstone ({@code deleted}). */
        TOMBSTONE
    }

    /**
     * The image as the deletion (ce_time {@link #DELETION}) finds it.
     *
     * @param status    its status, {@code null}: none
     * @param bucket    the bucket of the original it names (key {@code img-1.jpg}), {@code null}: none
     * @param stored    the original's Last-Modified
     * @param updatedAt the status's {@code updatedAt}
     * @param deletedAt the status's {@code deletedAt}
     * @param rendering whether a render of it is recorded as started
     */
    record Case(
            String description,
            String status,
            String bucket,
            Instant stored,
            Instant updatedAt,
            Instant deletedAt,
            boolean rendering,
            Left left) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static Case found(
            String description,
            String status,
            String bucket,
            Instant stored,
            Instant updatedAt,
            Instant deletedAt,
            Left left) {
        return new Case(description, status, bucket, stored, updatedAt, deletedAt, false, left);
    }

    static Stream<Case> cases() {
        return Stream.of(
                found(
                        "rendered from an original stored after the deletion",
                        Manifest.RENDERED,
                        "originals",
                        AFTER,
                        AFTER,
                        null,
                        Left.IMAGE),
                found(
                        "rendered from an original stored before the deletion, re-rendered after it",
                        Manifest.RENDERED,
                        "originals",
                        BEFORE,
                        AFTER,
                        null,
                        Left.TOMBSTONE),
                found(
                        "original stored in the deletion's second (a tie: the deletion wins)",
                        Manifest.RENDERED,
                        "originals",
                        DELETION,
                        AFTER,
                        null,
                        Left.TOMBSTONE),
                found(
                        "rendered from an extra source bucket's original stored after the deletion",
                        Manifest.RENDERED,
                        "marketplace",
                        AFTER,
                        AFTER,
                        null,
                        Left.IMAGE),
                found(
                        "an original outside the source buckets: its time is not trusted",
                        Manifest.RENDERED,
                        "elsewhere",
                        AFTER,
                        AFTER,
                        null,
                        Left.TOMBSTONE),
                found(
                        "rendered after this very deletion, from an older original",
                        Manifest.RENDERED,
                        "originals",
                        BEFORE,
                        AFTER,
                        DELETION,
                        Left.IMAGE),
                found(
                        "rendered after an earlier deletion only",
                        Manifest.RENDERED,
                        "originals",
                        BEFORE,
                        AFTER,
                        BEFORE,
                        Left.TOMBSTONE),
                found(
                        "failed, from an original stored after the deletion",
                        Manifest.FAILED,
                        "originals",
                        AFTER,
                        AFTER,
                        null,
                        Left.IMAGE),
                found(
                        "pending, accepted after the deletion, no render started",
                        Manifest.PENDING,
                        "originals",
                        AFTER,
                        AFTER,
                        DELETION,
                        Left.ORIGINAL_AND_STATUS),
                new Case(
                        "pending, accepted after the deletion, its render started",
                        Manifest.PENDING,
                        "originals",
                        AFTER,
                        AFTER,
                        DELETION,
                        true,
                        Left.IMAGE),
                found(
                        "pending, accepted before the deletion",
                        Manifest.PENDING,
                        "originals",
                        BEFORE,
                        BEFORE,
                        null,
                        Left.TOMBSTONE),
                found(
                        "deleting: this deletion, not carried out yet",
                        Manifest.DELETING,
                        "originals",
                        AFTER,
                        DELETION,
                        DELETION,
                        Left.TOMBSTONE),
                found("deleted: erased already", Manifest.DELETED, null, null, AFTER, AFTER, Left.TOMBSTONE),
                found("no status", null, null, null, null, null, Left.TOMBSTONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aDeletionErasesTheImageUnlessItWasUploadedAgainAfterIt(Case c) {
        storage.objects.put(VARIANTS.get(0), new byte[] {1});
        storage.objects.put(VARIANTS.get(1), new byte[] {2});
        if (c.bucket() != null) {
            storage.original(c.bucket() + "/img-1.jpg", new byte[] {3}, "img-1");
            storage.modified.put(c.bucket() + "/img-1.jpg", c.stored());
        }
        if (c.status() != null) {
            Manifest.Source source = c.bucket() == null
                    ? null
                    : Manifest.Source.of(
                            c.bucket(), "img-1.jpg", InMemoryStore.etagOf(new byte[] {3}), 1L, "image/jpeg");
            Manifest.Attempt attempt = c.rendering() ? new Manifest.Attempt("u-2", 0, "another-worker", AFTER) : null;
            storage.objects.put(
                    "metadata/img-1/manifest.json",
                    ManifestCodec.write(new Manifest(
                            Manifest.SCHEMA,
                            "img-1",
                            c.status(),
                            source,
                            List.of(),
                            null,
                            null,
                            "u-2",
                            c.updatedAt(),
                            c.deletedAt(),
                            attempt)));
        }
        Map<String, byte[]> before = new TreeMap<>(storage.objects);
        clearInvocations(storage.store);

        ImageJob.Outcome outcome = job.process(deletion());

        switch (c.left()) {
            case IMAGE -> {
                assertThat(outcome).isEqualTo(ImageJob.Outcome.IGNORED);
                assertThat(storage.objects).isEqualTo(before);
                verify(storage.store, never()).remove(anyString(), anyString());
                verify(storage.store, never()).put(anyString(), anyString(), any(), any());
                assertThat(count("ignored")).isEqualTo(1);
            }
            case ORIGINAL_AND_STATUS -> {
                assertThat(outcome).isEqualTo(ImageJob.Outcome.DELETED);
                Map<String, byte[]> kept = new TreeMap<>(before);
                VARIANTS.forEach(kept::remove);
                assertThat(storage.objects).isEqualTo(kept);
            }
            case TOMBSTONE -> {
                assertThat(outcome).isEqualTo(ImageJob.Outcome.DELETED);
                assertThat(storage.objects).doesNotContainKeys(VARIANTS.get(0), VARIANTS.get(1), "originals/img-1.jpg");
                assertThat(storage.manifest("img-1").status()).isEqualTo(Manifest.DELETED);
                assertThat(storage.manifest("img-1").eventId()).isEqualTo("d-1");
            }
        }
    }

    /**
     * Regression: the worker erased whatever the image was when a deletion reached it, so an old deletion delivered
     * after the seller uploaded the image again (a producer's late retry of a deletion carried out then, or a dead
     * letter sent again with kcat) erased the new image: its variants, its original, and a tombstone over its status.
     */
    @ParameterizedTest(name = "the deletion carried out before the re-upload: {0}")
    @ValueSource(booleans = {true, false})
    void anOldDeletionDeliveredAfterAReuploadLeavesTheImage(boolean carriedOut) {
        storage.original("originals/img-1.jpg", InMemoryStore.jpeg(120, 60), "img-1");
        storage.modified.put("originals/img-1.jpg", BEFORE);
        assertThat(job.process(upload("u-1", BEFORE))).isEqualTo(ImageJob.Outcome.RENDERED);
        if (carriedOut) {
            assertThat(job.process(deletion())).isEqualTo(ImageJob.Outcome.DELETED);
        }
        storage.original("originals/img-1.jpg", InMemoryStore.jpeg(60, 60), "img-1"); // the seller's new photo
        storage.modified.put("originals/img-1.jpg", AFTER);
        assertThat(job.process(upload("u-2", AFTER))).isEqualTo(ImageJob.Outcome.RENDERED);
        Map<String, byte[]> reuploaded = new TreeMap<>(storage.objects);
        lines.list.clear();

        assertThat(job.process(deletion())).isEqualTo(ImageJob.Outcome.IGNORED);

        assertThat(storage.objects)
                .isEqualTo(reuploaded)
                .containsKeys(VARIANTS.get(0), VARIANTS.get(1), "originals/img-1.jpg");
        assertThat(storage.manifest("img-1").status()).isEqualTo(Manifest.RENDERED);
        assertThat(lines.list).singleElement().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.INFO);
            assertThat(line.getFormattedMessage())
                    .isEqualTo(
                            "Ignored deletion event d-1 of img-1 (ce_time"
                                    + " 2026-11-30T10:00:00Z): the image was uploaded again at 2026-12-01T09:00:00Z; nothing erased");
        });
    }

    /** Storage failing the original's HEAD: the delivery fails as transient (retried), and nothing is erased first. */
    @Test
    void aStorageErrorReadingTheOriginalsTimeIsRetriedWithNothingErased() {
        storage.objects.put(VARIANTS.get(0), new byte[] {1});
        storage.original("originals/img-1.jpg", new byte[] {3}, "img-1");
        storage.objects.put(
                "metadata/img-1/manifest.json",
                ManifestCodec.write(Manifest.rendered(
                        "img-1",
                        Manifest.Source.of("originals", "img-1.jpg", null, null, null),
                        List.of(),
                        null,
                        "u-2",
                        AFTER)));
        Map<String, byte[]> before = new TreeMap<>(storage.objects);
        StorageUnavailableException outage =
                new StorageUnavailableException("stat originals/img-1.jpg failed: 503", null);
        doThrow(outage).when(storage.store).head("originals", "img-1.jpg");

        assertThatThrownBy(() -> job.process(deletion())).isSameAs(outage);

        assertThat(storage.objects).isEqualTo(before);
    }

    private static ImageEvent upload(String id, Instant time) {
        return new ImageEvent(
                id, "/test", time, new ImageUploaded("img-1", null, "originals", "img-1.jpg", null, null, null));
    }

    private static ImageEvent deletion() {
        return new ImageEvent("d-1", "/test", DELETION, new ImageDeleted("img-1"));
    }

    private double count(String outcome) {
        return meters.get("miniatura.images").tag("outcome", outcome).counter().count();
    }
}
