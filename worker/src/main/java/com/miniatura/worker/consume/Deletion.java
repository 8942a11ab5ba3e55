package com.miniatura.worker.consume;

import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ObjectHead;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.Reupload;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.worker.consume.ImageJob.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases an image: every object under its prefix in the thumbnails bucket (the variants of today's catalog and of
 * any earlier one), then its original if that is in the originals bucket (one this pipeline owns; an original
 * elsewhere belongs to whoever put it there) and storage says it is this image's ({@link #originalOf}), then writes
 * the tombstone. The tombstone is written last for the same reason a rendered manifest is: until it exists the status
 * says {@code deleting}, and a crash in between is redelivered and erases again (removing a removed object is not an
 * error).
 *
 * <p>Unless the image was uploaded again after this deletion ({@link Reupload}: a producer's late retry, a replay
 * by hand): that upload stands, so nothing is erased or written. One case erases something: a {@code pending}
 * status no render has started on (no {@link Manifest.Attempt}) means no variant of that upload is stored yet, so
 * the variants there are the image this deletion was about; they are erased, its original and status stay.
 */
final class Deletion {
    private static final Logger log =
            LoggerFactory.getLogger(ImageJob.class); // the job's log, whichever part writes it

    private final ObjectStore store;
    private final StorageSettings storage;
    private final ImageManifests manifests;
    private final Clock clock;

    Deletion(ObjectStore store, StorageSettings storage, ImageManifests manifests, Clock clock) {
        this.store = store;
        this.storage = storage;
        this.manifests = manifests;
        this.clock = clock;
    }

    Outcome delete(ImageEvent event) {
        String imageId = event.data().imageId();
        Instant deletedAt = event.time() != null ? event.time() : clock.instant();
        Manifest previous = manifests.current(imageId).orElse(null);
        Reupload reupload = Reupload.after(deletedAt, previous, store, storage).orElse(null);
        // pending, no render started: no variant of that upload is stored yet, those there are the deleted image's
        boolean oldVariantsOnly =
                reupload != null && Manifest.PENDING.equals(previous.status()) && previous.attempt() == null;
        if (reupload != null && !oldVariantsOnly) {
            log.info(
                    "Ignored deletion event {} of {} ({}): the image was uploaded again {}; nothing erased",
                    event.id(),
                    imageId,
                    event.time() != null ? "ce_time " + event.time() : "no ce_time, handled at " + deletedAt,
                    reupload.when());
            return Outcome.IGNORED;
        }
        String manifestKey = StorageLayout.manifestKey(imageId);
        List<String> variants = store.keys(storage.thumbnailsBucket(), StorageLayout.imagePrefix(imageId)).stream()
                .filter(key -> !key.equals(manifestKey))
                .toList();
        for (String key : variants) {
            store.remove(storage.thumbnailsBucket(), key);
        }
        if (reupload != null) {
            log.info(
                    "Deleted {} variants of {}; its original and status stay: an upload accepted {} supersedes the"
                            + " deletion requested at {}",
                    variants.size(),
                    imageId,
                    reupload.when(),
                    deletedAt);
            return Outcome.DELETED;
        }
        Manifest.Source original = previous == null ? null : previous.source();
        boolean ownOriginal = original != null
                && storage.originalsBucket().equals(original.bucket())
                && original.key() != null
                && originalOf(imageId, original.key());
        if (ownOriginal) {
            store.remove(original.bucket(), original.key());
        }
        manifests.write(Manifest.deleted(imageId, event.id(), deletedAt, clock.instant())
                .carryingDeletion(previous));
        log.info(
                "Deleted {}: {} variants{}",
                imageId,
                variants.size(),
                ownOriginal ? " and its original " + original.key() : "");
        return Outcome.DELETED;
    }

    /**
     * Whether the object at {@code key} of the originals bucket is {@code imageId}'s original, by what storage says of
     * it: its {@code x-amz-meta-image-id}, else (an object written without one) its file name. An event may name any
     * key of a source bucket, so the status of an image may name another image's original; that one is kept.
     */
    private boolean originalOf(String imageId, String key) {
        Optional<ObjectHead> head = store.head(storage.originalsBucket(), key);
        if (head.isEmpty()) {
            return false; // gone already: nothing to erase
        }
        String owner = head.get().imageId(key);
        if (!owner.equals(imageId)) {
            log.warn(
                    "Kept the original {} of {}: it belongs to image {}",
                    key,
                    imageId,
                    owner.replaceAll("\\p{Cntrl}", "?")); // stored metadata: no line breaks into the log
            return false;
        }
        return true;
    }
}
