package com.miniatura.worker.consume;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ObjectHead;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StorageLayout;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the variant objects a render leaves behind: those the manifests it replaced listed and the manifest it
 * wrote does not, such as a variant dropped from the catalog or one whose format (and so its key) changed. Called
 * once the new manifest is written, so no reader ever sees a manifest naming a removed object. Keys are compared,
 * not spec hashes: a key the new manifest lists is never removed, however it was rendered.
 *
 * <p>The replaced manifests are data read from storage. Only keys shaped exactly as a variant of this image
 * ({@link StorageLayout#isVariantKey}: {@code {imageId}/{name}.{ext}}, never the manifest, never another image's
 * prefix) are removed, and only from the thumbnails bucket.
 *
 * <p>Nothing here fails the job: the image is rendered whatever becomes of its old objects. A failure is logged and
 * counted ({@code miniatura.orphans.failed}), and an object kept by a guard below is counted too
 * ({@code miniatura.orphans.kept}); {@code rerender --prune} removes both later.
 *
 * <p>Why a removal cannot take away what a newer render of the same image wrote. Renders of one image overlap only
 * across the two lanes (each lane keeps an image in one partition), or across workers of two catalogs while a
 * catalog change rolls out. S3 has no compare-and-swap, so each guard narrows what a newer render could lose:
 * <ol>
 *   <li>A render writes only its catalog's keys ({@link StorageLayout#thumbnailKey}). A key of this worker's catalog
 *       is never removed, so no render with the same catalog loses anything, whatever the interleaving.</li>
 *   <li>The manifest is read again just before removing. If it is no longer the one this job wrote, a newer render
 *       or a deletion has finished since: nothing is removed. The keys that newer manifest lists therefore survive,
 *       and what it left behind is judged by the prune.</li>
 *   <li>That leaves a render of another catalog that has stored its variants but not yet its manifest. Each
 *       candidate is looked at (a HEAD) first: an object stored more than {@link #SKEW} after the manifest that
 *       listed it was written has been overwritten since, by such a render, and is kept.</li>
 * </ol>
 * What remains is a render of another catalog that overwrites the same key within {@link #SKEW} of the previous
 * manifest's write and writes its own manifest only after this removal. Its manifest would then name a missing
 * variant until that image's next render.
 */
final class Orphans {
    private static final Logger log = LoggerFactory.getLogger(Orphans.class);
    /**
     * How much later than the manifest listing it an object may be stored and still be the object it listed: its
     * variants are stored before it, but storage and worker clocks differ a little. A clock further off keeps orphans
     * (counted as kept) rather than losing anything.
     */
    static final Duration SKEW = Duration.ofSeconds(30);

    private final ObjectStore store;
    private final String bucket;
    private final VariantCatalog catalog;
    private final Function<String, Optional<Manifest>> manifests;
    private final Counter deleted;
    private final Counter failed;
    private final Counter kept;

    /**
     * @param bucket    the thumbnails bucket, the only one anything is removed from
     * @param manifests reads an image's manifest as it is now
     */
    Orphans(
            ObjectStore store,
            String bucket,
            VariantCatalog catalog,
            Function<String, Optional<Manifest>> manifests,
            WorkerMetrics metrics) {
        this.store = store;
        this.bucket = bucket;
        this.catalog = catalog;
        this.manifests = manifests;
        this.deleted = metrics.orphansDeleted;
        this.failed = metrics.orphansFailed;
        this.kept = metrics.orphansKept;
    }

    /**
     * Removes the objects {@code replaced} list and {@code written} does not.
     *
     * @param written  the manifest the job has just written
     * @param replaced the manifests it replaced: the one read when the job started and the one read just before
     *                 writing (either may be {@code null}, or both the same)
     */
    void remove(Manifest written, Manifest... replaced) {
        String imageId = written.imageId();
        Map<String, Instant> candidates = candidates(written, replaced);
        if (candidates.isEmpty()) {
            return;
        }
        Manifest current;
        try {
            current = manifests.apply(imageId).orElse(null);
        } catch (RuntimeException e) {
            failed.increment(candidates.size());
            log.warn(
                    "Could not remove the {} old variants of {}: reading its manifest again failed: {}",
                    candidates.size(),
                    imageId,
                    e.toString());
            return;
        }
        if (!sameState(current, written)) {
            kept.increment(candidates.size());
            log.info(
                    "Kept the {} old variants of {}: its manifest changed since this render wrote it",
                    candidates.size(),
                    imageId);
            return;
        }
        List<String> removed = new ArrayList<>();
        candidates.forEach((key, listedAt) -> {
            if (removeOne(imageId, key, listedAt)) {
                removed.add(key);
            }
        });
        if (!removed.isEmpty()) {
            log.info(
                    "Removed {} old variant{} of {} that its manifest no longer lists: {}",
                    removed.size(),
                    removed.size() == 1 ? "" : "s",
                    imageId,
                    String.join(", ", removed));
        }
    }

    /** Each key to remove, with the time it was last listed at (the latest of the manifests that list it). */
    private Map<String, Instant> candidates(Manifest written, Manifest... replaced) {
        String imageId = written.imageId();
        Set<String> listed =
                written.variants().stream().map(Manifest.Variant::key).collect(Collectors.toSet());
        Set<String> current = catalog.variants().stream()
                .map(spec -> StorageLayout.thumbnailKey(imageId, spec))
                .collect(Collectors.toSet());
        Map<String, Instant> candidates = new LinkedHashMap<>();
        for (Manifest manifest : replaced) {
            if (manifest == null) {
                continue;
            }
            for (Manifest.Variant variant : manifest.variants()) {
                String key = variant.key();
                if (!StorageLayout.isVariantKey(imageId, key)) {
                    log.warn(
                            "Image {}: its previous manifest lists \"{}\", which is not a variant key of it; left alone",
                            imageId,
                            String.valueOf(key).replaceAll("\\p{Cntrl}", "?"));
                } else if (!listed.contains(key) && !current.contains(key)) {
                    candidates.merge(
                            key,
                            manifest.updatedAt() == null ? Instant.MAX : manifest.updatedAt(),
                            (a, b) -> a.isAfter(b) ? a : b);
                }
            }
        }
        return candidates;
    }

    /** Removes one candidate unless a guard keeps it; whether it was removed. */
    private boolean removeOne(String imageId, String key, Instant listedAt) {
        try {
            Optional<ObjectHead> head = store.head(bucket, key);
            if (head.isEmpty()) {
                return false; // gone already
            }
            Instant stored = head.get().lastModified();
            if (stored == null || listedAt.equals(Instant.MAX) || stored.isAfter(listedAt.plus(SKEW))) {
                kept.increment();
                log.info(
                        "Kept {} of {}: {}",
                        key,
                        imageId,
                        stored == null || listedAt.equals(Instant.MAX)
                                ? "no time to tell it from a newer render's"
                                : "stored at " + stored + ", after the manifest that listed it (" + listedAt + ")");
                return false;
            }
            store.remove(bucket, key);
            deleted.increment();
            return true;
        } catch (RuntimeException e) {
            failed.increment();
            log.warn("Could not remove {} of {}: {}", key, imageId, e.toString());
            return false;
        }
    }

    /** Whether {@code current} is the state {@code written} (the same event's, written at the same time). */
    private static boolean sameState(Manifest current, Manifest written) {
        return current != null
                && Objects.equals(current.status(), written.status())
                && Objects.equals(current.eventId(), written.eventId())
                && Objects.equals(current.updatedAt(), written.updatedAt());
    }
}
