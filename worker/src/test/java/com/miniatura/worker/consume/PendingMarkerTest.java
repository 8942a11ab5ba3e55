package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;

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
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.Renderer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentMatchers;

/**
 * The worker removes an image's pending marker ({@code metadata/pending~/{imageId}}, written by the ingest API with the
 * pending status) when it writes a state that ends the wait, and only then; a marker it cannot remove never fails the
 * image (the ingest API's sweep removes it).
 */
class PendingMarkerTest {
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "public, max-age=60", false);
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String MARKER = "metadata/pending~/img-1";

    private final InMemoryStore storage = new InMemoryStore();
    private final ImageJob job = new ImageJob(
            storage.store,
            new Renderer(RenderLimits.defaults()),
            new MiniaturaSettings(
                    STORAGE,
                    new KafkaSettings("t", 1, false),
                    VariantCatalog.of(List.of(new VariantSpec(
                            "a", 40, 40, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of())))),
            new WorkerSettings(RenderLimits.defaults()),
            new SimpleMeterRegistry());

    PendingMarkerTest() {
        storage.objects.put(MARKER, new byte[0]);
    }

    private static ImageEvent upload(String key) {
        return new ImageEvent(
                "ev-1", "/test", T0, new ImageUploaded("img-1", null, "originals", key, null, null, null));
    }

    @Test
    void renderedEndsTheWait() {
        storage.original("originals/img-1.jpg", InMemoryStore.jpeg(60, 40), "img-1");
        assertThat(job.process(upload("img-1.jpg"))).isEqualTo(ImageJob.Outcome.RENDERED);
        assertThat(storage.objects).doesNotContainKey(MARKER);
    }

    @Test
    void failedEndsTheWait() {
        assertThatThrownBy(() -> job.process(upload("missing.jpg"))).isInstanceOf(ImageRejectedException.class);
        assertThat(storage.manifest("img-1").status()).isEqualTo(Manifest.FAILED);
        assertThat(storage.objects).doesNotContainKey(MARKER);
    }

    @Test
    void deletedEndsTheWait() {
        assertThat(job.process(new ImageEvent("d-1", "/test", T0, new ImageDeleted("img-1"))))
                .isEqualTo(ImageJob.Outcome.DELETED);
        assertThat(storage.objects).doesNotContainKey(MARKER);
    }

    /** The render's attempt is written over pending while it renders: the image still waits. */
    @Test
    void theRenderAttemptDoesNotEndTheWait() {
        storage.original("originals/img-1.jpg", InMemoryStore.jpeg(60, 40), "img-1");
        doThrow(new StorageUnavailableException("put thumbnails/img-1/a.jpg failed", null))
                .when(storage.store)
                .put(eq("thumbnails"), eq("img-1/a.jpg"), ArgumentMatchers.any(), ArgumentMatchers.any());
        assertThatThrownBy(() -> job.process(upload("img-1.jpg"))).isInstanceOf(StorageUnavailableException.class);
        assertThat(storage.manifest("img-1").attempt()).isNotNull();
        assertThat(storage.objects).containsKey(MARKER);
    }

    @Test
    void aMarkerThatCannotBeRemovedNeverFailsTheImage() {
        storage.original("originals/img-1.jpg", InMemoryStore.jpeg(60, 40), "img-1");
        doThrow(new StorageUnavailableException("remove metadata/pending~/img-1 failed", null))
                .when(storage.store)
                .remove("metadata", "pending~/img-1");
        assertThat(job.process(upload("img-1.jpg"))).isEqualTo(ImageJob.Outcome.RENDERED);
        assertThat(storage.manifest("img-1").status()).isEqualTo(Manifest.RENDERED);
    }
}
