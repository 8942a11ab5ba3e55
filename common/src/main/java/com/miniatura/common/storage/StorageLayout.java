package com.miniatura.common.storage;

import com.miniatura.common.catalog.VariantSpec;

/**
 * Where things live in object storage. Deterministic, so the marketplace (and its CDN) can compute a
 * thumbnail's address from the imageId and variant name alone:
 *
 * <pre>
 * originals/{imageId}.{ext}              the upload, as received by POST /v1/images (private)
 * thumbnails/{imageId}/{variant}.{ext}   e.g. thumbnails/lot-1234-1/s150.jpg (public: the CDN's origin, variants only)
 * metadata/{imageId}/manifest.json       status document: pending → rendered | failed, written last (private)
 * metadata/rerender~/{run}.json          re-render checkpoints (private)
 * </pre>
 *
 * The buckets are {@code miniatura.storage.originals-bucket}, {@code .thumbnails-bucket} and {@code .metadata-bucket};
 * manifests and checkpoints are read and written through {@link ManifestStore}.
 */
public final class StorageLayout {
    public static final String MANIFEST_FILE = "manifest.json";

    private StorageLayout() {}

    public static String thumbnailKey(String imageId, VariantSpec spec) {
        return imageId + "/" + spec.name() + "." + spec.format().extension();
    }

    public static String manifestKey(String imageId) {
        return imageId + "/" + MANIFEST_FILE;
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
}
