package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

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
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.Renderer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentMatchers;
import org.mockito.InOrder;
import org.mockito.Mockito;

/**
 * {@code image.deleted}: every variant, the original and the status's contents are erased and a tombstone
 * is written last; an upload published before the deletion never brings the image back.
 */
class ImageDeletionTest {
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
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private final InMemoryStore storage = new InMemoryStore();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ImageJob job = new ImageJob(
            storage.store,
            new Renderer(RenderLimits.defaults()),
            new MiniaturaSettings(STORAGE, new KafkaSettings("t", 1, false), VariantCatalog.of(List.of(A, B))),
            new WorkerSettings(RenderLimits.defaults()),
            meters);

    ImageDeletionTest() {
        storage.objects.put("originals/img-1.jpg", InMemoryStore.jpeg(120, 60));
        storage.objects.put("originals/img-10.jpg", InMemoryStore.jpeg(60, 60));
    }

    private static ImageEvent upload(String id, Instant time) {
        return new ImageEvent(
                id, "/test", time, new ImageUploaded("img-1", null, "originals", "img-1.jpg", null, null, null));
    }

    private static ImageEvent deletion(String id, Instant time) {
        return new ImageEvent(id, "/test", time, new ImageDeleted("img-1"));
    }

    @Test
    void erasesEveryVariantAndTheOriginalThenWritesTheTombstoneLast() {
        job.process(upload("u-1", T0));
        job.process(new ImageEvent(
                "u-9", "/test", T0, new ImageUploaded("img-10", null, "originals", "img-10.jpg", null, null, null)));
        storage.objects.put("thumbnails/img-1/retired-variant.jpg", new byte[] {1}); // from an older catalog
        assertThat(storage.objects).containsKeys("thumbnails/img-1/a.jpg", "thumbnails/img-1/b.png");

        assertThat(job.process(deletion("d-1", T0.plusSeconds(60)))).isEqualTo(ImageJob.Outcome.DELETED);

        assertThat(storage.objects.keySet())
                .as("img-10 shares the prefix img-1 but not the folder")
                .containsExactly(
                        "metadata/img-1/manifest.json",
                        "metadata/img-10/manifest.json",
                        "originals/img-10.jpg",
                        "thumbnails/img-10/a.jpg",
                        "thumbnails/img-10/b.png");
        Manifest tombstone = storage.manifest("img-1");
        assertThat(tombstone)
                .isEqualTo(new Manifest(
                        Manifest.SCHEMA,
                        "img-1",
                        "deleted",
                        null,
                        List.of(),
                        null,
                        null,
                        "d-1",
                        tombstone.updatedAt(),
                        T0.plusSeconds(60)));
        InOrder order = Mockito.inOrder(storage.store);
        order.verify(storage.store).remove("thumbnails", "img-1/a.jpg");
        order.verify(storage.store).remove("originals", "img-1.jpg");
        order.verify(storage.store)
                .put(
                        ArgumentMatchers.eq("metadata"),
                        ArgumentMatchers.eq("img-1/manifest.json"),
                        ArgumentMatchers.any(),
                        ArgumentMatchers.any());
    }

