package com.miniatura.ingest.rerender;

import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectHead;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.ObjectTooLargeException;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StoredObject;
import com.miniatura.ingest.rerender.BucketShards.ShardState;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code rerender --move-metadata}: moves the manifests ({@code {imageId}/manifest.json}) and re-render checkpoints
 * ({@code rerender~/<run>.json}) that earlier versions wrote to the public thumbnails bucket into the private metadata
 * bucket, where this version reads and writes them ({@link com.miniatura.common.storage.ManifestStore}).
 *
 * <p>The thumbnails bucket is listed in key ranges side by side ({@link Keys#discover}); each document found is copied
 * to the metadata bucket, unless that bucket's copy was written later (by this version, since), and its public copy is
 * then removed. A document is never overwritten with an older one: object times are compared to the second, as S3's
 * HEAD gives them, and a tie keeps the metadata bucket's. A run stopped anywhere is simply run again: what it moved is
 * no longer listed. A dry run lists and counts, and moves nothing.
 */
final class MetadataMove {
    /** Documents left in place that are named in the output before the rest are only counted. */
    private static final int NAMED_PROBLEMS = 20;

    private final ObjectStore store;
    private final String thumbnails;
    private final String metadata;
    private final boolean dryRun;
    private final double perSecond;
    private final Pacer rate;
    private final Retry retry = new Retry(() -> this.stopping);
    private final int parallelism;
    private final int shards;
    private final PrintStream out;

    private final LongAdder listed = new LongAdder();
    private final LongAdder manifests = new LongAdder();
    private final LongAdder checkpoints = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder moved = new LongAdder();
    private final LongAdder kept = new LongAdder();
    private final LongAdder vanished = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final AtomicInteger problemsNamed = new AtomicInteger();
    private volatile boolean stopping;
    private volatile Exception failure;

    MetadataMove(
            ObjectStore store,
            StorageSettings storage,
            boolean dryRun,
            double rate,
            int parallelism,
            int shards,
            PrintStream out) {
        this.store = store;
        this.thumbnails = storage.thumbnailsBucket();
        this.metadata = storage.metadataBucket();
        this.dryRun = dryRun;
        this.perSecond = rate;
        this.rate = Pacer.of(rate);
        this.parallelism = parallelism;
        this.shards = shards;
        this.out = out;
    }

    /** Stops a run in progress: it returns {@link Rerender.Outcome#STOPPED}; running it again continues. */
    void stop() {
        stopping = true;
    }

    /** Whether {@code key} of the thumbnails bucket is a document that belongs in the metadata bucket. */
    static boolean isDocument(String key) {
        if (key.startsWith(Checkpoint.PREFIX)) {
            return key.endsWith(".json") && key.indexOf('/', Checkpoint.PREFIX.length()) < 0;
        }
        String suffix = "/" + StorageLayout.MANIFEST_FILE;
        return key.endsWith(suffix)
                && key.indexOf('/') == key.length() - suffix.length()
                && key.length() > suffix.length();
    }

    Rerender.Outcome execute() throws Exception {
        out.printf(
                "rerender: %smove-metadata: manifests and checkpoints from bucket %s to bucket %s%s%n",
                dryRun ? "dry run of " : "",
                thumbnails,
                metadata,
                rate != null && !dryRun ? ", at most " + (long) perSecond + " objects/s" : "");
        long started = System.nanoTime();
        ScheduledExecutorService progress =
                Executors.newSingleThreadScheduledExecutor(BucketShards.daemon("move-metadata-progress"));
        progress.scheduleWithFixedDelay(
                () -> out.printf(
                        Locale.ROOT,
                        "rerender: move-metadata: %,d listed, %,d found, %,d moved%n",
                        listed.sum(),
                        manifests.sum() + checkpoints.sum(),
                        moved.sum()),
                10,
                10,
                TimeUnit.SECONDS);
        try {
            BucketShards listing = new BucketShards(store, thumbnails, null, retry, () -> this.stopping);
            ShardState[] ranges = listing.discover(shards, parallelism).stream()
                    .map(ShardState::new)
                    .toArray(ShardState[]::new);
            listing.listAll(
                    ranges,
                    parallelism,
                    false,
                    range -> object -> {
                        handle(object);
                        range.after = object.key();
                    },
                    this::fail,
                    "move-metadata");
        } finally {
            progress.shutdownNow();
        }
        if (failure != null) {
            throw failure;
        }
        boolean completed = !stopping;
        out.print(report((System.nanoTime() - started) / 1e9, completed));
        return completed ? Rerender.Outcome.COMPLETED : Rerender.Outcome.STOPPED;
    }

    private void handle(ObjectStore.Listed object) throws InterruptedException {
        listed.increment();
        String key = object.key();
        if (!isDocument(key)) {
            return;
        }
        (key.startsWith(Checkpoint.PREFIX) ? checkpoints : manifests).increment();
        bytes.add(object.size());
        if (dryRun) {
            return;
        }
        if (rate != null) {
            rate.acquire();
        }
        Optional<ObjectHead> current = retry.call(() -> store.head(metadata, key));
        if (current.isPresent() && !olderThan(current.get().lastModified(), object.lastModified())) {
            retry.call(
                    () -> remove(thumbnails, key)); // the metadata bucket's was written since: the public one is stale
            kept.increment();
            return;
        }
        Optional<StoredObject> document;
        try {
            document = retry.call(() -> store.get(thumbnails, key, ManifestStore.maxBytes(key)));
        } catch (ObjectTooLargeException e) {
            skipped.increment();
            if (problemsNamed.incrementAndGet() <= NAMED_PROBLEMS) {
                out.println("rerender: left " + thumbnails + "/" + key + ": over " + ManifestStore.maxBytes(key)
                        + " bytes, not a document Miniatura writes");
            }
            return;
        }
        if (document.isEmpty()) {
            vanished.increment();
            return;
        }
        retry.call(() -> store.put(
                metadata,
                key,
                document.get().bytes(),
                PutOptions.of("application/json")
                        .withCacheControl(key.startsWith(Checkpoint.PREFIX) ? "no-store" : "no-cache")));
        retry.call(() -> remove(thumbnails, key));
        moved.increment();
    }

    /**
     * Whether the metadata bucket's copy, written at {@code current}, is older than the public one written at
     * {@code legacy}: only then is it replaced. Compared to the second (a HEAD's resolution); unknown times keep it.
     */
    static boolean olderThan(Instant current, Instant legacy) {
        return current != null
                && legacy != null
                && current.truncatedTo(ChronoUnit.SECONDS).isBefore(legacy.truncatedTo(ChronoUnit.SECONDS));
    }

    private Void remove(String bucket, String key) {
        store.remove(bucket, key);
        return null;
    }

    private String report(double seconds, boolean completed) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "rerender: move-metadata %s in %.1f s%s%n",
                completed ? "completed" : "stopped (run it again to continue: what is moved is no longer listed)",
                seconds,
                dryRun ? " - dry run, nothing moved" : ""));
        b.append(String.format(Locale.ROOT, "  listed          %,d objects of bucket %s%n", listed.sum(), thumbnails));
        long found = manifests.sum() + checkpoints.sum();
        b.append(String.format(
                Locale.ROOT,
                "  %-15s %,d %s and %,d %s, %s%n",
                dryRun ? "would move" : "found",
                manifests.sum(),
                manifests.sum() == 1 ? "manifest" : "manifests",
                checkpoints.sum(),
                checkpoints.sum() == 1 ? "checkpoint" : "checkpoints",
                Report.bytes(bytes.sum())));
        if (!dryRun) {
            b.append(String.format(Locale.ROOT, "  moved           %,d to bucket %s%n", moved.sum(), metadata));
            if (kept.sum() > 0) {
                b.append(String.format(
                        Locale.ROOT,
                        "  kept            %,d newer in bucket %s (their public copies removed)%n",
                        kept.sum(),
                        metadata));
            }
            if (vanished.sum() > 0) {
                b.append(String.format(Locale.ROOT, "  gone            %,d since listed%n", vanished.sum()));
            }
            if (skipped.sum() > 0) {
                b.append(
                        String.format(Locale.ROOT, "  left            %,d too large to be documents%n", skipped.sum()));
            }
            if (found == 0) {
                b.append("  nothing left in bucket ").append(thumbnails).append(" to move\n");
            }
        }
        return b.toString();
    }

    private void fail(Exception e) {
        if (failure == null) {
            failure = e;
        }
        stopping = true;
    }
}
