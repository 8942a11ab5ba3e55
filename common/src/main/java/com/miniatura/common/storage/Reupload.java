package com.miniatura.common.storage;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * An upload of an image after a deletion of it, as storage tells it ({@link #after} decides). A deletion erases
 * whatever the image is when it is handled, so one older than the image's current upload must not be: the worker
 * erases nothing of that upload, {@code replay-dlq} does not replay it.
 *
 * <p>The deletion's time is its {@code ce_time}. The upload's comes from storage, never from whoever sends the
 * deletion, and only for an image whose status is {@code pending}, {@code rendered} or {@code failed} from an original
 * (with a {@code source}); an image without a status, {@code deleting} (a deletion not carried out yet) or
 * {@code deleted} (erased already) has no upload to spare. The upload is after the deletion when any of these says so:
 * <ul>
 *   <li>a {@code pending} status written by the ingest API: its {@code updatedAt} is the upload's {@code ce_time};</li>
 *   <li>the original the status names, in a source bucket ({@link StorageSettings#isSourceBucket}): its
 *       {@code Last-Modified} (a HEAD request) is when the upload stored it. A {@code rendered} or {@code failed}
 *       status has no upload time: its {@code updatedAt} is when the worker wrote it, and a re-render of an old
 *       upload moves it on. An original elsewhere is not the pipeline's: its time is not trusted;</li>
 *   <li>a {@code rendered} or {@code failed} status carrying a {@code deletedAt} not before the deletion: the worker
 *       wrote it for an upload it found newer than a deletion at that time (it ignores every other).</li>
 * </ul>
 * A tie is not "after": a deletion wins over an upload of the same time.
 *
 * @param status    the image's status, {@code pending}, {@code rendered} or {@code failed}
 * @param at        when the upload was accepted (a {@code pending} status) or stored its original; {@code null} when
 *                  only the status's {@code deletedAt} places it after the deletion
 * @param deletedAt the status's {@code deletedAt}, the deletion that placed it ({@code null} with {@code at})
 */
public record Reupload(String status, Instant at, Instant deletedAt) {
    /** The status of an image rendered, or to be, from an original. */
    private static final Set<String> UPLOADED = Set.of(Manifest.PENDING, Manifest.RENDERED, Manifest.FAILED);

    /**
     * The image's upload after a deletion at {@code deletion}, by its status {@code manifest} ({@code null}: none) and,
     * if need be, a HEAD of the original it names; empty when there is none.
     *
     * @throws StorageUnavailableException when storage cannot tell the original's time: a deletion is never carried
     *         out, nor spared, unchecked
     * @throws StorageRejectedException     likewise, when storage refuses to tell it
     */
    public static Optional<Reupload> after(
            Instant deletion, Manifest manifest, ObjectStore store, StorageSettings settings) {
        if (manifest == null || !UPLOADED.contains(manifest.status()) || manifest.source() == null) {
            return Optional.empty();
        }
        boolean pending = Manifest.PENDING.equals(manifest.status());
        if (pending && manifest.updatedAt() != null && manifest.updatedAt().isAfter(deletion)) {
            return Optional.of(new Reupload(manifest.status(), manifest.updatedAt(), null));
        }
        Instant stored = originalStoredAt(manifest.source(), store, settings);
        if (stored != null && stored.isAfter(deletion)) {
            return Optional.of(new Reupload(manifest.status(), stored, null));
        }
        // Not for pending: the ingest API carries a deletion accepted while it took the upload into the status it
        // writes.
        if (!pending && manifest.deletedAt() != null && !manifest.deletedAt().isBefore(deletion)) {
            return Optional.of(new Reupload(manifest.status(), null, manifest.deletedAt()));
        }
        return Optional.empty();
    }

    /**
     * When, in words: {@code at 2026-12-01T09:00:00Z}, or {@code after its deletion at 2026-11-30T10:00:00Z (status
     * rendered)}.
     */
    public String when() {
        return at != null ? "at " + at : "after its deletion at " + deletedAt + " (status " + status + ")";
    }

    /**
     * When the original was last written, by a HEAD request: for an original the API or a presigned upload stored,
     * just before its upload event's {@code ce_time}. S3 gives it to the second, rounded down, so an upload in the
     * same second as the deletion does not count as after it. {@code null} when unknown or not in a source bucket.
     */
    private static Instant originalStoredAt(Manifest.Source source, ObjectStore store, StorageSettings settings) {
        if (!settings.isSourceBucket(source.bucket()) || source.key() == null) {
            return null;
        }
        return store.head(source.bucket(), source.key())
                .map(ObjectHead::lastModified)
                .orElse(null);
    }
}
