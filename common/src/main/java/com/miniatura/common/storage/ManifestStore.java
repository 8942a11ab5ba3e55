package com.miniatura.common.storage;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents Miniatura keeps about images, in the private metadata bucket
 * ({@code miniatura.storage.metadata-bucket}): each image's manifest at {@code {imageId}/manifest.json}
 * ({@link StorageLayout#manifestKey}) and the re-render checkpoints at {@code rerender~/<run>.json}.
 *
 * <p>Earlier versions kept them under the same keys in the public thumbnails bucket. Until
 * {@code rerender --move-metadata} has moved those, a document the metadata bucket does not have is read from there,
 * and writing one removes the public copy; a reader may therefore see an image as unknown for the one round trip in
 * which a writer moves its document (S3 has no compare-and-swap).
 */
public final class ManifestStore {
    /** Manifests are a few KB; anything far larger is not one of ours. */
    public static final long MAX_MANIFEST_BYTES = 1024 * 1024;
    /** A re-render checkpoint lists the run's shards and positions: larger than a manifest, still bounded. */
    public static final long MAX_CHECKPOINT_BYTES = 64L * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(ManifestStore.class);

    private final ObjectStore store;
    private final String metadata;
    private final String legacy;

    public ManifestStore(ObjectStore store, StorageSettings settings) {
        this.store = store;
        this.metadata = settings.metadataBucket();
        this.legacy = settings.thumbnailsBucket();
    }

    /** The bucket the documents are written to. */
    public String bucket() {
        return metadata;
    }

    /**
     * The image's manifest as stored, unparsed (each caller decides what an unreadable one means); empty when there
     * is none. One larger than {@link #MAX_MANIFEST_BYTES} is refused with {@link ObjectTooLargeException}.
     */
    public Optional<byte[]> manifest(String imageId) {
        return read(StorageLayout.manifestKey(imageId)).map(StoredObject::bytes);
    }

    /** Writes the image's manifest, then removes the public copy an earlier version may have left. */
    public void putManifest(String imageId, byte[] json) {
        write(StorageLayout.manifestKey(imageId), json, "no-cache");
    }

    /** Removes the image's manifest from the metadata bucket (not an error when there is none). */
    public void removeManifest(String imageId) {
        store.remove(metadata, StorageLayout.manifestKey(imageId));
    }

    /**
     * The largest document that may stand at {@code key}: a checkpoint's cap for a checkpoint, a manifest's for
     * anything else. Every read of a document here, and of one being moved here, is capped by it.
     */
    public static long maxBytes(String key) {
        return StorageLayout.isCheckpointKey(key) ? MAX_CHECKPOINT_BYTES : MAX_MANIFEST_BYTES;
    }

    /**
     * The document at {@code key}: the metadata bucket's, else the copy an earlier version wrote to the thumbnails
     * bucket. A new image has neither (storage reads such documents HEAD first: {@link MinioObjectStore}). One
     * larger than {@link #maxBytes} is refused with {@link ObjectTooLargeException}.
     */
    public Optional<StoredObject> read(String key) {
        long maxBytes = maxBytes(key);
        Optional<StoredObject> found = store.get(metadata, key, maxBytes);
        return found.isPresent() ? found : store.get(legacy, key, maxBytes);
    }

    /**
     * Writes a JSON document to the metadata bucket, then removes the copy an earlier version may have left in the
     * thumbnails bucket. The write is what counts: a removal that fails is logged, and the stale public copy, which no
     * reader prefers to this one, stays for {@code rerender --move-metadata}.
     */
    public void write(String key, byte[] json, String cacheControl) {
        store.put(metadata, key, json, PutOptions.of("application/json").withCacheControl(cacheControl));
        try {
            store.remove(legacy, key);
        } catch (RuntimeException e) {
            log.warn(
                    "Wrote {}/{} but could not remove its public copy in {}: {}",
                    metadata,
                    key,
                    legacy,
                    e.getMessage());
        }
    }
}
