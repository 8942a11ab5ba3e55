package com.miniatura.worker.consume;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.ImageDeleted;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PendingMarkers;
import com.miniatura.common.storage.Reupload;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.render.Renderer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Handles one image event end to end: an upload by {@link RenderJob}, a deletion by {@link Deletion}; one older than
 * the image's current upload ({@link Reupload}) erases none of it. Meters are {@link WorkerMetrics}'.
 *
 * <p>Failures are typed. A problem with the image itself (missing, too large, undecodable, or in a bucket that is not
 * a source of originals) is permanent: the manifest says {@code failed} with the reason, then
 * {@link ImageRejectedException} (never retried) sends the record to the dead-letter topic. A storage outage is
 * transient: its exception propagates and the record is retried. Reasons are public, so they name the problem,
 * never storage's internals.
 */
@Component
public class ImageJob {
    private static final Logger log = LoggerFactory.getLogger(ImageJob.class);

    /**
     * What became of an event: {@code SKIPPED} an upload already rendered from this original and catalog,
     * {@code IGNORED} an upload published before the image's deletion or a deletion older than the image's upload,
     * {@code DELETED} a deletion carried out.
     */
    public enum Outcome {
        RENDERED,
        FAILED,
        SKIPPED,
        IGNORED,
        DELETED
    }

    /** This worker JVM in the attempts it records: random, so that a start by another JVM (or pod) is told apart. */
    private final String workerId = UUID.randomUUID().toString();

    private final WorkerMetrics metrics;
    private final ImageManifests manifests;
    private final RenderJob renders;
    private final Deletion deletions;

    /** A job uploading on threads of its own, for tests and tools that run one outside the application. */
    public ImageJob(
            ObjectStore store,
            Renderer renderer,
            MiniaturaSettings settings,
            WorkerSettings worker,
            MeterRegistry meters) {
        this(store, renderer, settings, worker, meters, new UploadThreads());
    }

    /** @param uploads the threads variants are uploaded on, side by side */
    @Autowired
    ImageJob(
            ObjectStore store,
            Renderer renderer,
            MiniaturaSettings settings,
            WorkerSettings worker,
            MeterRegistry meters,
            UploadThreads uploads) {
        StorageSettings storage = settings.storage();
        Clock clock = Clock.systemUTC();
        this.metrics = new WorkerMetrics(meters);
        this.manifests = new ImageManifests(
                new ManifestStore(store, storage), new PendingMarkers(store, storage.metadataBucket()), clock);
        Orphans orphans =
                new Orphans(store, storage.thumbnailsBucket(), settings.catalog(), manifests::current, metrics);
        this.renders = new RenderJob(
                new RenderJob.Parts(
                        store,
                        renderer,
                        settings.catalog(),
                        storage,
                        manifests,
                        new VariantUpload(store, storage, uploads.executor()),
                        orphans,
                        metrics,
                        clock),
                worker.limits().maxSourceBytes(),
                worker.maxRenderAttempts(),
                workerId);
        this.deletions = new Deletion(store, storage, manifests, clock);
        log.info(
                "Recording render attempts as worker {}; an image fails once workers stopped {} times while rendering"
                        + " one event of it",
                workerId,
                worker.maxRenderAttempts());
    }

    /**
     * @throws ImageRejectedException if the image cannot be rendered (its manifest now says failed)
     * @throws RuntimeException       anything else, such as a storage outage, is transient
     */
    public Outcome process(ImageEvent event) {
        Outcome outcome;
        metrics.started();
        try {
            outcome = event.data() instanceof ImageDeleted
                    ? deletions.delete(event)
                    : renders.render(event, (ImageUploaded) event.data());
        } catch (ImageRejectedException e) {
            metrics.outcome(Outcome.FAILED);
            throw e;
        } finally {
            metrics.ended();
        }
        metrics.outcome(outcome);
        return outcome;
    }

    /** The id of this worker JVM in the attempts it records. */
    String workerId() {
        return workerId;
    }

    /** Marks an image failed when its event itself is unusable (no original to fall back on). */
    public void markFailed(String imageId, String reason) {
        manifests.markFailed(imageId, reason);
    }
}
