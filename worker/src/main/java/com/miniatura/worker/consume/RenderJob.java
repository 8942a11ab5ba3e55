package com.miniatura.worker.consume;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.Freshness;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.ObjectTooLargeException;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.common.storage.StorageRejectedException;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StoredObject;
import com.miniatura.worker.consume.ImageJob.Outcome;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderResult;
import com.miniatura.worker.render.RenderedVariant;
import com.miniatura.worker.render.Renderer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders an upload: fetch the original, decode it once and render the variants that are not current
 * ({@link Freshness}), store them ({@link VariantUpload}), and write the manifest last; then remove the objects of
 * variants the manifests it replaced listed and it does not ({@link Orphans}).
 *
 * <p>An upload published before the image's last deletion ({@link Manifest#deletedSince}) is ignored, so a
 * late, duplicated or replayed upload never resurrects a deleted image.
 *
 * <p>Before decoding an original, the job records its {@link Manifest.Attempt} in the manifest. A record whose
 * render kills the worker (out of memory, a native crash, SIGKILL) is delivered again to the next worker, which
 * finds that attempt unfinished; once workers stopped {@code miniatura.worker.max-render-attempts} times on one
 * event, the image fails ("the worker stopped 3 times while rendering this image") and the event is
 * dead-lettered, so the partition moves on.
 */
final class RenderJob {
    private static final Logger log =
            LoggerFactory.getLogger(ImageJob.class); // the job's log, whichever part writes it

    /*
     * Failure reasons are public (the status API answers anyone):
     * they say what is wrong in plain words, never storage's own (bucket and key names, its error codes), so that a
     * status tells nothing of objects besides the image's own.
     */
    static final String NOT_FOUND = "original not found";
    static final String UNREADABLE = "original cannot be read: storage refused to serve it";
    static final String NOT_A_SOURCE = "original refused: the event names a bucket that is not a source of originals";

    /** What a render job works with besides the image: where, what, with which limits, and who is counting. */
    record Parts(
            ObjectStore store,
            Renderer renderer,
            VariantCatalog catalog,
            StorageSettings storage,
            ImageManifests manifests,
            VariantUpload uploads,
            Orphans orphans,
            WorkerMetrics metrics,
            Clock clock) {}

    private final ObjectStore store;
    private final Renderer renderer;
    private final VariantCatalog catalog;
    private final StorageSettings storage;
    private final ImageManifests manifests;
    private final VariantUpload uploads;
    private final Orphans orphans;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final long maxSourceBytes;
    private final int maxRenderAttempts;
    private final String workerId;

    /** @param workerId this worker JVM in the attempts it records */
    RenderJob(Parts parts, long maxSourceBytes, int maxRenderAttempts, String workerId) {
        this.store = parts.store();
        this.renderer = parts.renderer();
        this.catalog = parts.catalog();
        this.storage = parts.storage();
        this.manifests = parts.manifests();
        this.uploads = parts.uploads();
        this.orphans = parts.orphans();
        this.metrics = parts.metrics();
        this.clock = parts.clock();
        this.maxSourceBytes = maxSourceBytes;
        this.maxRenderAttempts = maxRenderAttempts;
        this.workerId = workerId;
    }

