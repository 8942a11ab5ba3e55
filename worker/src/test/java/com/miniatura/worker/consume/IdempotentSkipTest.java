package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

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
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.Renderer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A redelivered or duplicate event for an image already rendered from the same original with the same
 * catalog does no rendering; anything that makes the stored variants stale renders again.
 */
class IdempotentSkipTest {
    private static final VariantSpec A =
            new VariantSpec("a", 40, 40, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of());
    private static final VariantSpec B =
            new VariantSpec("b", 20, null, Fit.INSIDE, OutputFormat.PNG, 80, false, 0xFFFFFF, List.of());
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "public, max-age=60", false);

    private final InMemoryStore storage = new InMemoryStore();
    private final Map<String, byte[]> objects = storage.objects;
    private final AtomicInteger variantWrites = storage.variantWrites;
    private final ObjectStore store = storage.store;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    IdempotentSkipTest() throws Exception {
        objects.put("originals/img-1.jpg", InMemoryStore.jpeg(120, 60));
    }

    private ImageJob job(VariantSpec... catalog) {
        return new ImageJob(
                store,
                new Renderer(RenderLimits.defaults()),
                new MiniaturaSettings(STORAGE, new KafkaSettings("t", 1, false), VariantCatalog.of(List.of(catalog))),
                new WorkerSettings(RenderLimits.defaults()),
                meters);
    }

    private static ImageEvent event(String id, String key) {
        return new ImageEvent(
                id,
                "/test",
                "image.uploaded",
                Instant.EPOCH,
                new ImageUploaded("img-1", null, "originals", key, null, null, null));
    }

    @Test
    void aHundredDuplicateDeliveriesRenderOnceAndKeepOneConsistentManifest() {
        ImageJob job = job(A, B);
        for (int i = 0; i < 100; i++) {
            job.process(event("ev-1", "img-1.jpg"));
        }
        assertThat(variantWrites).as("variant writes").hasValue(2);
        assertThat(count("rendered")).isEqualTo(1);
        assertThat(count("skipped")).isEqualTo(99);
        Manifest manifest = ManifestCodec.read(objects.get("metadata/img-1/manifest.json"));
        assertThat(manifest.status()).isEqualTo("rendered");
        assertThat(manifest.eventId()).as("the manifest of the one render").isEqualTo("ev-1");
        System.out.printf(
                "duplicates: 100 deliveries of one event -> rendered %.0f, skipped %.0f, variant writes %d%n",
                count("rendered"), count("skipped"), variantWrites.get());
    }

    /**
     * Something that makes stored variants stale, after a first render with variants a and b, and how many
     * variants must then be rendered again: only the stale ones while the original is the same.
     */
    record Change(String description, Consumer<IdempotentSkipTest> apply, VariantSpec[] catalog, int rendered) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Change> staleness() throws Exception {
        byte[] other = InMemoryStore.jpeg(100, 100);
        return Stream.of(
                new Change(
                        "the original was replaced (new ETag)",
                        t -> t.objects.put("originals/img-1.jpg", other),
                        new VariantSpec[] {A, B},
                        2),
                new Change(
                        "a variant's options changed (spec hash)",
                        t -> {},
                        new VariantSpec[] {
                            A,
                            new VariantSpec("b", 21, null, Fit.INSIDE, OutputFormat.PNG, 80, false, 0xFFFFFF, List.of())
                        },
                        1),
                new Change(
                        "a variant was added to the catalog",
                        t -> {},
                        new VariantSpec[] {
                            A,
                            B,
                            new VariantSpec("c", 10, 10, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of())
                        },
                        1),
                new Change(
                        "a new upload marked the image pending",
                        t -> t.objects.put(
                                "metadata/img-1/manifest.json",
                                ManifestCodec.write(Manifest.pending("img-1", null, "ev-2", Instant.EPOCH))),
                        new VariantSpec[] {A, B},
                        2),
                new Change(
                        "the manifest is unreadable",
                        t -> t.objects.put("metadata/img-1/manifest.json", "{not json".getBytes()),
                        new VariantSpec[] {A, B},
                        2),
                new Change(
                        "the original was replaced and a variant changed",
                        t -> t.objects.put("originals/img-1.jpg", other),
                        new VariantSpec[] {
                            A,
                            new VariantSpec("b", 21, null, Fit.INSIDE, OutputFormat.PNG, 80, false, 0xFFFFFF, List.of())
                        },
                        2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("staleness")
    void staleVariantsAreRenderedAgain(Change change) {
        job(A, B).process(event("ev-1", "img-1.jpg"));
        change.apply().accept(this);
        int before = variantWrites.get();
        assertThat(job(change.catalog()).process(event("ev-2", "img-1.jpg"))).isEqualTo(ImageJob.Outcome.RENDERED);
        assertThat(variantWrites.get() - before).isEqualTo(change.rendered());
        Manifest manifest = ManifestCodec.read(objects.get("metadata/img-1/manifest.json"));
        assertThat(manifest.eventId()).isEqualTo("ev-2");
        assertThat(manifest.variants())
                .as("the manifest lists the whole catalog, current")
                .extracting(v -> v.name() + "@" + v.specHash())
                .containsExactlyElementsOf(Stream.of(change.catalog())
                        .map(v -> v.name() + "@" + v.specHash())
                        .toList());
    }

    @Test
    void anEventForAnotherOriginalOfTheSameImageRendersAgain() {
        job(A, B).process(event("ev-1", "img-1.jpg"));
        objects.put("originals/img-1-v2.jpg", objects.get("originals/img-1.jpg"));
        assertThat(job(A, B).process(event("ev-2", "img-1-v2.jpg"))).isEqualTo(ImageJob.Outcome.RENDERED);
    }

    private double count(String outcome) {
        return meters.get("miniatura.images").tag("outcome", outcome).counter().count();
    }
}
