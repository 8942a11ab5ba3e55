package com.miniatura.ingest.rerender;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.event.EventValidator;
import com.miniatura.common.storage.Freshness;
import com.miniatura.common.storage.Freshness.Verdict;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.rerender.BucketShards.ShardState;
import com.miniatura.ingest.rerender.RerenderOptions.IdFrom;
import com.miniatura.ingest.rerender.RerenderOptions.Mode;
import com.miniatura.ingest.rerender.RunStats.Count;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes a re-render event to the bulk topic for every original of a bucket listing or a key file that needs
 * one ({@link Mode}), resumably (see {@link Checkpoint}), at a bounded rate, reporting progress as it goes.
 *
 * <p>The parts: the run's identity ({@link RunIdentity}), its key source ({@link BucketShards}: key ranges listed
 * side by side, or a {@link KeyFile}), what each image needs ({@link Classifier}), the events ({@link Publisher}),
 * and what it has done ({@link RunStats}, read by {@link Progress}, {@link MetricsServer} and {@link Report}). Memory
 * stays bounded: at most {@code parallelism} ranges or twice that many batches of a key file are in hand, and the
 * Kafka producer's buffer is bounded (a send blocks when it is full).
 *
 * <p>With {@code --prune} it publishes nothing and runs a {@link Prune} instead, which reads manifests and keeps its
 * checkpoint where this class says ({@link #manifestObject}, {@link #checkpoints}).
 */
final class Rerender {
    /** Unusable keys named in the log before the rest are only counted. */
    private static final int NAMED_PROBLEMS = 20;

    private final ObjectStore store;
    private final ManifestStore manifests;
    private final VariantCatalog catalog;
    private final RerenderOptions options;
    private final PrintStream out;
    private final Clock clock;
    private final RunIdentity identity;
    private final RunStats stats;
    private final Retry retry = new Retry(this::halted);
    private final Publisher publisher;
    private final Classifier classifier;
    private final BucketShards bucket;

    private final AtomicInteger problemsNamed = new AtomicInteger();
    private volatile boolean stopping;
    private volatile Exception failure;

    // position: the key ranges' or the key file's
    private volatile ShardState[] shardStates = new ShardState[0];
    private KeyFile keyFile;
    private Instant startedAt;
    private final Object saving = new Object();

    /** What a run ended with. */
    enum Outcome {
        COMPLETED,
        ALREADY_COMPLETED,
        STOPPED
    }

    Rerender(
            ObjectStore store,
            EventSink sink,
            String topic,
            ManifestStore manifests,
            VariantCatalog catalog,
            RerenderOptions options,
            PrintStream out,
            Clock clock) {
        this.store = store;
        this.manifests = manifests;
        this.catalog = catalog;
        this.options = options;
        this.out = out;
        this.clock = clock;
        this.identity = RunIdentity.of(options, catalog);
        this.stats = new RunStats(identity.run());
        this.publisher = new Publisher(sink, topic, identity.run(), options.bucket(), options.rate());
        this.classifier =
                new Classifier(store, manifests, options.bucket(), catalog, identity.wanted(), clock, retry, stats);
        this.bucket = new BucketShards(store, options.bucket(), options.prefix(), retry, this::halted);
    }

    String run() {
        return identity.run();
    }

    /** The run's name, fingerprint and variants: a checkpoint is resumed only by the same fingerprint. */
    RunIdentity identity() {
        return identity;
    }

    /** Stops a run in progress: it saves its position and returns {@link Outcome#STOPPED}. */
    void stop() {
        stopping = true;
    }

    Outcome execute() throws Exception {
        if (options.prune() != null) {
            return new Prune(this, store, catalog, options, out, clock).execute();
        }
        String run = identity.run();
        Checkpoint checkpoint = options.dryRun() ? null : identity.resumable(checkpoints(), retry, options.restart());
        if (checkpoint != null && checkpoint.completedAt() != null) {
            out.printf(
                    "rerender: run %s already completed at %s (%,d published); --restart runs it again%n",
                    run, checkpoint.completedAt(), checkpoint.counts().getOrDefault(Count.PUBLISHED.key, 0L));
            return Outcome.ALREADY_COMPLETED;
        }
        startedAt = checkpoint != null ? checkpoint.startedAt() : clock.instant();
        if (checkpoint != null) {
            stats.restore(checkpoint.counts());
            out.printf(
                    "rerender: resuming run %s from its checkpoint of %s (%,d published so far)%n",
                    run, checkpoint.updatedAt(), stats.count(Count.PUBLISHED));
        } else {
            out.printf(
                    "rerender: %srun %s: mode %s, %s, %s%s%n",
                    options.dryRun() ? "dry " : "",
                    run,
                    options.mode().name().toLowerCase(Locale.ROOT),
                    options.describeSource(),
                    options.variants() == null
                            ? "every variant (" + identity.wanted().size() + ")"
                            : "variants " + String.join(", ", options.variants()),
                    options.rate() > 0 ? ", at most " + (long) options.rate() + " events/s" : "");
        }
        if (options.fromFile() != null) {
            KeyFile file = new KeyFile(options.fromFile(), checkpoint == null ? 0 : checkpoint.lines());
            keyFile = file;
            stats.fraction(file::fraction);
        } else {
            List<Checkpoint.Shard> shards = checkpoint != null
                            && checkpoint.shards() != null
                            && !checkpoint.shards().isEmpty()
                    ? checkpoint.shards()
                    : discoverShards();
            ShardState[] states = shards.stream().map(ShardState::new).toArray(ShardState[]::new);
            shardStates = states;
            stats.fraction(() -> BucketShards.fraction(options.prefix(), states));
        }
        long started = System.nanoTime();
        Progress progress = new Progress(stats, options.progress(), out);
        MetricsServer metrics = options.metricsPort() > 0 ? MetricsServer.start(options.metricsPort(), stats) : null;
        ScheduledExecutorService saver =
                Executors.newSingleThreadScheduledExecutor(BucketShards.daemon("rerender-checkpoint"));
        if (!options.dryRun()) {
            long every = options.checkpointEvery().toMillis();
            saver.scheduleWithFixedDelay(
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
        progress.start();
        try {
            if (keyFile != null) {
                keyFile.read(fileThreads(), this::halted, this::handleLine, this::fail);
            } else {
                bucket.listAll(
                        shardStates,
                        options.parallelism(),
                        options.idFrom() == IdFrom.METADATA,
                        shard -> object -> {
                            handle(
                                    object.key(),
                                    object.etag(),
                                    object.size(),
                                    object.lastModified(),
                                    object.userMetadata());
                            shard.after = object.key();
                        },
                        this::fail,
                        "rerender-list");
            }
        } finally {
            saver.shutdown(); // lets a save in progress finish: interrupting its flush would fail the run
            saver.awaitTermination(60, TimeUnit.SECONDS);
            progress.stop();
            if (metrics != null) {
                metrics.close();
            }
        }
        if (failure != null) {
            throw failure;
        }
        boolean completed = !stopping;
        if (!options.dryRun()) {
            saveCheckpoint(completed);
        }
        out.print(Report.of(stats, options, (System.nanoTime() - started) / 1e9, completed));
        return completed ? Outcome.COMPLETED : Outcome.STOPPED;
    }

    /** Key ranges fitted to the bucket's keys, for a re-render or a prune ({@link BucketShards#discover}). */
    List<Checkpoint.Shard> discoverShards() throws Exception {
        return bucket.discover(options.shards(), options.parallelism());
    }

    /**
     * Threads for a key file: {@code --mode all} does no I/O per line, only encoding and sending, so more threads than
     * cores only contend for the producer; {@code --mode missing} waits on a manifest read per line, so it uses every
     * thread it is given.
     */
    private int fileThreads() {
        return options.mode() == Mode.ALL && !options.dryRun()
                ? Math.max(
                        1, Math.min(options.parallelism(), Runtime.getRuntime().availableProcessors()))
                : Math.max(1, options.parallelism());
    }

    /** A key file's line: {@code key} or {@code imageId,key}; blank lines and lines starting with {@code #} are skipped. */
    private void handleLine(String line) throws InterruptedException {
        if (line.isEmpty() || line.startsWith("#")) {
            return;
        }
        int comma = line.indexOf(',');
        String imageId = comma < 0 ? null : line.substring(0, comma).strip();
        String key = comma < 0 ? line : line.substring(comma + 1).strip();
        if (imageId == null) {
            imageId = Keys.imageIdOf(key);
        }
        stats.increment(Count.LISTED);
        consider(imageId, key, null, null);
    }

    // ---- one original

    private void handle(String key, String etag, long size, Instant lastModified, Map<String, String> metadata)
            throws InterruptedException {
        stats.increment(Count.LISTED);
        stats.add(Count.BYTES_LISTED, size);
        if (key.endsWith("/")) {
            problem(key, "is a folder marker, not an original");
            return;
        }
        String imageId;
        if (options.idFrom() == IdFrom.KEY) {
            imageId = Keys.imageIdOf(key);
        } else {
            Map<String, String> meta = metadata;
            if (meta == null) {
                Optional<Map<String, String>> head = retry.call(() -> store.metadata(options.bucket(), key));
                if (head.isEmpty()) {
                    stats.increment(Count.VANISHED); // deleted since it was listed
                    return;
                }
                meta = head.get();
            }
            String fromMeta = meta.get("image-id");
            imageId = fromMeta != null && !fromMeta.isBlank() ? fromMeta.strip() : Keys.imageIdOf(key);
        }
        consider(imageId, key, etag, lastModified);
    }

    private void consider(String imageId, String key, String etag, Instant lastModified) throws InterruptedException {
        String idProblem = EventValidator.imageIdProblem(imageId);
        if (idProblem != null) {
            problem(key, "its imageId \"" + imageId + "\" " + idProblem);
            return;
        }
        String keyProblem = EventValidator.keyProblem(key);
        if (keyProblem != null) {
            problem(key, "its key " + keyProblem);
            return;
        }
        List<String> variants = options.variants();
        int toRender = identity.wanted().size();
        boolean classify = options.mode() == Mode.MISSING || (options.dryRun() && stats.takeSample());
        if (classify) {
            Freshness.Result result = classifier.classify(imageId, key, etag, lastModified);
            if (result == null) {
                return;
            }
            stats.judged(result);
            if (result.verdict() == Verdict.VARIANTS_STALE) {
                variants = result.variants(); // exactly the stale ones
            }
            toRender = result.variants().size();
            if (options.mode() == Mode.MISSING && !result.verdict().publish) {
                return;
            }
        }
        stats.add(Count.VARIANTS, toRender);
        if (options.dryRun()) {
            stats.increment(Count.PUBLISHED); // would be
            return;
        }
        publisher.publish(imageId, key, etag, lastModified, variants);
        stats.increment(Count.PUBLISHED);
    }

    private void problem(String key, String what) {
        stats.increment(Count.UNUSABLE);
        if (problemsNamed.incrementAndGet() <= NAMED_PROBLEMS) {
            out.println("rerender: skipped " + key + ": " + what);
        }
    }

    /**
     * The image's manifest as stored, if any: the one place rerender and {@code --prune} read manifests from. Storage
     * outages are retried.
     */
    Optional<byte[]> manifestObject(String imageId) {
        return classifier.manifestObject(imageId);
    }

    /** Where this run's checkpoint ({@link Checkpoint#key}) is kept: the one place rerender and {@code --prune} take it from. */
    ManifestStore checkpoints() {
        return manifests;
    }

    /** The retry policy of this run's storage calls, ending when the run is halted. */
    Retry retry() {
        return retry;
    }

    // ---- checkpoint

    /**
     * Takes the positions, waits for Kafka to acknowledge everything sent before, and only then saves them: a
     * saved position never runs ahead of what was published.
     */
    void saveCheckpoint(boolean completed) {
        synchronized (saving) {
            List<Checkpoint.Shard> shards =
                    Arrays.stream(shardStates).map(ShardState::snapshot).toList();
            long lines = keyFile == null ? 0 : keyFile.linesDone();
            Map<String, Long> snapshot = stats.snapshot();
            try {
                publisher.acknowledged();
            } catch (IllegalStateException e) {
                fail(publisher.failure());
                throw e;
            }
            Instant now = clock.instant();
            retry.call(() -> {
                new Checkpoint(
                                identity.run(),
                                identity.fingerprint(),
                                startedAt,
                                now,
                                completed ? now : null,
                                shards,
                                lines,
                                snapshot)
                        .save(checkpoints());
                return null;
            });
        }
    }

    private void fail(Exception e) {
        if (failure == null) {
            failure = e;
        }
        stopping = true;
    }

    boolean halted() {
        if (publisher.failure() != null) {
            fail(publisher.failure());
        }
        return stopping || Thread.currentThread().isInterrupted();
    }
}
