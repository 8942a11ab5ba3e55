package com.miniatura.ingest.rerender;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.storage.Freshness;
import com.miniatura.common.storage.Freshness.Verdict;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.rerender.RunStats.Count;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Tells what an image needs from its manifest ({@link Freshness}): the one place a re-render and {@code --prune}
 * read manifests from, storage outages retried.
 */
final class Classifier {
    private final ObjectStore store;
    private final ManifestStore manifests;
    private final String bucket;
    private final VariantCatalog catalog;
    private final List<VariantSpec> wanted;
    private final Clock clock;
    private final Retry retry;
    private final RunStats stats;

    Classifier(
            ObjectStore store,
            ManifestStore manifests,
            String bucket,
            VariantCatalog catalog,
            List<VariantSpec> wanted,
            Clock clock,
            Retry retry,
            RunStats stats) {
        this.store = store;
        this.manifests = manifests;
        this.bucket = bucket;
        this.catalog = catalog;
        this.wanted = wanted;
        this.clock = clock;
        this.retry = retry;
        this.stats = stats;
    }

    /** The image's manifest as stored, if any. */
    Optional<byte[]> manifestObject(String imageId) {
        return retry.call(() -> manifests.manifest(imageId));
    }

    /** The image's verdict; {@code null} when the original vanished meanwhile. */
    Freshness.Result classify(String imageId, String key, String etag, Instant lastModified) {
        stats.increment(Count.MANIFESTS_READ);
        Optional<byte[]> object = manifestObject(imageId);
        Manifest manifest = null;
        if (object.isPresent()) {
            try {
                manifest = ManifestCodec.read(object.get());
            } catch (RuntimeException e) {
                return new Freshness.Result(Verdict.UNREADABLE_MANIFEST, everyVariant());
            }
            manifest.variants().forEach(stats::seen);
        }
        Freshness.Result result =
                Freshness.of(manifest, bucket, key, etag, lastModified, catalog.variants(), wanted, clock.instant());
        if (result.verdict() == Verdict.UP_TO_DATE && etag == null) {
            // a key file gives no ETag: ask storage whether the original is still the one rendered
            Optional<String> now = retry.call(() -> store.etag(bucket, key));
            if (now.isEmpty()) {
                stats.increment(Count.VANISHED);
                return null;
            }
            if (!now.get().equals(manifest.source().etag())) {
                return new Freshness.Result(Verdict.ORIGINAL_CHANGED, everyVariant());
            }
        }
        return result;
    }

    private List<String> everyVariant() {
        return catalog.variants().stream().map(VariantSpec::name).toList();
    }
}
