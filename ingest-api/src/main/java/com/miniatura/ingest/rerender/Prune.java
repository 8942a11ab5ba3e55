package com.miniatura.ingest.rerender;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.ingest.rerender.BucketShards.ShardState;
import com.miniatura.ingest.rerender.PruneStats.Count;
import com.miniatura.ingest.rerender.Rerender.Outcome;
import com.miniatura.ingest.rerender.RerenderOptions.ProgressStyle;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rerender --prune}: finds the variant objects of the thumbnails bucket that no manifest lists and, with
 * {@code --delete}, removes them, resumably and at a bounded rate (docs/rerender.md, "Pruning orphans").
 *
 * <p>The bucket is listed in key ranges side by side, as a re-render lists originals. Keys come in order, so an
 * image's objects ({@code {imageId}/…}) come together: its manifest is read once (twice when a range boundary falls
 * among its keys), through {@link Rerender#manifestObject}, and every variant object of the image that the manifest
 * does not list is an orphan. Never deleted:
 * <ul>
 *   <li>an object stored less than {@code --prune-min-age} ago: a render stores its variants before its manifest;</li>
 *   <li>anything not shaped like a variant key ({@link StorageLayout#variantImageId}): manifests, checkpoints,
 *       other keys;</li>
 *   <li>a key of the current catalog that a rendered manifest does not list: the image's next render writes and
 *       lists it, and one may be writing it now;</li>
 *   <li>the objects of an image whose manifest is {@code pending}, {@code deleting} (a render or deletion in
 *       flight), {@code failed} (it lists nothing, so it tells nothing) or unreadable;</li>
 *   <li>the objects of an image with no manifest at all, unless {@code --prune-without-manifest}: a mistyped
 *       manifest location would otherwise make every image look like one.</li>
 * </ul>
 * A {@code deleted} tombstone lists nothing: what is left under it (a render that raced the deletion) is an orphan.
 *
 * <p>Deletions go in batches: S3's multi-object delete, up to 1,000 keys, or one second's worth of {@code --rate}.
 * A range's position moves past an image only once its orphans are deleted, and the counts move with it, so a run
 * killed at any moment repeats at most one batch per range and counts nothing twice.
 */
final class Prune {
    private static final Logger log = LoggerFactory.getLogger(Prune.class);
    /** Keys per multi-object delete: S3's most. */
    private static final int BATCH = 1000;
    /**
     * The longest an orphan waits in a batch before it is deleted, however few share it: the time between reading a
     * manifest and acting on it is all a live render has to race.
     */
    private static final long BATCH_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Variant objects of one image held before it is judged in parts (a hostile prefix may hold millions). */
    private static final int MAX_GROUP = 10_000;

    private final Rerender host;
    private final ObjectStore store;
    private final RerenderOptions options;
    private final RerenderOptions.Pruning pruning;
    private final PrintStream out;
    private final Clock clock;
    private final String bucket;
    private final VariantCatalog catalog;
    private OrphanJudge judge;

    private final Pacer rate;
    private final int batchSize;

    private final PruneStats stats = new PruneStats();
    /** Positions and counts move together under this lock, and a checkpoint takes both under it. */
    private final Object positions = new Object();

    private final Object saving = new Object();
    private volatile ShardState[] shards = new ShardState[0];
    private volatile Exception failure;
    private Instant cutoff;
    private Instant startedAt;

    Prune(
            Rerender host,
            ObjectStore store,
            VariantCatalog catalog,
            RerenderOptions options,
            PrintStream out,
            Clock clock) {
        this.host = host;
        this.store = store;
        this.options = options;
        this.pruning = options.prune();
        this.out = out;
        this.clock = clock;
        this.bucket = options.bucket();
        this.catalog = catalog;
        this.rate = Pacer.of(options.rate());
        this.batchSize = options.rate() > 0 ? (int) Math.max(1, Math.min(BATCH, options.rate())) : BATCH;
    }

    Outcome execute() throws Exception {
        String run = host.run();
        Checkpoint checkpoint = options.dryRun()
                ? null
                : host.identity().resumable(host.checkpoints(), host.retry(), options.restart());
        if (checkpoint != null && checkpoint.completedAt() != null) {
            out.printf(
                    "rerender: prune run %s already completed at %s (%,d deleted); --restart runs it again%n",
                    run, checkpoint.completedAt(), checkpoint.counts().getOrDefault(Count.DELETED.key, 0L));
            return Outcome.ALREADY_COMPLETED;
        }
        Instant now = clock.instant();
        cutoff = now.minus(pruning.minAge());
        judge = new OrphanJudge(cutoff, catalog, pruning.withoutManifest(), host::manifestObject);
        startedAt = checkpoint != null ? checkpoint.startedAt() : now;
        if (checkpoint != null) {
            stats.restore(checkpoint.counts());
            out.printf(
                    "rerender: resuming prune run %s from its checkpoint of %s (%,d deleted so far)%n",
                    run, checkpoint.updatedAt(), stats.count(Count.DELETED));
        } else {
            out.printf(
                    "rerender: %sprune run %s: bucket %s%s, objects stored before %s (--prune-min-age %s)%s%n",
                    options.dryRun() ? "dry " : "",
                    run,
                    bucket,
                    options.prefix() == null ? "" : " under \"" + options.prefix() + "\"",
                    cutoff,
                    PruneStats.age(pruning.minAge()),
                    options.rate() > 0 ? ", at most " + (long) options.rate() + " deletions/s" : "");
        }
        List<Checkpoint.Shard> ranges = checkpoint != null
                        && checkpoint.shards() != null
                        && !checkpoint.shards().isEmpty()
                ? checkpoint.shards()
                : imageAligned(host.discoverShards());
        shards = ranges.stream().map(ShardState::new).toArray(ShardState[]::new);
        long started = System.nanoTime();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(BucketShards.daemon("prune-timer"));
        if (!options.dryRun()) {
            long every = options.checkpointEvery().toMillis();
            timer.scheduleWithFixedDelay(
                    () -> {
                        try {
                            saveCheckpoint(false);
                        } catch (Exception e) {
                            fail(e);
                        }
                    },
                    every,
                    every,
                    TimeUnit.MILLISECONDS);
        }
        if (options.progress() != ProgressStyle.NONE) {
            long every = Progress.LOG_EVERY.toMillis();
            timer.scheduleAtFixedRate(
                    () -> out.println(
                            "rerender: " + stats.progressLine(BucketShards.fraction(options.prefix(), shards))),
                    every,
                    every,
                    TimeUnit.MILLISECONDS);
        }
        try {
            listBucket();
        } finally {
            timer.shutdown(); // lets a save in progress finish
            timer.awaitTermination(60, TimeUnit.SECONDS);
        }
        boolean completed = failure == null && !host.halted();
        if (!options.dryRun()) {
            try {
                saveCheckpoint(completed); // after a failure too: positions only ever cover deletions done
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        out.print(stats.report(
                host.run(), options.dryRun(), pruning.minAge(), (System.nanoTime() - started) / 1e9, completed));
        return completed ? Outcome.COMPLETED : Outcome.STOPPED;
    }

    // ---- listing

    private void listBucket() throws InterruptedException {
        new BucketShards(store, bucket, options.prefix(), host.retry(), this::halted)
                .listAll(shards, options.parallelism(), false, shard -> new Pass(shard), this::fail, "prune-list");
    }

    /**
     * One attempt at a key range, an image at a time; what an attempt judged but did not delete is judged again from
     * the position when the listing fails.
     */
    private final class Pass implements BucketShards.Pass {
        private final ShardState shard;
        private final Batch batch = new Batch();
        private Group group;

        Pass(ShardState shard) {
            this.shard = shard;
        }

        @Override
        public void object(ObjectStore.Listed object) throws InterruptedException {
            String imageId = groupOf(object.key());
            if (group != null && (!group.imageId.equals(imageId) || group.objects.size() >= MAX_GROUP)) {
                judge(group, batch); // every key before this one is judged now
                group = null;
                if (batch.due()) {
                    flush(shard, batch);
                }
            }
            batch.add(Count.LISTED, 1);
            batch.add(Count.BYTES_LISTED, object.size());
            if (StorageLayout.isVariantKey(imageId, object.key())) {
                group = group != null ? group : new Group(imageId);
                group.objects.add(object);
            } else {
                batch.add(Count.NOT_VARIANTS, 1);
            }
            batch.end = object.key();
        }

        @Override
        public void end() throws InterruptedException {
            if (group != null) {
                judge(group, batch);
            }
            flush(shard, batch);
        }
    }

    /**
     * The ranges with every boundary moved back to the start of the image it falls in ({@code lot-7/s150.jpg} →
     * {@code lot-7/}), so that each image's keys are listed by one range and its manifest read and its objects counted
     * once. Ranges left empty are dropped. Moving a boundary back keeps them in order: a key between an image's start
     * and a later boundary inside it belongs to that image.
     */
    static List<Checkpoint.Shard> imageAligned(List<Checkpoint.Shard> ranges) {
        List<Checkpoint.Shard> aligned = new ArrayList<>();
        for (Checkpoint.Shard range : ranges) {
            String from = range.from() == null ? null : imageStart(range.from());
            String to = range.to() == null ? null : imageStart(range.to());
            if (from != null && from.equals(to)) {
                continue;
            }
            aligned.add(new Checkpoint.Shard(from, to, null, false));
        }
        return aligned;
    }

    private static String imageStart(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash + 1);
    }

    /** The image a key belongs to if it is a variant: its first path segment (the whole key without one). */
    private static String groupOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    /** Judges one image's variant objects: the orphans into the batch, to delete, and the counts of the kept. */
    private void judge(Group group, Batch batch) throws InterruptedException {
        OrphanJudge.Verdict verdict = judge.judge(group.imageId, group.objects);
        verdict.tally().forEach(batch::add);
        orphans(verdict.orphans(), batch);
    }

    private void orphans(List<ObjectStore.Listed> objects, Batch batch) throws InterruptedException {
        for (ObjectStore.Listed object : objects) {
            if (rate != null && !options.dryRun()) {
                rate.acquire();
            }
            if (batch.orphans.isEmpty()) {
                batch.firstOrphanAt = System.nanoTime();
            }
            batch.orphans.add(object);
        }
    }

    /**
     * Deletes the batch's orphans (unless a dry run), then moves the range's position to the last key judged and adds
     * the batch's counts, together, so a checkpoint never holds one without the other.
     */
    private void flush(ShardState shard, Batch batch) {
        Map<String, String> refused = Map.of();
        if (!batch.orphans.isEmpty() && !options.dryRun()) {
            List<String> keys =
                    batch.orphans.stream().map(ObjectStore.Listed::key).toList();
            refused = host.retry().call(() -> store.removeAll(bucket, keys));
        }
        synchronized (positions) {
            stats.add(batch.tally);
            for (ObjectStore.Listed orphan : batch.orphans) {
                stats.orphan(orphan, !options.dryRun() && !refused.containsKey(orphan.key()));
            }
            stats.refused(refused);
            if (batch.end != null) {
                shard.after = batch.end;
            }
        }
        batch.clear();
    }

    /** One image's variant objects, in key order. */
    private static final class Group {
        final String imageId;
        final List<ObjectStore.Listed> objects = new ArrayList<>();

        Group(String imageId) {
            this.imageId = imageId;
        }
    }

    /** What a range judged since its position last moved: orphans to delete, counts to add, and how far it got. */
    private final class Batch {
        final List<ObjectStore.Listed> orphans = new ArrayList<>();
        final Map<Count, Long> tally = new EnumMap<>(Count.class);
        /** Every key up to this one is judged. */
        String end;

        long firstOrphanAt;

        void add(Count c, long n) {
            if (n != 0) {
                tally.merge(c, n, Long::sum);
            }
        }

        /**
         * Whether to flush before judging on: no orphan waits (a dry run, or nothing to delete), a batch is full, or
         * its first orphan has waited long enough.
         */
        boolean due() {
            return options.dryRun()
                    || orphans.isEmpty()
                    || orphans.size() >= batchSize
                    || System.nanoTime() - firstOrphanAt >= BATCH_WAIT_NANOS;
        }

        void clear() {
            orphans.clear();
            tally.clear();
        }
    }

    // ---- checkpoint

    void saveCheckpoint(boolean completed) {
        synchronized (saving) {
            List<Checkpoint.Shard> snapshot;
            Map<String, Long> values;
            synchronized (positions) {
                snapshot = Arrays.stream(shards).map(ShardState::snapshot).toList();
                values = stats.snapshot();
            }
            Instant now = clock.instant();
            host.retry().call(() -> {
                new Checkpoint(
                                host.run(),
                                host.identity().fingerprint(),
                                startedAt,
                                now,
                                completed ? now : null,
                                snapshot,
                                0,
                                values)
                        .save(host.checkpoints());
                return null;
            });
        }
    }

    // ---- state

    private void fail(Exception e) {
        if (failure == null) {
            failure = e;
        }
        host.stop();
    }

    private boolean halted() {
        return failure != null || host.halted();
    }
}
