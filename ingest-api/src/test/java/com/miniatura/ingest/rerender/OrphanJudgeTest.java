package com.miniatura.ingest.rerender;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.rerender.PruneStats.Count;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What pruning decides for one image's variant objects, by the image's manifest, as a plain function. */
class OrphanJudgeTest {
    private static final Instant CUTOFF = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant OLD = CUTOFF.minusSeconds(60);
    private static final VariantCatalog CATALOG = VariantCatalog.of(
            List.of(new VariantSpec("s150", 150, 150, Fit.COVER, OutputFormat.WEBP, 80, false, 0xFFFFFF, List.of())));
    private static final Manifest.Source SOURCE = Manifest.Source.of("originals", "img-1.jpg", "e", 10L, "image/jpeg");
    private static final List<ObjectStore.Listed> OBJECTS = List.of(
            listed("img-1/m300.jpg", OLD), // listed by the manifest
            listed("img-1/s150.webp", OLD), // the catalog's name: a render may be writing it
            listed("img-1/x999.png", OLD), // neither
            listed("img-1/y100.jpg", CUTOFF.plusSeconds(1))); // too young to judge

    record Case(String name, String manifest, boolean withoutManifest, List<String> orphans, Map<Count, Long> tally) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String rendered = json(Manifest.rendered(
                "img-1",
                SOURCE,
                List.of(new Manifest.Variant("m300", "img-1/m300.jpg", 300, 200, 10, "image/jpeg", "abcd")),
                null,
                "ev-1",
                OLD));
        return Stream.of(
                new Case(
                        "rendered: only what neither the manifest nor the catalog names",
                        rendered,
                        false,
                        List.of("img-1/x999.png"),
                        Map.of(
                                Count.IMAGES,
                                1L,
                                Count.KEPT_YOUNG,
                                1L,
                                Count.MANIFESTS_READ,
                                1L,
                                Count.KEPT_LISTED,
                                1L,
                                Count.KEPT_CATALOG,
                                1L)),
                new Case(
                        "deleted: every old object",
                        json(Manifest.deleted("img-1", "ev-2", OLD, OLD)),
                        false,
                        List.of("img-1/m300.jpg", "img-1/s150.webp", "img-1/x999.png"),
                        Map.of(Count.IMAGES, 1L, Count.KEPT_YOUNG, 1L, Count.MANIFESTS_READ, 1L)),
                new Case(
                        "pending: in flight, nothing",
                        json(Manifest.pending("img-1", SOURCE, "ev-3", OLD)),
                        false,
                        List.of(),
                        Map.of(
                                Count.IMAGES,
                                1L,
                                Count.KEPT_YOUNG,
                                1L,
                                Count.MANIFESTS_READ,
                                1L,
                                Count.KEPT_IN_FLIGHT,
                                3L)),
                new Case(
                        "failed: nothing",
                        json(Manifest.failed("img-1", SOURCE, "corrupt", "ev-4", OLD)),
                        false,
                        List.of(),
                        Map.of(
                                Count.IMAGES,
                                1L,
                                Count.KEPT_YOUNG,
                                1L,
                                Count.MANIFESTS_READ,
                                1L,
                                Count.KEPT_FAILED,
                                3L)),
                new Case(
                        "unreadable manifest: nothing",
                        "{not json",
                        false,
                        List.of(),
                        Map.of(
                                Count.IMAGES,
                                1L,
                                Count.KEPT_YOUNG,
                                1L,
                                Count.MANIFESTS_READ,
                                1L,
                                Count.KEPT_UNREADABLE,
                                3L)),
                new Case(
                        "no manifest: nothing, its bytes counted",
                        null,
                        false,
                        List.of(),
                        Map.of(
                                Count.IMAGES,
                                1L,
                                Count.KEPT_YOUNG,
                                1L,
                                Count.MANIFESTS_READ,
                                1L,
                                Count.KEPT_NO_MANIFEST,
                                3L,
                                Count.KEPT_NO_MANIFEST_BYTES,
                                300L)),
                new Case(
                        "no manifest, --prune-without-manifest: every old object",
                        null,
                        true,
                        List.of("img-1/m300.jpg", "img-1/s150.webp", "img-1/x999.png"),
                        Map.of(Count.IMAGES, 1L, Count.KEPT_YOUNG, 1L, Count.MANIFESTS_READ, 1L)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void judgesOneImagesObjectsByItsManifest(Case c) {
        OrphanJudge judge = new OrphanJudge(
                CUTOFF,
                CATALOG,
                c.withoutManifest(),
                imageId -> Optional.ofNullable(c.manifest()).map(m -> m.getBytes(StandardCharsets.UTF_8)));
        OrphanJudge.Verdict verdict = judge.judge("img-1", OBJECTS);
        assertThat(verdict.orphans()).extracting(ObjectStore.Listed::key).containsExactlyElementsOf(c.orphans());
        assertThat(verdict.tally()).isEqualTo(c.tally());
    }

    @Test
    void readsNoManifestWhenEveryObjectIsTooYoung() {
        OrphanJudge judge = new OrphanJudge(CUTOFF, CATALOG, true, imageId -> {
            throw new AssertionError("read the manifest of " + imageId);
        });
        OrphanJudge.Verdict verdict = judge.judge("img-1", List.of(listed("img-1/x999.png", CUTOFF.plusSeconds(1))));
        assertThat(verdict.orphans()).isEmpty();
        assertThat(verdict.tally()).isEqualTo(Map.of(Count.IMAGES, 1L, Count.KEPT_YOUNG, 1L));
    }

    private static ObjectStore.Listed listed(String key, Instant lastModified) {
        return new ObjectStore.Listed(key, "etag", 100, lastModified, Map.of());
    }

    private static String json(Manifest manifest) {
        return new String(ManifestCodec.write(manifest), StandardCharsets.UTF_8);
    }
}
