package com.miniatura.ingest.http;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageEventData;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.event.TraceParent;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PendingMarkers;
import com.miniatura.ingest.IngestSettings;
import com.miniatura.ingest.publish.BrokerUnavailableException;
import com.miniatura.ingest.publish.EventPublisher;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;

/**
 * Accepting an upload or a deletion: mark the image {@code pending} (or {@code deleting}), then publish
 * its event and wait for Kafka's acknowledgement.
 *
 * <p>Order matters: the status is written before the event exists, so the worker's {@code rendered},
 * {@code failed} or {@code deleted} (written after consuming it) always lands after, and a status
 * query right after the 202 already answers {@code pending} or {@code deleting}. An earlier deletion's
 * time is carried into the new status, so the worker still knows which uploads are stale. If Kafka does not acknowledge, each
 * image's previous status document is put back (or the new one removed), so a refused request
 * leaves no image pending forever. Each upload also gets its pending marker ({@link PendingMarkers}), which the
 * worker removes when the wait ends, so that waiting images can be counted without reading manifests.
 */
@Service
class Intake {
    private final ManifestStore manifests;
    private final EventPublisher publisher;
    private final ExecutorService writers;
    private final PendingMarkers markers;
    private final String source;
    private final Clock clock = Clock.systemUTC();
    private static final Logger log = LoggerFactory.getLogger(Intake.class);

    Intake(
            ObjectStore store,
            EventPublisher publisher,
            ExecutorService storageWriters,
            MiniaturaSettings common,
            IngestSettings settings) {
        this.manifests = new ManifestStore(store, common.storage());
        this.publisher = publisher;
        this.writers = storageWriters;
        this.markers = new PendingMarkers(store, common.storage().metadataBucket());
        this.source = settings.source();
    }

    /** Marks every image pending or deleting and publishes its event; returns the events as published. */
    List<ImageEvent> accept(List<? extends ImageEventData> requests) {
        Instant now = clock.instant();
        List<ImageEvent> events = requests.stream()
                .map(data -> new ImageEvent(UUID.randomUUID().toString(), source, now, data))
                .toList();
        // the request's log context (its traceId) follows each write onto the pool, with the image it is about
        Map<String, String> context = MDC.getCopyOfContextMap();
        List<CompletableFuture<Optional<byte[]>>> writes = events.stream()
                .map(event -> CompletableFuture.supplyAsync(
                        () -> {
                            if (context != null) {
                                MDC.setContextMap(context);
                            }
                            MDC.put(TraceParent.MDC_IMAGE_ID, event.data().imageId());
                            try {
                                return markAccepted(event);
                            } finally {
                                MDC.clear();
                            }
                        },
                        writers))
                .toList();
        List<Optional<byte[]>> previous;
        try {
            previous = writes.stream().map(CompletableFuture::join).toList();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        try {
            publisher.publishAll(events);
        } catch (BrokerUnavailableException e) {
            restore(events, previous);
            throw e;
        }
        return events;
    }

    /** Writes the pending (or deleting) status and returns the status document it replaced, if any. */
    private Optional<byte[]> markAccepted(ImageEvent event) {
        String imageId = event.data().imageId();
        // absent for every new image: see MinioObjectStore (a GET's 404 costs ~20 ms of CPU in the SDK)
        Optional<byte[]> previous = manifests.manifest(imageId);
        Manifest before = previous.map(Intake::readOrNull).orElse(null);
        Manifest status;
        if (event.data() instanceof ImageUploaded data) {
            status = Manifest.pending(
                    imageId,
                    Manifest.Source.of(data.bucket(), data.key(), data.etag(), data.size(), data.contentType()),
                    event.id(),
                    event.time());
        } else {
            // The original to erase stays named until the worker has erased it.
            status = Manifest.deleting(
                    imageId, before == null ? null : before.source(), event.id(), event.time(), event.time());
        }
        manifests.putManifest(imageId, ManifestCodec.write(status.carryingDeletion(before)));
        if (event.data() instanceof ImageUploaded) {
            markPending(imageId);
        }
        return previous;
    }

    /**
     * Best effort: the pending marker lets the stuck-image sweep count this image without reading its manifest. A
     * marker that cannot be written only leaves the image out of the count; the status read still reports it stuck.
     */
    private void markPending(String imageId) {
        try {
            markers.mark(imageId);
        } catch (RuntimeException e) {
            log.warn("Could not write the pending marker of {}: {}", imageId, e.getMessage());
        }
    }

    private static Manifest readOrNull(byte[] manifest) {
        try {
            return ManifestCodec.read(manifest);
        } catch (RuntimeException e) {
            log.warn("Replacing an unreadable status document: {}", e.getMessage());
            return null;
        }
    }

    /**
     * Best effort after a refused publish: put back what each image's status was. A failure here is
     * logged; the client was told to retry, and its retry writes pending again.
     */
    private void restore(List<ImageEvent> events, List<Optional<byte[]>> previous) {
        for (int i = 0; i < events.size(); i++) {
            String imageId = events.get(i).data().imageId();
            MDC.put(TraceParent.MDC_IMAGE_ID, imageId);
            try {
                if (previous.get(i).isPresent()) {
                    manifests.putManifest(imageId, previous.get(i).get());
                } else {
                    manifests.removeManifest(imageId);
                }
                Manifest restored = previous.get(i).map(Intake::readOrNull).orElse(null);
                if (events.get(i).data() instanceof ImageUploaded
                        && (restored == null || !Manifest.PENDING.equals(restored.status()))) {
                    markers.clear(events.get(i).data().imageId());
                }
            } catch (RuntimeException e) {
                log.warn(
                        "Could not restore the status of {} after a refused publish: {}",
                        events.get(i).data().imageId(),
                        e.getMessage());
            } finally {
                MDC.remove(TraceParent.MDC_IMAGE_ID);
            }
        }
    }
}