    /** @throws ImageRejectedException if the image cannot be rendered (its manifest now says failed) */
    Outcome render(ImageEvent event, ImageUploaded data) {
        long started = System.nanoTime();
        Manifest previous = manifests.current(data.imageId()).orElse(null);
        if (previous != null && previous.deletedSince(event.time())) {
            log.info(
                    "Ignored upload event {} of {}: published {}, not after the image's deletion at {}",
                    event.id(),
                    data.imageId(),
                    event.time() == null ? "at an unknown time" : "at " + event.time(),
                    previous.deletedAt());
            return Outcome.IGNORED;
        }
        if (!storage.isSourceBucket(data.bucket())) {
            // Only a record written to Kafka past the API names one (or a source bucket since removed from the
            // configuration): the workers' credentials may read buckets that are not ours to publish.
            log.warn(
                    "Refused upload event {} of {}: bucket {} is not one of the source buckets {}",
                    event.id(),
                    data.imageId(),
                    data.bucket(),
                    storage.sourceBuckets());
            throw manifests.reject(event, previous, previous == null ? null : previous.source(), NOT_A_SOURCE);
        }
        boolean sameOriginal = Freshness.renderedFrom(previous, data.bucket(), data.key());
        List<VariantSpec> stale = sameOriginal ? Freshness.staleVariants(previous, wanted(data)) : catalog.variants();
        if (sameOriginal
                && stale.isEmpty()
                && store.etag(data.bucket(), data.key())
                        .filter(previous.source().etag()::equals)
                        .isPresent()) {
            if (Freshness.listsDropped(previous, catalog.variants())) {
                return relist(event, data.imageId(), previous);
            }
            log.debug(
                    "Image {} is already rendered from this original with the current catalog; skipped",
                    data.imageId());
            return Outcome.SKIPPED;
        }
        Manifest.Source source =
                Manifest.Source.of(data.bucket(), data.key(), data.etag(), data.size(), data.contentType());
        Manifest.Attempt attempt = attempt(event, previous);
        if (attempt.unfinished() >= maxRenderAttempts) {
            metrics.poisoned();
            log.warn(
                    "Image {}: workers stopped {} times while rendering event {} (the last start: worker {} at {});"
                            + " failing it",
                    data.imageId(),
                    attempt.unfinished(),
                    event.id(),
                    previous.attempt().worker(),
                    previous.attempt().startedAt());
            throw manifests.reject(
                    event,
                    previous,
                    source,
                    "the worker stopped " + attempt.unfinished() + " times while rendering this image");
        }
        Optional<StoredObject> original;
        try {
            original = fetchWhileRecording(data, record(data, previous, source, event, attempt));
        } catch (ObjectTooLargeException e) {
            throw manifests.reject(
                    event,
                    previous,
                    source,
                    "source too large: the original has " + (e.size() < 0 ? "more than " + e.limit() : e.size())
                            + " bytes, over the limit of " + e.limit());
        } catch (StorageRejectedException e) {
            log.warn("Image {}: storage refused its original: {}", data.imageId(), e.getMessage());
            throw manifests.reject(event, previous, source, UNREADABLE);
        }
        if (original.isEmpty()) {
            throw manifests.reject(event, previous, source, NOT_FOUND);
        }
        StoredObject object = original.get();
        source = Manifest.Source.of(
                data.bucket(), data.key(), object.etag(), (long) object.bytes().length, object.contentType());
        if (sameOriginal
                && (object.etag() == null
                        || !object.etag().equals(previous.source().etag()))) {
            stale = catalog.variants(); // the original changed since: none of its variants is current any more
            sameOriginal = false;
        }

        RenderResult result;
        try {
            result = renderer.render(object.bytes(), stale);
        } catch (RenderException e) {
            throw manifests.reject(event, previous, source, e.getMessage());
        }
        result.steps().forEach((step, time) -> metrics.step(step.name().toLowerCase(Locale.ROOT), time));
        long uploadStarted = System.nanoTime();
        source = new Manifest.Source(
                source.bucket(),
                source.key(),
                source.etag(),
                source.size(),
                source.contentType(),
                result.source().width(),
                result.source().height(),
                result.source().format());

        Map<String, Manifest.Variant> fresh = uploads.upload(data.imageId(), result.variants());
        metrics.step("upload", Duration.ofNanos(System.nanoTime() - uploadStarted));
        for (RenderedVariant variant : result.variants()) {
            metrics.variantBytes(variant.spec().name(), variant.spec().format(), variant.bytes().length);
        }
        // In catalog order: what was just rendered, and (re-rendering some variants of the same original) what
        // was stored before for the others. A variant no longer in the catalog leaves the manifest.
        List<Manifest.Variant> stored = new ArrayList<>();
        // Told apart by object key, as a variant's twins share its name; a variant whose format changed and that
        // this event did not render keeps its object in the old format listed until it is rendered.
        Set<String> catalogKeys = Freshness.catalogKeys(data.imageId(), catalog.variants());
        for (VariantSpec spec : catalog.variants()) {
            String key = StorageLayout.thumbnailKey(data.imageId(), spec);
            Manifest.Variant variant = fresh.get(key);
            if (variant == null && sameOriginal) {
                variant = previous.variants().stream()
                        .filter(v -> v.key().equals(key) && v.name().equals(spec.name()))
                        .findFirst()
                        .or(() -> previous.variants().stream()
                                .filter(v -> v.name().equals(spec.name())
                                        && !catalogKeys.contains(v.key())
                                        && !stored.contains(v))
                                .findFirst())
                        .orElse(null);
            }
            if (variant != null && !stored.contains(variant)) {
                stored.add(variant);
            }
        }
        // A deletion consumed by the live lane while the bulk lane rendered this image (the two lanes are not
        // ordered with each other) must win: take back what was written instead of resurrecting the image.
        Manifest now = manifests.current(data.imageId()).orElse(null);
        if (now != null
                && now.deletedSince(event.time())
                && (previous == null || !now.deletedAt().equals(previous.deletedAt()))) {
            fresh.values().forEach(v -> store.remove(storage.thumbnailsBucket(), v.key()));
            log.info(
                    "Ignored upload event {} of {}: the image was deleted at {} while it rendered",
                    event.id(),
                    data.imageId(),
                    now.deletedAt());
            return Outcome.IGNORED;
        }
        // Last, so that "rendered" is never visible before every variant is.
        String blurhash = result.blurhash() != null ? result.blurhash() : previous == null ? null : previous.blurhash();
        Manifest written = Manifest.rendered(data.imageId(), source, stored, blurhash, event.id(), clock.instant())
                .carryingDeletion(now != null ? now : previous);
        manifests.write(written);
        // Then, with the new manifest in place, the objects the replaced ones listed and it does not.
        orphans.remove(written, previous, now);
        log.info(
                "Rendered {} ({}x{} {}) into {} variants{} in {} ms",
                data.imageId(),
                result.source().width(),
                result.source().height(),
                result.source().format(),
                fresh.size(),
                fresh.size() < stored.size() ? " (of " + stored.size() + ")" : "",
                (System.nanoTime() - started) / 1_000_000);
        return Outcome.RENDERED;
    }