    /** An upload event arriving after the deletion, and whether it may render the image again. */
    record LateUpload(String description, Instant published, ImageJob.Outcome outcome) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<LateUpload> lateUploads() {
        return Stream.of(
                new LateUpload("the upload the deletion followed, redelivered", T0, ImageJob.Outcome.IGNORED),
                new LateUpload(
                        "an upload published the same instant as the deletion",
                        T0.plusSeconds(60),
                        ImageJob.Outcome.IGNORED),
                new LateUpload("an upload without a publication time", null, ImageJob.Outcome.IGNORED),
                new LateUpload("a new upload after the deletion", T0.plusSeconds(61), ImageJob.Outcome.RENDERED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lateUploads")
    void anUploadPublishedBeforeTheDeletionDoesNotResurrectTheImage(LateUpload late) {
        job.process(upload("u-1", T0));
        job.process(deletion("d-1", T0.plusSeconds(60)));
        storage.objects.put("originals/img-1.jpg", InMemoryStore.jpeg(120, 60)); // e.g. put back by a seller's tool
        int writes = storage.variantWrites.get();

        assertThat(job.process(upload("u-2", late.published()))).isEqualTo(late.outcome());

        Manifest after = storage.manifest("img-1");
        if (late.outcome() == ImageJob.Outcome.IGNORED) {
            assertThat(storage.variantWrites.get()).isEqualTo(writes);
            assertThat(after.status()).isEqualTo("deleted");
            assertThat(count("ignored")).isEqualTo(1);
        } else {
            assertThat(after.status()).isEqualTo("rendered");
            assertThat(after.deletedAt())
                    .as("still remembered, for older events yet to come")
                    .isEqualTo(T0.plusSeconds(60));
        }
    }

    @Test
    void aRedeliveredDeletionErasesAgainAndKeepsTheTombstone() {
        job.process(upload("u-1", T0));
        job.process(deletion("d-1", T0.plusSeconds(60)));
        assertThat(job.process(deletion("d-1", T0.plusSeconds(60)))).isEqualTo(ImageJob.Outcome.DELETED);
        assertThat(storage.manifest("img-1").status()).isEqualTo("deleted");
        assertThat(count("deleted")).isEqualTo(2);
    }

    @Test
    void aDeletionOfAnImageNeverRenderedStillStopsItsOlderUploads() {
        storage.objects.remove("metadata/img-1/manifest.json");
        job.process(deletion("d-1", T0.plusSeconds(60)));
        assertThat(storage.manifest("img-1").status()).isEqualTo("deleted");
        assertThat(storage.objects)
                .as("an original the manifest never named is not guessed at")
                .containsKey("originals/img-1.jpg");
        assertThat(job.process(upload("u-1", T0))).isEqualTo(ImageJob.Outcome.IGNORED);
    }

    @Test
    void anOriginalOutsideTheOriginalsBucketIsNotOursToErase() {
        storage.objects.put("marketplace/photos/img-1.jpg", InMemoryStore.jpeg(30, 30));
        job.process(new ImageEvent(
                "u-1",
                "/test",
                T0,
                new ImageUploaded("img-1", null, "marketplace", "photos/img-1.jpg", null, null, null)));
        job.process(deletion("d-1", T0.plusSeconds(60)));
        assertThat(storage.objects)
                .containsKey("marketplace/photos/img-1.jpg")
                .doesNotContainKey("thumbnails/img-1/a.jpg");
    }

    /**
     * Regression: deleting an image erased whatever original its last event named, so a caller could name another
     * image's original in an upload event under an imageId of its own, then delete that image. The original is erased
     * only if storage says it is this image's: its x-amz-meta-image-id, else (written without one) its file name.
     */
    @Test
    void anOriginalThatBelongsToAnotherImageIsNotErased() {
        storage.original("originals/victim.jpg", InMemoryStore.jpeg(30, 30), "victim");
        storage.objects.put("originals/lots/7/lot-7-1.jpg", InMemoryStore.jpeg(30, 30));
        for (String key : List.of("victim.jpg", "lots/7/lot-7-1.jpg")) {
            job.process(new ImageEvent(
                    "u-" + key, "/test", T0, new ImageUploaded("mine", null, "originals", key, null, null, null)));
            assertThat(storage.manifest("mine").source().key()).isEqualTo(key);

            job.process(new ImageEvent("d-" + key, "/test", T0.plusSeconds(60), new ImageDeleted("mine")));

            assertThat(storage.manifest("mine").status()).isEqualTo("deleted");
            assertThat(storage.objects)
                    .as(key)
                    .containsKey("originals/" + key)
                    .doesNotContainKey("thumbnails/mine/a.jpg");
            storage.objects.remove("metadata/mine/manifest.json");
        }
    }

    @Test
    void anOriginalWhoseMetadataNamesTheImageIsErasedWhateverItsKey() {
        storage.original("originals/uploads/7f3a.jpg", InMemoryStore.jpeg(30, 30), "img-1");
        job.process(new ImageEvent(
                "u-1",
                "/test",
                T0,
                new ImageUploaded("img-1", null, "originals", "uploads/7f3a.jpg", null, null, null)));
        job.process(deletion("d-1", T0.plusSeconds(60)));
        assertThat(storage.objects).doesNotContainKey("originals/uploads/7f3a.jpg");
    }

    @Test
    void anUploadAcceptedAfterTheDeletionWasRequestedKeepsItsOriginalAndStatus() {
        job.process(upload("u-1", T0));
        // The ingest API accepted a new upload (pending, carrying the deletion) before the worker got to the deletion.
        Manifest pending = Manifest.pending(
                        "img-1",
                        Manifest.Source.of("originals", "img-1.jpg", null, null, null),
                        "u-2",
                        T0.plusSeconds(90))
                .carryingDeletion(Manifest.deleting("img-1", null, "d-1", T0.plusSeconds(60), T0.plusSeconds(60)));
        storage.objects.put("metadata/img-1/manifest.json", ManifestCodec.write(pending));

        assertThat(job.process(deletion("d-1", T0.plusSeconds(60)))).isEqualTo(ImageJob.Outcome.DELETED);
        assertThat(storage.objects)
                .doesNotContainKeys("thumbnails/img-1/a.jpg", "thumbnails/img-1/b.png")
                .containsKey("originals/img-1.jpg");
        assertThat(storage.manifest("img-1")).isEqualTo(pending);
        assertThat(job.process(upload("u-2", T0.plusSeconds(90)))).isEqualTo(ImageJob.Outcome.RENDERED);
    }

    private double count(String outcome) {
        return meters.get("miniatura.images").tag("outcome", outcome).counter().count();
    }
}
