package com.miniatura.common.storage;

import com.miniatura.common.catalog.VariantSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether an image's variants are current, from its manifest: the one rule the worker renders by (what it skips,
 * what it renders again) and the rerender tool publishes by ({@code --mode missing}). A variant is current when the
 * manifest lists it with the catalog's spec hash, rendered from the same original (bucket, key and a known ETag).
 */
public final class Freshness {
    /** A {@code pending} status older than this is taken as a lost event rather than one still in the queue. */
    public static final Duration PENDING_STUCK_AFTER = Duration.ofHours(1);

    /** What the manifest says, and whether to publish. */
    public enum Verdict {
        NEVER_RENDERED(true, "never rendered"),
        UNREADABLE_MANIFEST(true, "manifest unreadable"),
        FAILED(true, "failed"),
        PENDING_STUCK(true, "pending for over an hour"),
        /** Also when the original has no ETag to compare: the worker then renders every variant again. */
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

        /** Whether the rerender tool publishes an event for the image. */
        public final boolean publish;
        /** The verdict in a report's words. */
        public final String label;

        Verdict(boolean publish, String label) {
            this.publish = publish;
            this.label = label;
        }
    }

    /** A verdict and the variants it would render (names, catalog order). */
    public record Result(Verdict verdict, List<String> variants) {}

    private Freshness() {}

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
    public static Result of(
            Manifest manifest,
            String bucket,
            String key,
            String etag,
            Instant lastModified,
            List<VariantSpec> catalog,
            List<VariantSpec> wanted,
            Instant now) {
        List<String> all = catalog.stream().map(VariantSpec::name).toList();
        if (manifest == null) {
            return new Result(Verdict.NEVER_RENDERED, all);
        }
        switch (manifest.status()) {
            case Manifest.FAILED:
                return new Result(Verdict.FAILED, all);
            case Manifest.PENDING:
                boolean stuck = manifest.updatedAt() == null
                        || manifest.updatedAt().plus(PENDING_STUCK_AFTER).isBefore(now);
                return new Result(stuck ? Verdict.PENDING_STUCK : Verdict.PENDING, stuck ? all : List.of());
            case Manifest.DELETING:
            case Manifest.DELETED:
                // an original stored after the deletion is a new upload (the worker checks the same way)
                boolean after = lastModified != null
                        && manifest.deletedAt() != null
                        && lastModified.isAfter(manifest.deletedAt());
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
        if (!renderedFrom(manifest, bucket, key) || etag != null && !etag.equals(source.etag())) {
            return new Result(Verdict.ORIGINAL_CHANGED, all);
        }
        List<String> stale =
                staleVariants(manifest, wanted).stream().map(VariantSpec::name).toList();
        if (!stale.isEmpty()) {
            return new Result(Verdict.VARIANTS_STALE, stale);
        }
        return listsDropped(manifest, catalog)
                ? new Result(Verdict.VARIANTS_DROPPED, List.of())
                : new Result(Verdict.UP_TO_DATE, List.of());
    }

    /**
     * Whether {@code manifest} says the image is rendered from the original at {@code bucket}/{@code key}, with a
     * known ETag: only then can any of its variants be kept (if that ETag still holds).
     */
    public static boolean renderedFrom(Manifest manifest, String bucket, String key) {
        if (manifest == null || !Manifest.RENDERED.equals(manifest.status())) {
            return false;
        }
        Manifest.Source source = manifest.source();
        return source != null && source.etag() != null && bucket.equals(source.bucket()) && key.equals(source.key());
    }

    /** The variants of {@code wanted} the manifest lacks or lists with another spec hash, in {@code wanted}'s order. */
    public static List<VariantSpec> staleVariants(Manifest manifest, List<VariantSpec> wanted) {
        Set<String> rendered = manifest.variants().stream()
                .map(v -> v.name() + "@" + v.specHash())
                .collect(Collectors.toSet());
        return wanted.stream()
                .filter(v -> !rendered.contains(v.name() + "@" + v.specHash()))
                .toList();
    }

    /**
     * Whether the manifest lists variants the catalog no longer has: a variant dropped, or one of its formats (a
     * twin, or the format it had before), told apart by the object each is stored as.
     */
    public static boolean listsDropped(Manifest manifest, List<VariantSpec> catalog) {
        Set<String> current = catalogEntries(manifest.imageId(), catalog);
        return manifest.variants().stream().anyMatch(v -> !current.contains(v.name() + "@" + v.key()));
    }

    /** Each variant of {@code catalog} as {@code name@key}: its name and where it is stored for {@code imageId}. */
    public static Set<String> catalogEntries(String imageId, List<VariantSpec> catalog) {
        return catalog.stream()
                .map(spec -> spec.name() + "@" + StorageLayout.thumbnailKey(imageId, spec))
                .collect(Collectors.toSet());
    }

    /** Where each variant of {@code catalog} is stored for {@code imageId}. */
    public static Set<String> catalogKeys(String imageId, List<VariantSpec> catalog) {
        return catalog.stream()
                .map(spec -> StorageLayout.thumbnailKey(imageId, spec))
                .collect(Collectors.toSet());
    }
}
