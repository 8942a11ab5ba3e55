package com.miniatura.common.storage;

import java.util.Iterator;

/**
 * Which images are {@code pending}, without reading every manifest: an empty object {@code pending~/{imageId}} in the
 * private metadata bucket ({@code ~} never occurs in an imageId, so no manifest or checkpoint key starts so). The
 * ingest API writes it with each {@code pending} status; the worker removes it when it writes a state that ends the
 * wait ({@code rendered}, {@code failed}, {@code deleted}). A marker's age is its object's last-modified time, so a
 * listing of {@value #PREFIX} tells how many images wait and since when (the ingest API's stuck-image sweep).
 *
 * <p>A marker is a hint: one left behind (its removal failed) is told apart by the manifest it names, which no longer
 * says {@code pending}.
 */
public final class PendingMarkers {
    /** The prefix of every marker in the metadata bucket. */
    public static final String PREFIX = StorageLayout.PENDING_PREFIX;

    private static final byte[] EMPTY = new byte[0];

    private final ObjectStore store;
    private final String bucket;

    /** Markers in {@code bucket}, the metadata bucket. */
    public PendingMarkers(ObjectStore store, String bucket) {
        this.store = store;
        this.bucket = bucket;
    }

    /** The marker's key for {@code imageId}. */
    public static String key(String imageId) {
        return StorageLayout.pendingKey(imageId);
    }

    /** The imageId a marker's key names. */
    public static String imageIdOf(String key) {
        return key.substring(PREFIX.length());
    }

    /** Whether a manifest of this state ends the wait: a final state, with no render of it in progress. */
    public static boolean ends(Manifest manifest) {
        return manifest.attempt() == null
                && (Manifest.RENDERED.equals(manifest.status())
                        || Manifest.FAILED.equals(manifest.status())
                        || Manifest.DELETED.equals(manifest.status()));
    }

    /** Marks {@code imageId} pending from now (written again, its time is now). */
    public void mark(String imageId) {
        store.put(
                bucket,
                key(imageId),
                EMPTY,
                PutOptions.of("application/octet-stream").withCacheControl("no-store"));
    }

    /** Removes {@code imageId}'s marker; removing one that is not there is not an error. */
    public void clear(String imageId) {
        store.remove(bucket, key(imageId));
    }

    /** Every marker, in key order, fetched a page at a time as the iterator is read. */
    public Iterator<ObjectStore.Listed> list() {
        return store.list(bucket, PREFIX, null, false);
    }
}
