package com.miniatura.ingest.rerender;

import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.storage.Manifest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Why an image needs (or does not need) rendering for {@code --mode missing}, from its manifest: a plain
 * function of the manifest, the original as listed, the catalog and the variants asked for.
 */
final class Staleness {
    /** A {@code pending} status older than this is taken as a lost event rather than one still in the queue. */
    static final Duration PENDING_STUCK_AFTER = Duration.ofHours(1);

    /** What the manifest says, and whether to publish. */
    enum Verdict {
        NEVER_RENDERED(true, "never rendered"),
        UNREADABLE_MANIFEST(true, "manifest unreadable"),
        FAILED(true, "failed"),
        PENDING_STUCK(true, "pending for over an hour"),
        /** Also when the original has no ETag to compare (only seen for files put into S3Proxy's folder by hand). */
        ORIGINAL_CHANGED(true, "original changed"),
        VARIANTS_STALE(true, "variants missing or changed"),
        /**
         * Every variant current, but the manifest lists some the catalog dropped: the worker writes it again without
         * them and removes their objects, rendering nothing.
         */
        VARIANTS_DROPPED(true, "variants dropped from the catalog"),
        UP_TO_DATE(false, "up to date"),
        PENDING(false, "pending (event in flight)"),
        DELETED(false, "deleted"),
        OTHER_ORIGINAL(false, "rendered from another original");

        final boolean publish;
        final String label;

        Verdict(boolean publish, String label) {
            this.publish = publish;
            this.label = label;
        }
    }

    /** A verdict and the variants it would render (names, catalog order). */
    record Result(Verdict verdict, List<String> variants) {}

    private Staleness() {
    }

    /**
     * @param manifest     the image's manifest, {@code null} when absent
     * @param bucket       the original's bucket
     * @param key          the original's key
     * @param etag         the original's ETag as listed, or {@code null} when unknown (then it is not compared)
     * @param lastModified when the original was stored, or {@code null}
     * @param catalog      the whole catalog: what the worker renders when nothing of the image can be kept
     * @param wanted       the catalog variants asked for (all of them, or those of {@code --variants})
     * @param now          the current time
     */
    static Result of(Manifest manifest, String bucket, String key, String etag, Instant lastModified,
            List<VariantSpec> catalog, List<VariantSpec> wanted, Instant now) {
        List<String> all = catalog.stream().map(VariantSpec::name).toList();
        if (manifest == null) {
            return new Result(Verdict.NEVER_RENDERED, all);
        }
        switch (manifest.status()) {
            case Manifest.FAILED:
                return new Result(Verdict.FAILED, all);
            case Manifest.PENDING:
                boolean stuck = manifest.updatedAt() == null || manifest.updatedAt().plus(PENDING_STUCK_AFTER).isBefore(now);
                return new Result(stuck ? Verdict.PENDING_STUCK : Verdict.PENDING, stuck ? all : List.of());
            case Manifest.DELETING:
            case Manifest.DELETED:
                // an original stored after the deletion is a new upload (the worker checks the same way)
                boolean after = lastModified != null && manifest.deletedAt() != null && lastModified.isAfter(manifest.deletedAt());
                return after ? new Result(Verdict.NEVER_RENDERED, all) : new Result(Verdict.DELETED, List.of());
            case Manifest.RENDERED:
                break;
            default:
                return new Result(Verdict.UNREADABLE_MANIFEST, all);
        }
        Manifest.Source source = manifest.source();
        if (source == null || !bucket.equals(source.bucket()) || !key.equals(source.key())) {
            return new Result(Verdict.OTHER_ORIGINAL, List.of());
        }
        if (etag != null && source.etag() != null && !etag.equals(source.etag())) {
            return new Result(Verdict.ORIGINAL_CHANGED, all);
        }
        Set<String> rendered = manifest.variants().stream().map(v -> v.name() + "@" + v.specHash()).collect(Collectors.toSet());
        List<String> stale = wanted.stream().filter(v -> !rendered.contains(v.name() + "@" + v.specHash()))
                .map(VariantSpec::name).toList();
        if (!stale.isEmpty()) {
            return new Result(Verdict.VARIANTS_STALE, stale);
        }
        Set<String> names = catalog.stream().map(VariantSpec::name).collect(Collectors.toSet());
        return manifest.variants().stream().anyMatch(v -> !names.contains(v.name()))
                ? new Result(Verdict.VARIANTS_DROPPED, List.of())
                : new Result(Verdict.UP_TO_DATE, List.of());
    }
}
