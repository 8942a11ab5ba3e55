package com.miniatura.ingest.rerender;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.rerender.PruneStats.Count;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What {@code rerender --prune} decides for the variant objects of one image: which are orphans to delete and, for
 * each kept one, why. An object stored after {@code cutoff} is kept (a render may be writing it); the others are
 * judged against the image's manifest, read only when some object is old enough to need it.
 */
final class OrphanJudge {
    private final Instant cutoff;
    /** The current catalog's file names ({@code s150.jpg}): the keys {@code {imageId}/<one of them>} renders write. */
    private final Set<String> catalogFiles;

    private final boolean withoutManifest;
    private final Function<String, Optional<byte[]>> manifests;

    /** The orphans of one image and the counts its judging adds. */
    record Verdict(List<ObjectStore.Listed> orphans, Map<Count, Long> tally) {}

    /**
     * @param withoutManifest whether an image without a manifest has only orphans ({@code --prune-without-manifest})
     * @param manifests       an image's stored manifest by imageId, empty when it has none
     */
    OrphanJudge(
            Instant cutoff,
            VariantCatalog catalog,
            boolean withoutManifest,
            Function<String, Optional<byte[]>> manifests) {
        this.cutoff = cutoff;
        this.catalogFiles = catalog.variants().stream()
                .map(spec -> spec.name() + "." + spec.format().extension())
                .collect(Collectors.toUnmodifiableSet());
        this.withoutManifest = withoutManifest;
        this.manifests = manifests;
    }

    /** Decides each of {@code objects}, the variant objects of {@code imageId} in key order. */
    Verdict judge(String imageId, List<ObjectStore.Listed> objects) {
        Map<Count, Long> tally = new EnumMap<>(Count.class);
        List<ObjectStore.Listed> orphans = new ArrayList<>();
        add(tally, Count.IMAGES, 1);
        List<ObjectStore.Listed> old = new ArrayList<>();
        for (ObjectStore.Listed object : objects) {
            if (object.lastModified() == null || object.lastModified().isAfter(cutoff)) {
                add(tally, Count.KEPT_YOUNG, 1);
            } else {
                old.add(object);
            }
        }
        if (old.isEmpty()) {
            return new Verdict(orphans, tally); // no manifest to read
        }
        add(tally, Count.MANIFESTS_READ, 1);
        Optional<byte[]> stored = manifests.apply(imageId);
        if (stored.isEmpty()) {
            if (withoutManifest) {
                orphans.addAll(old);
            } else {
                add(tally, Count.KEPT_NO_MANIFEST, old.size());
                add(
                        tally,
                        Count.KEPT_NO_MANIFEST_BYTES,
                        old.stream().mapToLong(ObjectStore.Listed::size).sum());
            }
            return new Verdict(orphans, tally);
        }
        Manifest manifest;
        try {
            manifest = ManifestCodec.read(stored.get());
        } catch (RuntimeException e) {
            add(tally, Count.KEPT_UNREADABLE, old.size());
            return new Verdict(orphans, tally);
        }
        switch (manifest.status() == null ? "" : manifest.status()) {
            case Manifest.RENDERED -> {
                Set<String> listed =
                        manifest.variants().stream().map(Manifest.Variant::key).collect(Collectors.toSet());
                for (ObjectStore.Listed object : old) {
                    if (listed.contains(object.key())) {
                        add(tally, Count.KEPT_LISTED, 1);
                    } else if (catalogFiles.contains(fileOf(object.key()))) {
                        add(tally, Count.KEPT_CATALOG, 1);
                    } else {
                        orphans.add(object);
                    }
                }
            }
            case Manifest.DELETED -> orphans.addAll(old);
            case Manifest.PENDING, Manifest.DELETING -> add(tally, Count.KEPT_IN_FLIGHT, old.size());
            case Manifest.FAILED -> add(tally, Count.KEPT_FAILED, old.size());
            default -> add(tally, Count.KEPT_UNREADABLE, old.size());
        }
        return new Verdict(orphans, tally);
    }

    /** A variant key's file name: {@code lot-7/s150.jpg} → {@code s150.jpg}. */
    static String fileOf(String key) {
        return key.substring(key.indexOf('/') + 1);
    }

    private static void add(Map<Count, Long> tally, Count c, long n) {
        if (n != 0) {
            tally.merge(c, n, Long::sum);
        }
    }
}
