package com.miniatura.ingest.rerender;

import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StorageUnavailableException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bucket's keys as ranges listed side by side, each in key order, so that a range's position is one key: the key
 * source of a re-render, {@code --prune} and {@code --move-metadata}. A listing that fails is listed again from the
 * range's position ({@link Retry}).
 */
final class BucketShards {
    private static final Logger log = LoggerFactory.getLogger(BucketShards.class);

    private final ObjectStore store;
    private final String bucket;
    private final String prefix;
    private final Retry retry;
    private final BooleanSupplier halted;

    BucketShards(ObjectStore store, String bucket, String prefix, Retry retry, BooleanSupplier halted) {
        this.store = store;
        this.bucket = bucket;
        this.prefix = prefix;
        this.retry = retry;
        this.halted = halted;
    }

    /** A key range's position; written by the one thread listing it, read by the checkpoint and progress. */
    static final class ShardState {
        final String from;
        final String to;
        volatile String after;
        volatile boolean done;

        ShardState(Checkpoint.Shard shard) {
            this.from = shard.from();
            this.to = shard.to();
            this.after = shard.after();
            this.done = shard.done();
        }

        Checkpoint.Shard snapshot() {
            return new Checkpoint.Shard(from, to, after, done);
        }
    }

    /** One attempt at listing a range from its position. */
    interface Pass {
        /** An object of the range, in key order; moving the range's position is the pass's to do. */
        void object(ObjectStore.Listed object) throws Exception;

        /** The range is listed to its end (not called when halted): finish what is in hand. */
        default void end() throws Exception {}
    }

    /** Key ranges fitted to the bucket's keys ({@link Keys#discover}), probing with one-key listings. */
    List<Checkpoint.Shard> discover(int shards, int parallelism) throws Exception {
        long started = System.nanoTime();
        AtomicInteger probes = new AtomicInteger();
        ExecutorService pool =
                Executors.newFixedThreadPool(Math.max(1, Math.min(16, parallelism)), daemon("rerender-probe"));
        try {
            List<String[]> ranges = Keys.discover(
                    after -> {
                        probes.incrementAndGet();
                        return retry.call(() -> store.firstKey(bucket, prefix, after));
                    },
                    prefix,
                    shards,
                    pool);
            log.info(
                    "Listing {} in {} key ranges, found with {} one-key listings in {} ms",
                    bucket,
                    ranges.size(),
                    probes.get(),
                    (System.nanoTime() - started) / 1_000_000);
            return ranges.stream()
                    .map(r -> new Checkpoint.Shard(r[0], r[1], null, false))
                    .toList();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Lists every range not done yet, {@code parallelism} at a time, each through a new {@link Pass} per attempt; the
     * first range that fails is given to {@code fail} (which should halt the others).
     */
    void listAll(
            ShardState[] shards,
            int parallelism,
            boolean withMetadata,
            Function<ShardState, Pass> passes,
            Consumer<Exception> fail,
            String threads)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallelism), daemon(threads));
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (ShardState shard : shards) {
                if (!shard.done) {
                    tasks.add(pool.submit(() -> {
                        list(shard, withMetadata, () -> passes.apply(shard));
                        return null;
                    }));
                }
            }
            awaitAll(tasks, fail);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One key range, in key order, from its position; a listing that fails is listed again from the position. */
    void list(ShardState shard, boolean withMetadata, Supplier<Pass> passes) throws Exception {
        Retry.Attempts attempts = retry.attempts();
        while (!shard.done && !halted.getAsBoolean()) {
            boolean fromBelow = shard.after == null;
            String startAfter = fromBelow ? below(shard.from) : shard.after;
            Pass pass = passes.get();
            try {
                Iterator<ObjectStore.Listed> listing = store.list(bucket, prefix, startAfter, withMetadata);
                while (!halted.getAsBoolean() && listing.hasNext()) {
                    ObjectStore.Listed object = listing.next();
                    if (fromBelow && Keys.compare(object.key(), shard.from) < 0) {
                        continue; // listed from just below the range (S3 starts after a key, not at one)
                    }
                    if (shard.to != null && Keys.compare(object.key(), shard.to) >= 0) {
                        break;
                    }
                    pass.object(object);
                    attempts.reset();
                }
                if (!halted.getAsBoolean()) {
                    pass.end();
                    shard.done = true;
                }
            } catch (StorageUnavailableException e) {
                // what this attempt handled but did not record is handled again from the position
                log.warn(
                        "Listing {} after {} failed ({}); retrying in {} ms",
                        bucket,
                        shard.after,
                        e.getMessage(),
                        attempts.backoffMillis());
                attempts.failed(e);
            }
        }
    }

    /** How far a listing of {@code shards} is, 0..1: each range's position read as a number. */
    static double fraction(String prefix, ShardState[] shards) {
        if (shards.length == 0) {
            return 0;
        }
        double sum = 0;
        for (ShardState s : shards) {
            sum += s.done ? 1 : s.after == null ? 0 : Keys.fraction(prefix, s.from, s.to, s.after);
        }
        return sum / shards.length;
    }

    /** A key just below {@code from}, to start a listing after (S3 has no "start at"): keys below are skipped. */
    static String below(String from) {
        if (from.isEmpty()) {
            return null;
        }
        char last = from.charAt(from.length() - 1);
        return from.substring(0, from.length() - 1) + (char) (last - 1) + "~~~~~~~~";
    }

    /** Waits for every task; the first that failed is given to {@code fail} with its cause. */
    static void awaitAll(List<Future<?>> tasks, Consumer<Exception> fail) throws InterruptedException {
        for (Future<?> task : tasks) {
            try {
                task.get();
            } catch (ExecutionException e) {
                fail.accept(e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause()));
            }
        }
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
