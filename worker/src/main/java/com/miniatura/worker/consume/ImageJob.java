package com.miniatura.worker.consume;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.ImageDeleted;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.Freshness;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectHead;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.ObjectTooLargeException;
import com.miniatura.common.storage.PendingMarkers;
import com.miniatura.common.storage.Reupload;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.common.storage.StorageRejectedException;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StoredObject;
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderResult;
import com.miniatura.worker.render.RenderedVariant;
import com.miniatura.worker.render.Renderer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Handles one image event end to end. An upload: fetch the original, decode it once and render every
 * variant, store each variant, and write the manifest last; then remove the objects of variants the manifests it
 * replaced listed and it does not ({@link Orphans}). A deletion: erase every variant and the original, then write the
 * {@code deleted} tombstone last; one older than the image's current upload ({@link Reupload}) erases none of it.
 *
 * <p>Failures are typed. A problem with the image itself (missing, too large, undecodable, or in a bucket that is not
 * a source of originals) is permanent: the manifest says {@code failed} with the reason, then
 * {@link ImageRejectedException} (never retried) sends the record to the dead-letter topic. A storage outage is
 * transient: its exception propagates and the record is retried. Reasons are public, so they name the problem,
 * never storage's internals.
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
@Component
public class ImageJob {
    private static final Logger log = LoggerFactory.getLogger(ImageJob.class);

    private final ObjectStore store;
    private final ManifestStore manifests;
    private final Renderer renderer;
    private final VariantCatalog catalog;
    private final StorageSettings storage;
    private final PendingMarkers pendingMarkers;
    private final long maxSourceBytes;
    private final int maxRenderAttempts;
    /** This worker JVM in the attempts it records: random, so that a start by another JVM (or pod) is told apart. */
    private final String workerId = UUID.randomUUID().toString();
    private final Counter poisoned;
    private final Clock clock = Clock.systemUTC();
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final MeterRegistry meters;
    private final Orphans orphans;
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * Variant uploads, run side by side. Daemon threads that end after a minute idle: at most the consumer
     * threads × the catalog's variants are ever busy, and they never hold a JVM open.
     */
    private final ExecutorService uploads = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "miniatura-upload-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    /*
     * Failure reasons are public (the status API answers anyone):
     * they say what is wrong in plain words, never storage's own (bucket and key names, its error codes), so that a
     * status tells nothing of objects besides the image's own.
     */
    static final String NOT_FOUND = "original not found";
    static final String UNREADABLE = "original cannot be read: storage refused to serve it";
    static final String NOT_A_SOURCE = "original refused: the event names a bucket that is not a source of originals";

