package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.Renderer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A render removes the objects of variants its image's previous manifest listed and its new manifest does not (a
 * variant dropped from the catalog, or re-formatted), after writing that manifest; and nothing else: not what a
 * partial re-render kept, not what a failed render replaced, not a key a forged manifest names outside the image, not
 * what a newer render may own.
 */
class OrphanVariantsTest {
    private static final VariantSpec A = spec("a", 40, OutputFormat.JPEG);
    private static final VariantSpec A2 = spec("a", 41, OutputFormat.JPEG);
    private static final VariantSpec B = spec("b", 20, OutputFormat.JPEG);
    private static final VariantSpec B_WEBP = spec("b", 20, OutputFormat.WEBP);
    private static final VariantSpec C = spec("c", 10, OutputFormat.JPEG);
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "public, max-age=60", false);
    private static final Instant UPLOADED = Instant.parse("2026-01-01T00:00:00Z");
    private static final String MANIFEST = "metadata/img-1/manifest.json";

    private final InMemoryStore storage = new InMemoryStore();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    OrphanVariantsTest() {
        storage.objects.put("originals/img-1.jpg", InMemoryStore.jpeg(120, 60));
    }

    private static VariantSpec spec(String name, int width, OutputFormat format) {
        return new VariantSpec(name, width, width, Fit.COVER, format, 80, false, 0xFFFFFF, List.of());
    }

    private ImageJob job(VariantSpec... catalog) {
        return new ImageJob(
                storage.store,
                new Renderer(RenderLimits.defaults()),
                new MiniaturaSettings(STORAGE, new KafkaSettings("t", 1, false), VariantCatalog.of(List.of(catalog))),
                new WorkerSettings(RenderLimits.defaults()),
                meters);
    }

    private static ImageEvent event(String id, List<String> variants) {
        return new ImageEvent(
                id,
                "/miniatura/rerender",
                "image.uploaded",
                UPLOADED,
                new ImageUploaded("img-1", null, "originals", "img-1.jpg", null, null, null, variants));
    }

    /** The image's objects in the thumbnails bucket, its manifest left out. */
    private List<String> variantObjects() {
        return storage.objects.keySet().stream()
                .filter(k -> k.startsWith("thumbnails/img-1/") && !k.equals(MANIFEST))
                .map(k -> k.substring("thumbnails/".length()))
                .toList();
    }

    private List<String> listed() {
        return storage.manifest("img-1").variants().stream()
                .map(Manifest.Variant::key)
                .toList();
    }

    private double orphans(String outcome) {
        return meters.get("miniatura.orphans." + outcome).counter().count();
    }

    /** Stores {@code manifest} as the image's, as another writer would. */
    private void storeManifest(Manifest manifest) {
        storage.objects.put(MANIFEST, ManifestCodec.write(manifest));
    }

    /**
     * Rendered with catalog {a, b}; then the catalog changes and an event (naming some variants, or none) is
     * rendered: the objects and the manifest after it.
     */
    record Case(
            String description, List<VariantSpec> catalog, List<String> variants, List<String> objects, int removed) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(
                        "b dropped from the catalog: the manifest is written again without it, nothing rendered",
                        List.of(A),
                        null,
                        List.of("img-1/a.jpg"),
                        1),
                new Case("b dropped while a changed", List.of(A2), null, List.of("img-1/a.jpg"), 1),
                new Case(
                        "b re-formatted jpg → webp",
                        List.of(A, B_WEBP),
                        null,
                        List.of("img-1/a.jpg", "img-1/b.webp"),
                        1),
                new Case(
                        "b re-formatted, the event naming only b",
                        List.of(A, B_WEBP),
                        List.of("b"),
                        List.of("img-1/a.jpg", "img-1/b.webp"),
                        1),
                new Case(
                        "b dropped and c added, the event naming only c",
                        List.of(A, C),
                        List.of("c"),
                        List.of("img-1/a.jpg", "img-1/c.jpg"),
                        1),
                new Case(
                        "b re-formatted, the event naming only a: b is kept as it was, listed",
                        List.of(A2, B_WEBP),
                        List.of("a"),
                        List.of("img-1/a.jpg", "img-1/b.jpg"),
                        0),
                new Case(
                        "b gets a webp twin: both stored side by side and listed, nothing removed",
                        List.of(A, B, B_WEBP),
                        null,
                        List.of("img-1/a.jpg", "img-1/b.jpg", "img-1/b.webp"),
                        0),
                new Case(
                        "c added, the event naming only c: nothing replaced, nothing removed",
                        List.of(A, B, C),
                        List.of("c"),
                        List.of("img-1/a.jpg", "img-1/b.jpg", "img-1/c.jpg"),
                        0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aRenderLeavesNoObjectItsManifestDoesNotList(Case c) {
        job(A, B).process(event("ev-1", null));
        assertThat(variantObjects()).containsExactly("img-1/a.jpg", "img-1/b.jpg");

        assertThat(job(c.catalog().toArray(VariantSpec[]::new)).process(event("ev-2", c.variants())))
                .isEqualTo(ImageJob.Outcome.RENDERED);

        assertThat(variantObjects()).containsExactlyElementsOf(c.objects());
        assertThat(listed()).containsExactlyElementsOf(c.objects());
        assertThat(storage.manifest("img-1").status()).isEqualTo(Manifest.RENDERED);
        assertThat(orphans("deleted")).isEqualTo(c.removed());
        assertThat(orphans("failed") + orphans("kept")).isZero();
    }

    @Test
    void aTwinDroppedFromTheCatalogLeavesTheManifestAndItsObjectWhileItsSiblingStays() {
        job(A, B, B_WEBP).process(event("ev-1", null));
        assertThat(variantObjects()).containsExactly("img-1/a.jpg", "img-1/b.jpg", "img-1/b.webp");

        job(A, B).process(event("ev-2", null));

        assertThat(variantObjects()).containsExactly("img-1/a.jpg", "img-1/b.jpg");
        assertThat(listed()).containsExactly("img-1/a.jpg", "img-1/b.jpg");
        assertThat(orphans("deleted")).isEqualTo(1);
    }

    /** The previous manifest is data from storage: what it names outside this image's variants is never touched. */
    @Test
    void aForgedPreviousManifestRemovesNothingButThisImagesOwnVariants() {
        // Not "img-1/manifest.json": a public copy there is an earlier version's manifest, which writing the new
        // manifest removes by design (ManifestStore), whatever the old manifest listed.
        List<String> outside = List.of(
                "other-image/s150.jpg",
                "../x",
                "img-2/manifest.json",
                "img-1/../img-2/a.jpg",
                "img-1/sub/a.jpg",
                "img-1/a.jpg/",
                "originals/img-1.jpg",
                "rerender~/missing-1.json",
                "img-1/notes.txt");
        List<Manifest.Variant> forged = new ArrayList<>();
        for (String key : outside) {
            storage.objects.put("thumbnails/" + key, new byte[] {1});
            forged.add(new Manifest.Variant("x" + forged.size(), key, 1, 1, 1, "image/jpeg", "h"));
        }
        storage.objects.put("thumbnails/img-1/old.jpg", new byte[] {1});
        forged.add(new Manifest.Variant("old", "img-1/old.jpg", 1, 1, 1, "image/jpeg", "h"));
        // another original: the whole catalog is rendered, and the forged list is what it replaces
        storeManifest(Manifest.rendered(
                "img-1",
                Manifest.Source.of("originals", "img-0.jpg", "e0", 1L, null),
                forged,
                null,
                "ev-0",
                Instant.now()));

        job(A, B).process(event("ev-1", null));

        for (String key : outside) {
            assertThat(storage.objects).as(key).containsKey("thumbnails/" + key);
        }
        assertThat(storage.objects)
                .as("this image's old variant, the proof that removal ran")
                .doesNotContainKey("thumbnails/img-1/old.jpg");
        assertThat(storage.manifest("img-1").variants())
                .extracting(Manifest.Variant::key)
                .containsExactly("img-1/a.jpg", "img-1/b.jpg");
        assertThat(orphans("deleted")).isEqualTo(1);
    }

    /** Relisting writes the image's own manifest, whatever imageId the stored one claims. */
    @Test
    void aRelistWritesTheManifestOfTheEventsImageNotTheOneTheStoredManifestNames() {
        job(A, B).process(event("ev-1", null));
        Manifest first = storage.manifest("img-1");
        List<Manifest.Variant> variants = new ArrayList<>(first.variants());
        variants.add(new Manifest.Variant("gone", "img-1/gone.jpg", 1, 1, 1, "image/jpeg", "h"));
        storeManifest(Manifest.rendered("img-2", first.source(), variants, first.blurhash(), "ev-1", Instant.now()));
        storage.objects.put("thumbnails/img-1/gone.jpg", new byte[] {1});

        assertThat(job(A, B).process(event("ev-2", null))).isEqualTo(ImageJob.Outcome.RENDERED);

        assertThat(storage.manifest("img-1").imageId()).isEqualTo("img-1");
        assertThat(listed()).containsExactly("img-1/a.jpg", "img-1/b.jpg");
        assertThat(storage.objects)
                .doesNotContainKey("metadata/img-2/manifest.json")
                .doesNotContainKey("thumbnails/img-1/gone.jpg");
    }

    @Test
    void aFailedRenderRemovesNothing() {
        job(A, B).process(event("ev-1", null));
        storage.objects.put("originals/img-1.jpg", "not an image".getBytes()); // another ETag: the whole catalog again

        assertThatThrownBy(() -> job(A).process(event("ev-2", null))).isInstanceOf(ImageRejectedException.class);

        assertThat(storage.manifest("img-1").status()).isEqualTo(Manifest.FAILED);
        assertThat(variantObjects()).containsExactly("img-1/a.jpg", "img-1/b.jpg");
        assertThat(orphans("deleted")).isZero();
    }

    /** A newer render (another lane, another catalog) wrote the manifest right after this one: its keys stay. */
    @Test
    void aManifestWrittenByANewerRenderSinceKeepsEveryOldVariant() {
        job(A, B).process(event("ev-1", null));
        Manifest newer = storage.manifest("img-1");
        doAnswer(call -> {
                    String key = call.getArgument(1);
                    storage.objects.put(call.getArgument(0) + "/" + key, call.getArgument(2));
                    storage.modified.put(call.getArgument(0) + "/" + key, Instant.now());
                    if (key.equals("img-1/manifest.json")
                            && ManifestCodec.read(call.getArgument(2)).status().equals(Manifest.RENDERED)) {
                        // the live lane's worker, still on catalog {a, b}, writes its manifest just after this one
                        storeManifest(Manifest.rendered(
                                "img-1", newer.source(), newer.variants(), newer.blurhash(), "ev-live", Instant.now()));
                    }
                    return "etag";
                })
                .when(storage.store)
                .put(anyString(), anyString(), any(), any());

        job(A2).process(event("ev-2", null));

        assertThat(variantObjects()).containsExactly("img-1/a.jpg", "img-1/b.jpg");
        assertThat(listed()).as("the newer manifest").containsExactly("img-1/a.jpg", "img-1/b.jpg");
        assertThat(orphans("kept")).isEqualTo(1);
        assertThat(orphans("deleted")).isZero();
    }

    /**
     * An object stored well after the manifest that listed it was overwritten since, by a render of another catalog
     * that has not written its manifest yet: kept.
     */
    @Test
    void anObjectStoredAfterTheManifestThatListedItIsKept() {
        job(A, B).process(event("ev-1", null));
        Manifest first = storage.manifest("img-1");
        storeManifest(new Manifest(
                first.schema(),
                "img-1",
                Manifest.RENDERED,
                first.source(),
                first.variants(),
                first.blurhash(),
                null,
                "ev-1",
                Instant.now().minus(Orphans.SKEW).minus(Duration.ofMinutes(1)),
                null));

        job(A).process(event("ev-2", null));

        assertThat(listed()).containsExactly("img-1/a.jpg");
        assertThat(variantObjects()).containsExactly("img-1/a.jpg", "img-1/b.jpg");
        assertThat(orphans("kept")).isEqualTo(1);
    }

    /** A key of this worker's catalog is never an orphan of it: a render of the same catalog may be writing it now. */
    @Test
    void aKeyOfTheCurrentCatalogIsNeverRemoved() {
        job(A, B).process(event("ev-1", null));
        Manifest first = storage.manifest("img-1");
        List<Manifest.Variant> variants = new ArrayList<>(first.variants());
        variants.add(new Manifest.Variant("old-c", "img-1/c.jpg", 10, 10, 1, "image/jpeg", "h"));
        storeManifest(Manifest.rendered("img-1", first.source(), variants, first.blurhash(), "ev-1", Instant.now()));
        storage.objects.put("thumbnails/img-1/c.jpg", new byte[] {1});

        // c is in the catalog, but the event asks for a only: c is not rendered, and old-c leaves the manifest
        job(A, B, C).process(event("ev-2", List.of("a")));

        assertThat(listed()).containsExactly("img-1/a.jpg", "img-1/b.jpg");
        assertThat(variantObjects()).contains("img-1/c.jpg");
        assertThat(orphans("deleted")).isZero();
    }

    /** Removal failing is counted and logged; the image is rendered all the same. */
    @Test
    void aRemovalThatFailsIsCountedAndTheRenderStands() {
        job(A, B).process(event("ev-1", null));
        doAnswer(call -> {
                    throw new StorageUnavailableException("remove thumbnails/img-1/b.jpg failed: SlowDown", null);
                })
                .when(storage.store)
                .remove(anyString(), anyString());

        assertThat(job(A).process(event("ev-2", null))).isEqualTo(ImageJob.Outcome.RENDERED);

        assertThat(listed()).containsExactly("img-1/a.jpg");
        assertThat(variantObjects()).containsExactly("img-1/a.jpg", "img-1/b.jpg");
        assertThat(orphans("failed")).isEqualTo(1);
    }
}
