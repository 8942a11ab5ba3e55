package com.miniatura.worker.consume;

import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.PendingMarkers;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image's manifest as the job reads and writes it: an unreadable one counts as absent, a state that ends the wait
 * removes the pending marker, and a failure is written before its {@link ImageRejectedException} is thrown.
 */
final class ImageManifests {
    private static final Logger log =
            LoggerFactory.getLogger(ImageJob.class); // the job's log, whichever part writes it

    private final ManifestStore manifests;
    private final PendingMarkers pendingMarkers;
    private final Clock clock;

    ImageManifests(ManifestStore manifests, PendingMarkers pendingMarkers, Clock clock) {
        this.manifests = manifests;
        this.pendingMarkers = pendingMarkers;
        this.clock = clock;
    }

    /** The image's manifest; an unreadable one counts as absent, so the image is simply rendered again. */
    Optional<Manifest> current(String imageId) {
        // absent for every image the bulk lane renders for the first time: see MinioObjectStore
        Optional<byte[]> object = manifests.manifest(imageId);
        try {
            return object.map(ManifestCodec::read);
        } catch (RuntimeException e) {
            log.warn("Manifest of {} is unreadable ({}); rendering it again", imageId, e.getMessage());
            return Optional.empty();
        }
    }

    void write(Manifest manifest) {
        manifests.putManifest(manifest.imageId(), ManifestCodec.write(manifest));
        if (PendingMarkers.ends(manifest)) {
            endWait(manifest.imageId());
        }
    }

    /**
     * Marks the image of {@code event} failed with {@code reason} (keeping what {@code previous} knew of a deletion)
     * and returns the exception that sends its event to the dead-letter topic: the caller throws it.
     */
    ImageRejectedException reject(ImageEvent event, Manifest previous, Manifest.Source source, String reason) {
        String imageId = event.data().imageId();
        log.warn("Image {} failed: {}", imageId, reason);
        write(Manifest.failed(imageId, source, reason, event.id(), clock.instant())
                .carryingDeletion(previous));
        return new ImageRejectedException(imageId, reason);
    }

    /** Marks an image failed when its event itself is unusable (no original to fall back on). */
    void markFailed(String imageId, String reason) {
        Manifest previous = current(imageId).orElse(null);
        write(Manifest.failed(imageId, null, reason, null, clock.instant()).carryingDeletion(previous));
    }

    /** Removes the image's pending marker; one left behind is found out and removed by the ingest API's sweep. */
    private void endWait(String imageId) {
        try {
            pendingMarkers.clear(imageId);
        } catch (RuntimeException e) {
            log.warn(
                    "Could not remove the pending marker of {} ({}); the ingest API's sweep does",
                    imageId,
                    e.getMessage());
        }
    }
}