    public ImageJob(ObjectStore store, Renderer renderer, MiniaturaSettings settings, WorkerSettings worker,
            MeterRegistry meters) {
        this.store = store;
        this.manifests = new ManifestStore(store, settings.storage());
        this.renderer = renderer;
        this.catalog = settings.catalog();
        this.storage = settings.storage();
        this.pendingMarkers = new PendingMarkers(store, storage.metadataBucket());
        this.maxSourceBytes = worker.limits().maxSourceBytes();
        this.maxRenderAttempts = worker.maxRenderAttempts();
        this.meters = meters;
        this.orphans = new Orphans(store, storage.thumbnailsBucket(), catalog, this::currentManifest, meters);
        this.poisoned = Counter.builder("miniatura.images.poisoned")
                .description("Images failed because workers stopped (their JVM died) max-render-attempts times while"
                        + " rendering one event of them")
                .register(meters);
        log.info("Recording render attempts as worker {}; an image fails once workers stopped {} times while rendering"
                + " one event of it", workerId, maxRenderAttempts);
        io.micrometer.core.instrument.Gauge.builder("miniatura.images.inflight", inFlight, AtomicInteger::get)
                .description("Image events being handled right now").register(meters);
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, Counter.builder("miniatura.images")
                    .description("Image events handled by the worker, by outcome (skipped: already rendered from this original"
                            + " and catalog; ignored: an upload published before the image was deleted, or a deletion"
                            + " older than the image's upload)")
                    .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .register(meters));
        }
    }

    /**
     * What became of an event: {@code SKIPPED} an upload already rendered from this original and catalog,
     * {@code IGNORED} an upload published before the image's deletion or a deletion older than the image's upload,
     * {@code DELETED} a deletion carried out.
     */
    public enum Outcome { RENDERED, FAILED, SKIPPED, IGNORED, DELETED }

    /**
     * @throws ImageRejectedException if the image cannot be rendered (its manifest now says failed)
     * @throws RuntimeException       anything else, such as a storage outage, is transient
     */
    public Outcome process(ImageEvent event) {
        Outcome outcome;
        inFlight.incrementAndGet();
        try {
            outcome = event.data() instanceof ImageDeleted ? delete(event) : render(event, (ImageUploaded) event.data());
        } catch (ImageRejectedException e) {
            outcomes.get(Outcome.FAILED).increment();
            throw e;
        } finally {
            inFlight.decrementAndGet();
        }
        outcomes.get(outcome).increment();
        return outcome;
    }

    private Outcome render(ImageEvent event, ImageUploaded data) {
        long started = System.nanoTime();
        Manifest previous = currentManifest(data.imageId()).orElse(null);
        if (previous != null && previous.deletedSince(event.time())) {
            log.info("Ignored upload event {} of {}: published {}, not after the image's deletion at {}", event.id(),
                    data.imageId(), event.time() == null ? "at an unknown time" : "at " + event.time(), previous.deletedAt());
            return Outcome.IGNORED;
        }
        if (!storage.isSourceBucket(data.bucket())) {
            // Only a record written to Kafka past the API names one (or a source bucket since removed from the
            // configuration): the workers' credentials may read buckets that are not ours to publish.
            log.warn("Refused upload event {} of {}: bucket {} is not one of the source buckets {}", event.id(),
                    data.imageId(), data.bucket(), storage.sourceBuckets());
            return fail(event, previous, previous == null ? null : previous.source(), NOT_A_SOURCE);
        }
        boolean sameOriginal = Freshness.renderedFrom(previous, data.bucket(), data.key());
        List<VariantSpec> stale = sameOriginal ? Freshness.staleVariants(previous, wanted(data)) : catalog.variants();
        if (sameOriginal && stale.isEmpty()
                && store.etag(data.bucket(), data.key()).filter(previous.source().etag()::equals).isPresent()) {
            if (Freshness.listsDropped(previous, catalog.variants())) {
                return relist(event, data.imageId(), previous);
            }
            log.debug("Image {} is already rendered from this original with the current catalog; skipped", data.imageId());
            return Outcome.SKIPPED;
        }
        Manifest.Source source = Manifest.Source.of(data.bucket(), data.key(), data.etag(), data.size(), data.contentType());
        Manifest.Attempt attempt = attempt(event, previous);
        if (attempt.unfinished() >= maxRenderAttempts) {
            poisoned.increment();
            log.warn("Image {}: workers stopped {} times while rendering event {} (the last start: worker {} at {});"
                    + " failing it", data.imageId(), attempt.unfinished(), event.id(), previous.attempt().worker(),
                    previous.attempt().startedAt());
            return fail(event, previous, source, "the worker stopped " + attempt.unfinished() + " times while rendering this image");
        }
        Optional<StoredObject> original;
        try {
            original = fetchWhileRecording(data, record(data, previous, source, event, attempt));
        } catch (ObjectTooLargeException e) {
            return fail(event, previous, source, "source too large: the original has "
                    + (e.size() < 0 ? "more than " + e.limit() : e.size()) + " bytes, over the limit of " + e.limit());
        } catch (StorageRejectedException e) {
            log.warn("Image {}: storage refused its original: {}", data.imageId(), e.getMessage());
            return fail(event, previous, source, UNREADABLE);
        }
        if (original.isEmpty()) {
            return fail(event, previous, source, NOT_FOUND);
        }
        StoredObject object = original.get();
        source = Manifest.Source.of(data.bucket(), data.key(), object.etag(), (long) object.bytes().length,
                object.contentType());
        if (sameOriginal && (object.etag() == null || !object.etag().equals(previous.source().etag()))) {
            stale = catalog.variants(); // the original changed since: none of its variants is current any more
            sameOriginal = false;
        }

        RenderResult result;
        try {
            result = renderer.render(object.bytes(), stale);
        } catch (RenderException e) {
            return fail(event, previous, source, e.getMessage());
        }
        result.steps().forEach((step, time) -> step(step.name().toLowerCase(java.util.Locale.ROOT)).record(time));
        long uploadStarted = System.nanoTime();
        source = new Manifest.Source(source.bucket(), source.key(), source.etag(), source.size(), source.contentType(),
                result.source().width(), result.source().height(), result.source().format());

        Map<String, Manifest.Variant> fresh = new java.util.HashMap<>();
        List<Future<?>> puts = new ArrayList<>();
        for (RenderedVariant variant : result.variants()) {
            String key = StorageLayout.thumbnailKey(data.imageId(), variant.spec());
            // all at once: each PUT is mostly waiting on the network, and one after another they took most
            // of a job's time (six ~40 ms round trips against ~35 ms of rendering for a 1024 px image)
            puts.add(uploads.submit(() -> store.put(storage.thumbnailsBucket(), key, variant.bytes(), variant.contentType(),
                    storage.cacheControl(), Map.of("image-id", data.imageId(), "spec-hash", variant.spec().specHash()))));
            fresh.put(variant.spec().name(), new Manifest.Variant(variant.spec().name(), key, variant.width(),
                    variant.height(), variant.bytes().length, variant.contentType(), variant.spec().specHash()));
        }
        awaitAll(puts);
        step("upload").record(java.time.Duration.ofNanos(System.nanoTime() - uploadStarted));
        for (RenderedVariant variant : result.variants()) {
            meters.summary("miniatura.variant.bytes", "variant", variant.spec().name()).record(variant.bytes().length);
        }
        // In catalog order: what was just rendered, and (re-rendering some variants of the same original) what
        // was stored before for the others. A variant no longer in the catalog leaves the manifest.
        List<Manifest.Variant> stored = new ArrayList<>();
        for (VariantSpec spec : catalog.variants()) {
            Manifest.Variant variant = fresh.get(spec.name());
            if (variant == null && sameOriginal) {
                variant = previous.variants().stream().filter(v -> v.name().equals(spec.name())).findFirst().orElse(null);
            }
            if (variant != null) {
                stored.add(variant);
            }
        }
        // A deletion consumed by the live lane while the bulk lane rendered this image (the two lanes are not
        // ordered with each other) must win: take back what was written instead of resurrecting the image.
        Manifest now = currentManifest(data.imageId()).orElse(null);
        if (now != null && now.deletedSince(event.time()) && (previous == null || !now.deletedAt().equals(previous.deletedAt()))) {
            fresh.values().forEach(v -> store.remove(storage.thumbnailsBucket(), v.key()));
            log.info("Ignored upload event {} of {}: the image was deleted at {} while it rendered", event.id(),
                    data.imageId(), now.deletedAt());
            return Outcome.IGNORED;
        }
        // Last, so that "rendered" is never visible before every variant is.
        String blurhash = result.blurhash() != null ? result.blurhash() : previous == null ? null : previous.blurhash();
        Manifest written = Manifest.rendered(data.imageId(), source, stored, blurhash, event.id(), clock.instant())
                .carryingDeletion(now != null ? now : previous);
        writeManifest(written);
        // Then, with the new manifest in place, the objects the replaced ones listed and it does not.
        orphans.remove(written, previous, now);
        log.info("Rendered {} ({}x{} {}) into {} variants{} in {} ms", data.imageId(), result.source().width(),
                result.source().height(), result.source().format(), fresh.size(),
                fresh.size() < stored.size() ? " (of " + stored.size() + ")" : "", (System.nanoTime() - started) / 1_000_000);
        return Outcome.RENDERED;
    }

    /**
     * An image rendered from this original with every variant of the catalog current, whose manifest still lists
     * variants the catalog dropped: the manifest is written again without them, then their objects are removed.
     * Nothing is fetched or rendered. Left alone when the manifest changed since it was read (a newer render or a
     * deletion judges the image itself).
     */
    private Outcome relist(ImageEvent event, String imageId, Manifest previous) {
        List<Manifest.Variant> kept = previous.variants().stream().filter(v -> catalog.find(v.name()).isPresent()).toList();
        if (!previous.equals(currentManifest(imageId).orElse(null))) {
            log.debug("Image {}: its manifest changed while dropping the variants the catalog no longer has; skipped", imageId);
            return Outcome.SKIPPED;
        }
        Manifest written = Manifest.rendered(imageId, previous.source(), kept, previous.blurhash(), event.id(),
                clock.instant()).carryingDeletion(previous);
        writeManifest(written);
        orphans.remove(written, previous);
        log.info("Relisted {}: {} variants the catalog no longer has left its manifest", imageId,
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
            log.warn("Rendering {} again: worker {} started event {} at {} and stopped before finishing it (stop {} of {}"
                    + " before the image fails)", event.data().imageId(), last.worker(), event.id(), last.startedAt(),
                    next.unfinished(), maxRenderAttempts);
        }
        return next;
    }

    /**
     * Writes the manifest as it was (or {@code pending}, without a time: no state was written by anyone yet) with
     * {@code attempt}, on the upload threads so that the write overlaps reading the original. Nothing to write
     * when the manifest already holds this attempt (a retry in this worker).
     */
    private Future<?> record(ImageUploaded data, Manifest previous, Manifest.Source source, ImageEvent event,
            Manifest.Attempt attempt) {
        if (previous != null && attempt.equals(previous.attempt())) {
            return CompletableFuture.completedFuture(null);
        }
        // the state's time stays as it was: a deletion tells an upload accepted after it by that time
        Manifest state = previous != null ? previous : Manifest.pending(data.imageId(), source, event.id(), null);
        return uploads.submit(() -> writeManifest(state.withAttempt(attempt)));
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
            awaitAll(List.of(recording));
        }
    }

    /**
     * The variants of the catalog the event names (all of them if it names none). Names the catalog does not have
     * are ignored: the publisher may know a newer or older catalog than this worker.
     */
    private List<VariantSpec> wanted(ImageUploaded data) {
        return catalog.variants().stream().filter(v -> data.variants() == null || data.variants().contains(v.name())).toList();
    }

    /**
     * Time per render step ({@link RenderResult.Step}, and {@code upload}: the variants' PUTs side by side), as a
     * histogram so dashboards can show percentiles across pods.
     */
    private io.micrometer.core.instrument.Timer step(String step) {
        return io.micrometer.core.instrument.Timer.builder("miniatura.render.step").tag("step", step)
                .description("Time per render step of one image: decode, colour, resize, finish, encode, analysis, upload")
                .publishPercentileHistogram().register(meters);
    }

    /**
     * Waits for every upload, then rethrows the first failure as it was thrown (a storage outage is retried
     * like a sequential PUT's would be); the others have finished by then, so none outlives the job.
     */
    private static void awaitAll(List<Future<?>> puts) {
        Throwable first = null;
        boolean interrupted = false;
        for (Future<?> put : puts) {
            while (true) {
                try {
                    put.get();
                    break;
                } catch (ExecutionException e) {
                    first = first == null ? e.getCause() : first;
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // finish waiting: the job must not end with uploads still running
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first instanceof Error error) {
            throw error;
        }
        if (first != null) {
            throw new IllegalStateException("upload failed", first);
        }
    }

    /** The image's manifest; an unreadable one counts as absent, so the image is simply rendered again. */
    private Optional<Manifest> currentManifest(String imageId) {
        // absent for every image the bulk lane renders for the first time: see ObjectStore#getIfExists
        Optional<byte[]> object = manifests.manifest(imageId);
        try {
            return object.map(ManifestCodec::read);
        } catch (RuntimeException e) {
            log.warn("Manifest of {} is unreadable ({}); rendering it again", imageId, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Erases the image: every object under its prefix in the thumbnails bucket (the variants of today's
     * catalog and of any earlier one), then its original if that is in the originals bucket (one this
     * pipeline owns; an original elsewhere belongs to whoever put it there) and storage says it is this image's
     * ({@link #originalOf}), then writes the tombstone.
     * The tombstone is written last for the same reason a rendered manifest is: until it exists the status
     * says {@code deleting}, and a crash in between is redelivered and erases again (removing a removed
     * object is not an error).
     *
     * <p>Unless the image was uploaded again after this deletion ({@link Reupload}: a producer's late retry, a replay
     * by hand): that upload stands, so nothing is erased or written. One case erases something: a {@code pending}
     * status no render has started on (no {@link Manifest.Attempt}) means no variant of that upload is stored yet, so
     * the variants there are the image this deletion was about; they are erased, its original and status stay.
     */
    private Outcome delete(ImageEvent event) {
        String imageId = event.data().imageId();
        Instant deletedAt = event.time() != null ? event.time() : clock.instant();
        Manifest previous = currentManifest(imageId).orElse(null);
        Reupload reupload = Reupload.after(deletedAt, previous, store, storage).orElse(null);
        // pending, no render started: no variant of that upload is stored yet, those there are the deleted image's
        boolean oldVariantsOnly = reupload != null && Manifest.PENDING.equals(previous.status()) && previous.attempt() == null;
        if (reupload != null && !oldVariantsOnly) {
            log.info("Ignored deletion event {} of {} ({}): the image was uploaded again {}; nothing erased", event.id(),
                    imageId, event.time() != null ? "ce_time " + event.time() : "no ce_time, handled at " + deletedAt,
                    reupload.when());
            return Outcome.IGNORED;
        }
        String manifestKey = StorageLayout.manifestKey(imageId);
        List<String> variants = store.keys(storage.thumbnailsBucket(), StorageLayout.imagePrefix(imageId)).stream()
                .filter(key -> !key.equals(manifestKey)).toList();
        for (String key : variants) {
            store.remove(storage.thumbnailsBucket(), key);
        }
        if (reupload != null) {
            log.info("Deleted {} variants of {}; its original and status stay: an upload accepted {} supersedes the"
                    + " deletion requested at {}", variants.size(), imageId, reupload.when(), deletedAt);
            return Outcome.DELETED;
        }
        Manifest.Source original = previous == null ? null : previous.source();
        boolean ownOriginal = original != null && storage.originalsBucket().equals(original.bucket()) && original.key() != null
                && originalOf(imageId, original.key());
        if (ownOriginal) {
            store.remove(original.bucket(), original.key());
        }
        writeManifest(Manifest.deleted(imageId, event.id(), deletedAt, clock.instant()).carryingDeletion(previous));
        log.info("Deleted {}: {} variants{}", imageId, variants.size(), ownOriginal ? " and its original " + original.key() : "");
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
            log.warn("Kept the original {} of {}: it belongs to image {}", key, imageId,
                    owner.replaceAll("\\p{Cntrl}", "?")); // stored metadata: no line breaks into the log
            return false;
        }
        return true;
    }

    /** The id of this worker JVM in the attempts it records. */
    String workerId() {
        return workerId;
    }

    /** Marks an image failed when its event itself is unusable (no original to fall back on). */
    public void markFailed(String imageId, String reason) {
        Manifest previous = currentManifest(imageId).orElse(null);
        writeManifest(Manifest.failed(imageId, null, reason, null, clock.instant()).carryingDeletion(previous));
    }

    private Outcome fail(ImageEvent event, Manifest previous, Manifest.Source source, String reason) {
        String imageId = event.data().imageId();
        log.warn("Image {} failed: {}", imageId, reason);
        writeManifest(Manifest.failed(imageId, source, reason, event.id(), clock.instant()).carryingDeletion(previous));
        throw new ImageRejectedException(imageId, reason);
    }

    private void writeManifest(Manifest manifest) {
        manifests.putManifest(manifest.imageId(), ManifestCodec.write(manifest));
        if (PendingMarkers.ends(manifest)) {
            endWait(manifest.imageId());
        }
    }

    /** Removes the image's pending marker; one left behind is found out and removed by the ingest API's sweep. */
    private void endWait(String imageId) {
        try {
            pendingMarkers.clear(imageId);
        } catch (RuntimeException e) {
            log.warn("Could not remove the pending marker of {} ({}); the ingest API's sweep does", imageId, e.getMessage());
        }
    }
}
