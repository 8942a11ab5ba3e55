package com.miniatura.ingest.http;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.EventContract;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.ingest.IngestSettings;
import com.miniatura.ingest.publish.EventPublisher;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.springframework.stereotype.Service;

/**
 * Accepting an image: mark it pending, then publish its event and wait for Kafka's acknowledgement.
 *
 * <p>Order matters: the pending status is written before the event exists, so the worker's
 * {@code rendered}/{@code failed} (written after consuming it) always lands after, and a status
 * query right after the 202 already answers {@code pending}.
 */
@Service
class Intake {
    private final ObjectStore store;
    private final EventPublisher publisher;
    private final ExecutorService writers;
    private final String thumbnails;
    private final String source;
    private final Clock clock = Clock.systemUTC();

    Intake(ObjectStore store, EventPublisher publisher, ExecutorService storageWriters,
           MiniaturaSettings common, IngestSettings settings) {
        this.store = store;
        this.publisher = publisher;
        this.writers = storageWriters;
        this.thumbnails = common.storage().thumbnailsBucket();
        this.source = settings.source();
    }

    /** Marks every image pending and publishes its event; returns the events as published. */
    List<ImageEvent> accept(List<ImageUploaded> uploads) {
        Instant now = clock.instant();
        List<ImageEvent> events = uploads.stream()
                .map(data -> new ImageEvent(UUID.randomUUID().toString(), source, EventContract.TYPE_UPLOADED, now, data))
                .toList();
        List<CompletableFuture<Void>> writes = events.stream()
                .map(event -> CompletableFuture.runAsync(() -> markPending(event), writers))
                .toList();
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        publisher.publishAll(events);
        return events;
    }

    private void markPending(ImageEvent event) {
        ImageUploaded data = event.data();
        Manifest pending = Manifest.pending(data.imageId(),
                Manifest.Source.of(data.bucket(), data.key(), data.etag(), data.size(), data.contentType()),
                event.id(), event.time());
        store.put(thumbnails, StorageLayout.manifestKey(data.imageId()), ManifestCodec.write(pending),
                "application/json", "no-cache", java.util.Map.of());
    }
}