    /**
     * An image rendered from this original with every variant of the catalog current, whose manifest still lists
     * variants the catalog dropped: the manifest is written again without them, then their objects are removed.
     * Nothing is fetched or rendered. Left alone when the manifest changed since it was read (a newer render or a
     * deletion judges the image itself).
     */
    private Outcome relist(ImageEvent event, String imageId, Manifest previous) {
        Set<String> current = Freshness.catalogEntries(imageId, catalog.variants());
        List<Manifest.Variant> kept = previous.variants().stream()
                .filter(v -> current.contains(v.name() + "@" + v.key()))
                .toList();
        if (!previous.equals(manifests.current(imageId).orElse(null))) {
            log.debug(
                    "Image {}: its manifest changed while dropping the variants the catalog no longer has; skipped",
                    imageId);
            return Outcome.SKIPPED;
        }
        Manifest written = Manifest.rendered(
                        imageId, previous.source(), kept, previous.blurhash(), event.id(), clock.instant())
                .carryingDeletion(previous);
        manifests.write(written);
        orphans.remove(written, previous);
        log.info(
                "Relisted {}: {} variants the catalog no longer has left its manifest",
                imageId,
                previous.variants().size() - kept.size());
        return Outcome.RENDERED;
    }

    /**
     * The attempt this delivery makes. The manifest still showing a start of the same event by another worker means
     * that worker never finished it, nearly always because its JVM stopped (a render that ends writes
     * {@code rendered} or {@code failed}): one more unfinished. The same event started by this worker was a delivery
     * that ended with an error and is being retried: that is no stop. Anything else starts afresh.
     */
    private Manifest.Attempt attempt(ImageEvent event, Manifest previous) {
        Manifest.Attempt last = previous == null ? null : previous.attempt();
        if (last == null || !event.id().equals(last.eventId())) {
            return new Manifest.Attempt(event.id(), 0, workerId, clock.instant());
        }
        if (workerId.equals(last.worker())) {
            return last;
        }
        Manifest.Attempt next = new Manifest.Attempt(event.id(), last.unfinished() + 1, workerId, clock.instant());
        if (next.unfinished() < maxRenderAttempts) {
            log.warn(
                    "Rendering {} again: worker {} started event {} at {} and stopped before finishing it (stop {} of {}"
                            + " before the image fails)",
                    event.data().imageId(),
                    last.worker(),
                    event.id(),
                    last.startedAt(),
                    next.unfinished(),
                    maxRenderAttempts);
        }
        return next;
    }

    /**
     * Writes the manifest as it was (or {@code pending}, without a time: no state was written by anyone yet) with
     * {@code attempt}, on the upload threads so that the write overlaps reading the original. Nothing to write
     * when the manifest already holds this attempt (a retry in this worker).
     */
    private Future<?> record(
            ImageUploaded data, Manifest previous, Manifest.Source source, ImageEvent event, Manifest.Attempt attempt) {
        if (previous != null && attempt.equals(previous.attempt())) {
            return CompletableFuture.completedFuture(null);
        }
        // the state's time stays as it was: a deletion tells an upload accepted after it by that time
        Manifest state = previous != null ? previous : Manifest.pending(data.imageId(), source, event.id(), null);
        return uploads.submit(() -> manifests.write(state.withAttempt(attempt)));
    }

    /**
     * The original, read while {@code recording} writes the attempt; returns or throws only once that write ended,
     * so the attempt is stored before anything is decoded and never lands after the state written next. If the
     * write failed, its error is thrown (transient, retried) instead of the read's.
     */
    private Optional<StoredObject> fetchWhileRecording(ImageUploaded data, Future<?> recording) {
        try {
            return store.get(data.bucket(), data.key(), maxSourceBytes);
        } finally {
            VariantUpload.awaitAll(List.of(recording));
        }
    }

    /**
     * The variants of the catalog the event names (all of them if it names none). Names the catalog does not have
     * are ignored: the publisher may know a newer or older catalog than this worker.
     */
    private List<VariantSpec> wanted(ImageUploaded data) {
        return catalog.variants().stream()
                .filter(v -> data.variants() == null || data.variants().contains(v.name()))
                .toList();
    }
}
