package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.config.KafkaSettings;
import com.miniatura.common.config.MiniaturaSettings;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Re-render events (docs/rerender.md): an event naming some {@code variants} renders only those of them that
 * are stale, keeps the image's other variants and lists the whole catalog in the manifest; it renders everything
 * when there is nothing of the same original to keep. And a deletion that lands while the bulk lane renders an
 * image wins.
 */
class PartialRerenderTest {
    private static final VariantSpec A = spec("a", 40);
    private static final VariantSpec B = spec("b", 20);
    private static final VariantSpec B2 = spec("b", 21);
    private static final VariantSpec C = spec("c", 10);
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "public, max-age=60", false);
    private static final Instant UPLOADED = Instant.parse("2026-01-01T00:00:00Z");

    private final InMemoryStore storage = new InMemoryStore();

    PartialRerenderTest() {
        storage.objects.put("originals/img-1.jpg", InMemoryStore.jpeg(120, 60));
    }

    private static VariantSpec spec(String name, int width) {
        return new VariantSpec(name, width, width, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of());
    }

    private ImageJob job(VariantSpec... catalog) {
        return new ImageJob(
                storage.store,
                new Renderer(RenderLimits.defaults()),
                new MiniaturaSettings(STORAGE, new KafkaSettings("t", 1, false), VariantCatalog.of(List.of(catalog))),
                new WorkerSettings(RenderLimits.defaults()),
                new SimpleMeterRegistry());
    }

    private static ImageEvent event(String id, List<String> variants) {
        return new ImageEvent(
                id,
                "/miniatura/rerender",
                "image.uploaded",
                UPLOADED,
                new ImageUploaded("img-1", null, "originals", "img-1.jpg", null, null, null, variants));
    }

    private List<String> listed() {
        return storage.manifest("img-1").variants().stream()
                .map(v -> v.name() + "@" + v.specHash())
                .toList();
    }

    /**
     * After a render with catalog {a, b}, the catalog becomes {a, b (changed), c} and an event names some
     * variants: how many are rendered, and what the manifest lists (name@spec of a, b, c as rendered).
     */
    record Case(String description, List<String> variants, int rendered, List<VariantSpec> listed) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("every variant (no list): the two stale ones", null, 2, List.of(A, B2, C)),
                new Case("only the new variant c", List.of("c"), 1, List.of(A, B, C)),
                new Case("only the changed variant b", List.of("b"), 1, List.of(A, B2)),
                new Case("an up-to-date variant only: nothing", List.of("a"), 0, List.of(A, B)),
                new Case("a variant this worker's catalog lacks: nothing", List.of("zz"), 0, List.of(A, B)),
                new Case("b and c", List.of("b", "c"), 2, List.of(A, B2, C)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void anEventNamingVariantsRendersOnlyThoseThatAreStale(Case c) {
        job(A, B).process(event("ev-1", null));
        int before = storage.variantWrites.get();
        ImageJob.Outcome outcome = job(A, B2, C).process(event("ev-2", c.variants()));
        assertThat(storage.variantWrites.get() - before).as("variants rendered").isEqualTo(c.rendered());
        assertThat(outcome).isEqualTo(c.rendered() == 0 ? ImageJob.Outcome.SKIPPED : ImageJob.Outcome.RENDERED);
        assertThat(listed())
                .containsExactlyElementsOf(c.listed().stream()
                        .map(v -> v.name() + "@" + v.specHash())
                        .toList());
        assertThat(storage.manifest("img-1").status()).isEqualTo(Manifest.RENDERED);
        assertThat(storage.manifest("img-1").blurhash())
                .as("kept or recomputed, never lost")
                .isNotBlank();
    }

    @Test
    void aListOfVariantsRendersEverythingWhenTheImageWasNeverRendered() {
        assertThat(job(A, B, C).process(event("ev-1", List.of("b")))).isEqualTo(ImageJob.Outcome.RENDERED);
        assertThat(storage.variantWrites).hasValue(3);
        assertThat(listed()).containsExactly("a@" + A.specHash(), "b@" + B.specHash(), "c@" + C.specHash());
    }

    @Test
    void aListOfVariantsRendersEverythingWhenTheOriginalChanged() {
        job(A, B).process(event("ev-1", null));
        storage.objects.put("originals/img-1.jpg", InMemoryStore.jpeg(90, 90));
        int before = storage.variantWrites.get();
        job(A, B2).process(event("ev-2", List.of("b")));
        assertThat(storage.variantWrites.get() - before)
                .as("a is stale too: it shows the old original")
                .isEqualTo(2);
        assertThat(storage.manifest("img-1").source().width()).isEqualTo(90);
    }

    @Test
    void aFailedImageIsRenderedWhole() {
        storage.objects.put(
                "metadata/img-1/manifest.json",
                ManifestCodec.write(Manifest.failed(
                        "img-1",
                        Manifest.Source.of("originals", "img-1.jpg", "x", 1L, null),
                        "worker bug",
                        "ev-0",
                        UPLOADED)));
        job(A, B).process(event("ev-1", List.of("a")));
        assertThat(storage.variantWrites).hasValue(2);
        assertThat(storage.manifest("img-1").status()).isEqualTo(Manifest.RENDERED);
    }

    /** Regression: a deletion consumed by the live lane while the bulk lane rendered the image was undone. */
    @Test
    void aDeletionDuringTheBulkRenderWinsAndItsVariantsAreTakenBack() {
        Instant deletedAt = UPLOADED.plusSeconds(60);
        AtomicBoolean deleted = new AtomicBoolean();
        doAnswer(call -> {
                    String key = call.getArgument(1);
                    if (!key.endsWith("manifest.json") && deleted.compareAndSet(false, true)) {
                        // the live lane's worker erases the image and writes its tombstone meanwhile
                        storage.objects.put(
                                "metadata/img-1/manifest.json",
                                ManifestCodec.write(Manifest.deleted("img-1", "ev-del", deletedAt, deletedAt)));
                    }
                    storage.objects.put(call.getArgument(0) + "/" + key, call.getArgument(2));
                    return "etag";
                })
                .when(storage.store)
                .put(anyString(), anyString(), any(), any());

        assertThat(job(A, B).process(event("ev-1", null))).isEqualTo(ImageJob.Outcome.IGNORED);

        Manifest manifest = storage.manifest("img-1");
        assertThat(manifest.status()).isEqualTo(Manifest.DELETED);
        assertThat(manifest.deletedAt()).isEqualTo(deletedAt);
        assertThat(storage.objects.keySet())
                .filteredOn(k -> k.startsWith("thumbnails/img-1/"))
                .isEmpty();
    }
}
