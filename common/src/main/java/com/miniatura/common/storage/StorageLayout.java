package com.miniatura.common.storage;

import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.event.EventContract;
import com.miniatura.common.event.EventValidator;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where things live in object storage. Deterministic, so the marketplace (and its CDN) can compute a
 * thumbnail's address from the imageId and variant name alone:
 *
 * <pre>
 * originals/{imageId}.{ext}              the upload, as received by POST /v1/images (private)
 * thumbnails/{imageId}/{variant}.{ext}   e.g. thumbnails/lot-1234-1/s150.jpg (public: the CDN's origin, variants only)
 * metadata/{imageId}/manifest.json       status document: pending → rendered | failed, written last (private)
 * metadata/rerender~/{run}.json          re-render checkpoints (private)
 * metadata/pending~/{imageId}            an image waiting for the worker, empty (private)
 * </pre>
 *
 * The buckets are {@code miniatura.storage.originals-bucket}, {@code .thumbnails-bucket} and {@code .metadata-bucket};
 * manifests and checkpoints are read and written through {@link ManifestStore}.
 */
public final class StorageLayout {
    public static final String MANIFEST_FILE = "manifest.json";
    /** Where the re-render checkpoints are, in the metadata bucket. */
    public static final String CHECKPOINT_PREFIX = "rerender~/";
    /** Where the pending markers are, in the metadata bucket ({@link PendingMarkers}). */
    public static final String PENDING_PREFIX = "pending~/";
    /** The extensions a variant may have: those of the output formats, the only files the worker writes. */
    private static final Set<String> VARIANT_EXTENSIONS =
            Arrays.stream(OutputFormat.values()).map(OutputFormat::extension).collect(Collectors.toUnmodifiableSet());

    private StorageLayout() {}

    public static String thumbnailKey(String imageId, VariantSpec spec) {
        return imagePrefix(imageId) + spec.name() + "." + spec.format().extension();
    }

    public static String manifestKey(String imageId) {
        return imagePrefix(imageId) + MANIFEST_FILE;
    }

    /** The prefix of every object of {@code imageId} in the thumbnails bucket (its variants, of any catalog). */
    public static String imagePrefix(String imageId) {
        return imageId + "/";
    }

    /** The checkpoint of re-render run {@code run}. */
    public static String checkpointKey(String run) {
        return CHECKPOINT_PREFIX + run + ".json";
    }

    /** Whether {@code key} is where a re-render checkpoint would be. */
    public static boolean isCheckpointKey(String key) {
        return key.startsWith(CHECKPOINT_PREFIX);
    }

    /** The pending marker of {@code imageId}. */
    public static String pendingKey(String imageId) {
        return PENDING_PREFIX + imageId;
    }

    /**
     * The imageId a key names when its object carries none ({@code x-amz-meta-image-id}): its file name without the
     * extension, e.g. {@code lots/1234/lot-1234-1.jpg} → {@code lot-1234-1}. A name that is all extension
     * ({@code .jpg}) is kept whole. The inverse of {@link #originalKey}.
     */
    public static String imageIdOf(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** Key of an original uploaded through the API; {@code extension} may be null when unknown. */
    public static String originalKey(String imageId, String extension) {
        return extension == null ? imageId : imageId + "." + extension;
    }

    /**
     * The image whose variant {@code key} (of the thumbnails bucket) would be, when it has a variant's shape:
     * exactly {@code {imageId}/{name}.{ext}}, with a valid imageId, a variant name and the extension of an output format,
     * nothing deeper and never the manifest; empty for any other key ({@code rerender~/…}, {@code ../x}, {@code a/b/c.jpg}).
     * Keys read from stored documents are checked with it before anything is deleted.
     */
    public static Optional<String> variantImageId(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash <= 0 || key.indexOf('/', slash + 1) >= 0) {
            return Optional.empty();
        }
        String imageId = key.substring(0, slash);
        String file = key.substring(slash + 1);
        int dot = file.lastIndexOf('.');
        if (dot <= 0
                || file.equals(MANIFEST_FILE)
                || EventValidator.imageIdProblem(imageId) != null
                || !EventContract.VARIANT_NAME.matcher(file.substring(0, dot)).matches()
                || !VARIANT_EXTENSIONS.contains(file.substring(dot + 1))) {
            return Optional.empty();
        }
        return Optional.of(imageId);
    }

    /** Whether {@code key} has the shape of a variant of {@code imageId} ({@link #variantImageId}). */
    public static boolean isVariantKey(String imageId, String key) {
        return variantImageId(key).filter(id -> id.equals(imageId)).isPresent();
    }
}
