package com.miniatura.ingest.stuck;

import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PendingMarkers;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.ingest.StuckSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the images that wait, and those stuck, from the pending markers ({@link PendingMarkers}) rather than from
 * 200 M manifests: every {@code sweep-interval} each API instance lists at most {@code sweep-max-markers} of them and
 * publishes two gauges, {@code miniatura.images.pending} (markers listed) and {@code miniatura.images.stuck} (those
 * older than {@code stuck.after}). Every instance reports the same counts, so dashboards and alerts take the largest.
 *
 * <p>A marker older than {@code stuck.after} is checked against its image's status (at most {@code sweep-max-checks}
 * per sweep): one whose image is no longer {@code pending} was left behind (the worker could not remove it) and is
 * removed, not counted. A marker not checked counts as stuck until a sweep checks it.
 */
public final class StuckSweep implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StuckSweep.class);
    /** Manifests are a few KB; anything far larger is not one of ours. */
    /** The first sweep after startup waits this long at most, so a restarted instance reports soon. */
    private static final Duration FIRST_SWEEP = Duration.ofMinutes(1);

    /**
     * What one sweep found: {@code pending} markers listed (less those removed), {@code stuck} of them older than
     * {@code stuck.after}, {@code removed} left behind, and whether the listing stopped at {@code sweep-max-markers}.
     */
    public record Counts(long pending, long stuck, long removed, boolean truncated) {}

    private final ObjectStore store;
    private final StorageSettings storage;
    private final PendingMarkers markers;
    private final ManifestStore manifests;
    private final StuckSettings settings;
    private final Clock clock;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong stuck = new AtomicLong();
    private ScheduledExecutorService scheduler;

    public StuckSweep(
            ObjectStore store, StorageSettings storage, StuckSettings settings, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.storage = storage;
        this.manifests = new ManifestStore(store, storage);
        this.markers = new PendingMarkers(store, storage.metadataBucket());
        this.settings = settings;
        this.clock = clock;
        Gauge.builder("miniatura.images.pending", pending, AtomicLong::get)
                .description(
                        "Images waiting to be rendered, by their pending markers at the last sweep (at most"
                                + " sweep-max-markers, 100,000 by default, are listed); every API instance reports the same count")
                .register(meters);
        Gauge.builder("miniatura.images.stuck", stuck, AtomicLong::get)
                .description("Images pending for longer than miniatura.ingest.stuck.after (1h by default) at the last"
                        + " sweep, among at most sweep-max-markers listed; every API instance reports the same count")
                .register(meters);
    }

    /** Sweeps now and then every {@code sweep-interval} on a thread of its own, until {@link #close}. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "miniatura-stuck-sweep");
            thread.setDaemon(true);
            return thread;
        });
        long first = Math.min(settings.sweepInterval().toMillis(), FIRST_SWEEP.toMillis());
        scheduler.scheduleWithFixedDelay(
                this::sweepQuietly, first, settings.sweepInterval().toMillis(), TimeUnit.MILLISECONDS);
        log.info(
                "Counting stuck images (pending over {}) every {}, at most {} markers a sweep",
                settings.afterText(),
                settings.sweepInterval(),
                settings.sweepMaxMarkers());
    }

    private void sweepQuietly() {
        try {
            Counts counts = sweep();
            if (counts.stuck() > 0 || counts.truncated()) {
                log.warn(
                        "{} images pending, {} of them for over {}{}",
                        counts.pending(),
                        counts.stuck(),
                        settings.afterText(),
                        counts.truncated() ? " (listing stopped at " + settings.sweepMaxMarkers() + " markers)" : "");
            }
        } catch (RuntimeException e) {
            // the gauges keep the last counts: images stuck before storage went away are stuck still
            log.warn("Could not count stuck images: {}", e.toString());
        }
    }

    /** One sweep: lists the markers, checks and removes those left behind, and sets the gauges. */
    public Counts sweep() {
        Instant stuckBefore = clock.instant().minus(settings.after());
        long listed = 0;
        long old = 0;
        long removed = 0;
        int checks = 0;
        Iterator<ObjectStore.Listed> found = markers.list();
        while (listed < settings.sweepMaxMarkers() && found.hasNext()) {
            ObjectStore.Listed marker = found.next();
            listed++;
            if (marker.lastModified() == null || !marker.lastModified().isBefore(stuckBefore)) {
                continue;
            }
            if (checks < settings.sweepMaxChecks()) {
                checks++;
                String imageId = PendingMarkers.imageIdOf(marker.key());
                if (!stillPending(imageId)) {
                    markers.clear(imageId);
                    removed++;
                    continue;
                }
            }
            old++;
        }
        Counts counts = new Counts(listed - removed, old, removed, found.hasNext());
        pending.set(counts.pending());
        stuck.set(counts.stuck());
        return counts;
    }

    /** Whether the image's status still says pending; an unreadable status counts as pending (nothing tells it ended). */
    private boolean stillPending(String imageId) {
        Optional<byte[]> json = readManifest(imageId);
        if (json.isEmpty()) {
            return false;
        }
        try {
            return Manifest.PENDING.equals(ManifestCodec.read(json.get()).status());
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** The image's status document, by one GET: a marker this old nearly always has one. */
    private Optional<byte[]> readManifest(String imageId) {
        return manifests.manifest(imageId);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
