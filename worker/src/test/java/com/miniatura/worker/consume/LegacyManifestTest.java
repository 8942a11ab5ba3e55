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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Manifests an earlier version wrote to the public thumbnails bucket, before {@code rerender --move-metadata} moved
 * them: the worker reads one when the metadata bucket has none (its staleness and deletion checks hold), and a manifest
 * it writes goes to the metadata bucket and takes the public copy away.
 */
class LegacyManifestTest {
    private static final VariantSpec A =
            new VariantSpec("a", 40, 40, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of());
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "public, max-age=60", false);
    private static final String LEGACY = "thumbnails/img-1/manifest.json";
    private static final String CURRENT = "metadata/img-1/manifest.json";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private final InMemoryStore storage = new InMemoryStore();
    private final ImageJob job = new ImageJob(
            storage.store,
            new Renderer(RenderLimits.defaults()),
            new MiniaturaSettings(STORAGE, new KafkaSettings("t", 1, false), VariantCatalog.of(List.of(A))),
            new WorkerSettings(RenderLimits.defaults()),
            new SimpleMeterRegistry());

    /**
     * @param earlier       the event whose manifest is moved to the thumbnails bucket once handled, as an earlier
     *                      version left it; {@code null} for the pending manifest an earlier ingest API wrote there
     * @param event         the event handled then
     * @param outcome       what the job does with it
     * @param renders       variant writes
     * @param status        the manifest's status afterwards, wherever it is
     * @param legacyRemains whether the public copy is still there (the job wrote no manifest)
     */
    record Case(
            String description,
            ImageEvent earlier,
            ImageEvent event,
            ImageJob.Outcome outcome,
            int renders,
            String status,
            boolean legacyRemains) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        ImageEvent upload = upload("u-1", T0);
        return Stream.of(
                new Case(
                        "pending in the thumbnails bucket: rendered, its manifest moved",
                        null,
                        upload,
                        ImageJob.Outcome.RENDERED,
                        1,
                        Manifest.RENDERED,
                        false),
                new Case(
                        "rendered from this original: a duplicate is skipped",
                        upload,
                        upload("u-1", T0),
                        ImageJob.Outcome.SKIPPED,
                        0,
                        Manifest.RENDERED,
                        true),
                new Case(
                        "deleted after this upload was published: ignored",
                        new ImageEvent("d-1", "/test", T0.plusSeconds(60), new ImageDeleted("img-1")),
                        upload,
                        ImageJob.Outcome.IGNORED,
                        0,
                        Manifest.DELETED,
                        true),
                new Case(
                        "a deletion reads the original's name from it and erases it",
                        upload,
                        new ImageEvent("d-2", "/test", T0.plusSeconds(60), new ImageDeleted("img-1")),
                        ImageJob.Outcome.DELETED,
                        0,
                        Manifest.DELETED,
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aManifestOnlyInTheThumbnailsBucketIsReadAndMovedByTheNextWrite(Case c) {
        storage.original("originals/img-1.jpg", InMemoryStore.jpeg(120, 60), "img-1");
        if (c.earlier() == null) {
            storage.objects.put(
                    LEGACY,
                    ManifestCodec.write(Manifest.pending(
                            "img-1", Manifest.Source.of("originals", "img-1.jpg", null, null, null), "u-1", T0)));
        } else {
            job.process(c.earlier());
            storage.objects.put(LEGACY, storage.objects.remove(CURRENT)); // as an earlier version left it
        }
        int before = storage.variantWrites.get();

        assertThat(job.process(c.event())).isEqualTo(c.outcome());

        assertThat(storage.variantWrites.get() - before).as("variant writes").isEqualTo(c.renders());
        assertThat(storage.objects.containsKey(LEGACY))
                .as("the public copy remains")
                .isEqualTo(c.legacyRemains());
        assertThat(storage.objects.containsKey(CURRENT))
                .as("written to the metadata bucket")
                .isEqualTo(!c.legacyRemains());
        byte[] manifest = storage.objects.get(c.legacyRemains() ? LEGACY : CURRENT);
        assertThat(ManifestCodec.read(manifest).status()).isEqualTo(c.status());
        if (c.outcome() == ImageJob.Outcome.DELETED) {
            assertThat(storage.objects)
                    .as("the original its legacy manifest named")
                    .doesNotContainKey("originals/img-1.jpg");
        }
    }

    private static ImageEvent upload(String id, Instant time) {
        return new ImageEvent(
                id, "/test", time, new ImageUploaded("img-1", null, "originals", "img-1.jpg", null, null, null));
    }
}
