package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.storage.Freshness.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the worker renders again and {@code rerender --mode missing} publishes, decided from an image's manifest. */
class FreshnessTest {
    private static final VariantSpec A = spec("a", 150);
    private static final VariantSpec B = spec("b", 300);
    private static final VariantSpec B2 = spec("b", 320);
    private static final VariantSpec D = spec("d", 80);
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Manifest.Source SOURCE =
            new Manifest.Source("originals", "img.jpg", "e1", 10L, "image/jpeg", 10, 10, "jpeg");

    private static VariantSpec spec(String name, int width) {
        return new VariantSpec(name, width, width, Fit.INSIDE, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of());
    }

    private static Manifest.Variant variant(VariantSpec spec) {
        return new Manifest.Variant(
                spec.name(),
                "img/" + spec.name() + ".jpg",
                spec.width(),
                spec.width(),
                1000,
                "image/jpeg",
                spec.specHash());
    }

    private static Manifest rendered(Manifest.Source source, VariantSpec... variants) {
        return Manifest.rendered(
                "img", source, Stream.of(variants).map(FreshnessTest::variant).toList(), "L", "ev", NOW);
    }

    record Case(
            String description,
            Manifest manifest,
            String etag,
            Instant lastModified,
            List<VariantSpec> wanted,
            Verdict verdict,
            List<String> variants) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        List<VariantSpec> catalog = List.of(A, B2);
        return Stream.of(
                new Case("no manifest", null, "e1", null, catalog, Verdict.NEVER_RENDERED, List.of("a", "b")),
                new Case(
                        "failed",
                        Manifest.failed("img", SOURCE, "bug", "ev", NOW),
                        "e1",
                        null,
                        catalog,
                        Verdict.FAILED,
                        List.of("a", "b")),
                new Case(
                        "pending a minute",
                        Manifest.pending("img", SOURCE, "ev", NOW.minusSeconds(60)),
                        "e1",
                        null,
                        catalog,
                        Verdict.PENDING,
                        List.of()),
                new Case(
                        "pending two hours",
                        Manifest.pending("img", SOURCE, "ev", NOW.minusSeconds(7200)),
                        "e1",
                        null,
                        catalog,
                        Verdict.PENDING_STUCK,
                        List.of("a", "b")),
                new Case(
                        "deleted, original older",
                        Manifest.deleted("img", "ev", NOW.minusSeconds(60), NOW),
                        "e1",
                        NOW.minusSeconds(3600),
                        catalog,
                        Verdict.DELETED,
                        List.of()),
                new Case(
                        "deleted, original stored after",
                        Manifest.deleted("img", "ev", NOW.minusSeconds(3600), NOW),
                        "e1",
                        NOW.minusSeconds(60),
                        catalog,
                        Verdict.NEVER_RENDERED,
                        List.of("a", "b")),
                new Case(
                        "deleted, no time for the original",
                        Manifest.deleted("img", "ev", NOW.minusSeconds(3600), NOW),
                        "e1",
                        null,
                        catalog,
                        Verdict.DELETED,
                        List.of()),
                new Case(
                        "rendered from another key",
                        rendered(new Manifest.Source("originals", "img.png", "e1", 1L, null, 1, 1, "png"), A, B2),
                        "e1",
                        null,
                        catalog,
                        Verdict.OTHER_ORIGINAL,
                        List.of()),
                new Case(
                        "original replaced",
                        rendered(SOURCE, A, B2),
                        "e2",
                        null,
                        catalog,
                        Verdict.ORIGINAL_CHANGED,
                        List.of("a", "b")),
                new Case(
                        "a variant changed",
                        rendered(SOURCE, A, B),
                        "e1",
                        null,
                        catalog,
                        Verdict.VARIANTS_STALE,
                        List.of("b")),
                new Case(
                        "a variant new",
                        rendered(SOURCE, A),
                        "e1",
                        null,
                        catalog,
                        Verdict.VARIANTS_STALE,
                        List.of("b")),
                new Case("up to date", rendered(SOURCE, A, B2), "e1", null, catalog, Verdict.UP_TO_DATE, List.of()),
                new Case(
                        "d dropped from the catalog: nothing to render, the manifest to write again",
                        rendered(SOURCE, A, B2, D),
                        "e1",
                        null,
                        catalog,
                        Verdict.VARIANTS_DROPPED,
                        List.of()),
                new Case(
                        "d dropped and b changed: b rendered (d leaves the manifest then)",
                        rendered(SOURCE, A, B, D),
                        "e1",
                        null,
                        catalog,
                        Verdict.VARIANTS_STALE,
                        List.of("b")),
                new Case(
                        "up to date, ETag unknown (key file)",
                        rendered(SOURCE, A, B2),
                        null,
                        null,
                        catalog,
                        Verdict.UP_TO_DATE,
                        List.of()),
                new Case(
                        "b changed but only a asked for",
                        rendered(SOURCE, A, B),
                        "e1",
                        null,
                        List.of(A),
                        Verdict.UP_TO_DATE,
                        List.of()),
                new Case(
                        "b changed and asked for",
                        rendered(SOURCE, A, B),
                        "e1",
                        null,
                        List.of(B2),
                        Verdict.VARIANTS_STALE,
                        List.of("b")),
                // rerender called it up to date while the worker, which keeps nothing of an original it cannot compare,
                // rendered all
                new Case(
                        "rendered from an original stored without an ETag",
                        rendered(
                                new Manifest.Source("originals", "img.jpg", null, 10L, "image/jpeg", 10, 10, "jpeg"),
                                A,
                                B2),
                        "e1",
                        null,
                        catalog,
                        Verdict.ORIGINAL_CHANGED,
                        List.of("a", "b")),
                new Case(
                        "never rendered, only a asked for: the worker renders all",
                        null,
                        "e1",
                        null,
                        List.of(A),
                        Verdict.NEVER_RENDERED,
                        List.of("a", "b")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decidesFromTheManifest(Case c) {
        Freshness.Result result = Freshness.of(
                c.manifest(), "originals", "img.jpg", c.etag(), c.lastModified(), List.of(A, B2), c.wanted(), NOW);
        assertThat(result.verdict()).isEqualTo(c.verdict());
        assertThat(result.variants()).containsExactlyElementsOf(c.variants());
        assertThat(result.verdict().publish)
                .isEqualTo(!c.variants().isEmpty() || c.verdict() == Verdict.VARIANTS_DROPPED);
    }
}
