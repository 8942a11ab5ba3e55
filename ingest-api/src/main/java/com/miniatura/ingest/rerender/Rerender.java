package com.miniatura.ingest.rerender;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.event.EventCodec;
import com.miniatura.common.event.EventValidator;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.ingest.rerender.RerenderOptions.IdFrom;
import com.miniatura.ingest.rerender.RerenderOptions.Mode;
import com.miniatura.common.storage.Freshness;
import com.miniatura.common.storage.Freshness.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a re-render event to the bulk topic for every original of a bucket listing or a key file that needs
 * one ({@link Mode}), resumably (see {@link Checkpoint}), at a bounded rate, reporting progress as it goes.
 *
 * <p>A bucket listing is split into key ranges listed side by side; each range is handled in key order, so its
 * position is one key. A key file is read in batches handled side by side; its position is the number of lines
 * of which every batch is done. Memory stays bounded either way: at most {@code parallelism} batches or ranges
 * are in hand, and the Kafka producer's buffer is bounded (a send blocks when it is full).
 *
 * <p>Each event is an {@code image.uploaded} for the original, with {@code ce_source /miniatura/rerender}, a
 * {@code ce_id} made of the run's name and the imageId (a re-published event is the same event), and as
 * {@code ce_time} the original's last-modified time when listed, so that the worker ignores it for an image
 * deleted since.
 *
 * <p>With {@code --prune} it publishes nothing and runs a {@link Prune} instead, which reads manifests and keeps its
 * checkpoint where this class says ({@link #manifestObject}, {@link #checkpoints}).
 */
final class Rerender {
    private static final Logger log = LoggerFactory.getLogger(Rerender.class);
    static final String SOURCE = "/miniatura/rerender";
    /** Lines of a key file per batch. */
    private static final int BATCH = 500;
    /** Manifests a dry run of {@code --mode all} reads to estimate what is stale. */
    static final int SAMPLE = 2000;
    /** Unusable keys named in the log before the rest are only counted. */
    private static final int NAMED_PROBLEMS = 20;
    private static final int STORAGE_ATTEMPTS = 6;

    /** Where events go: the Kafka producer, or a test's collector. */
    interface EventSink extends AutoCloseable {
        /** Queues an event; may block while the buffer is full. */
        void send(String topic, String key, Map<String, byte[]> headers, byte[] value);

        /** Waits until every event sent before the call is acknowledged. */
        void flush();

        /** The first send that failed, or {@code null}. */
        Exception failure();

        @Override
        void close();
    }

    /** The counters of a run, by their names in the checkpoint, the report and the metrics. */
    enum Count {
        LISTED("listed"), BYTES_LISTED("bytes-listed"), PUBLISHED("published"), VARIANTS("variants"),
        UNUSABLE("unusable"), VANISHED("vanished"), MANIFESTS_READ("manifests-read");

        final String key;

        Count(String key) {
            this.key = key;
        }
    }

    private final ObjectStore store;
    private final EventSink sink;
    private final String topic;
    private final ManifestStore manifests;
    private final VariantCatalog catalog;
    private final List<VariantSpec> wanted;
    private final RerenderOptions options;
    private final PrintStream out;
    private final Clock clock;
    private final String run;
    private final String fingerprint;

    private final Map<Count, LongAdder> counts = new EnumMap<>(Count.class);
    private final Map<Verdict, LongAdder> verdicts = new EnumMap<>(Verdict.class);
    private final Map<String, LongAdder> staleByVariant = new ConcurrentHashMap<>();
    /** Per variant name: [count, bytes, pixels] of the rendered variants in the manifests read. */
    private final Map<String, long[]> seenVariants = new ConcurrentHashMap<>();
    private final AtomicInteger problemsNamed = new AtomicInteger();
    private final AtomicLong sampled = new AtomicLong();
    private final RateLimiter rate;
    private volatile boolean stopping;
    private volatile Exception failure;

    // position
    private volatile ShardState[] shardStates = new ShardState[0];
    private final AtomicLong linesDone = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private long fileSize;
    private Instant startedAt;
    private final Object saving = new Object();

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

    /** What a run ended with. */
    enum Outcome { COMPLETED, ALREADY_COMPLETED, STOPPED }

    Rerender(ObjectStore store, EventSink sink, String topic, ManifestStore manifests, VariantCatalog catalog,
            RerenderOptions options, PrintStream out, Clock clock) {
        this.store = store;
        this.sink = sink;
        this.topic = topic;
        this.manifests = manifests;
        this.catalog = catalog;
        this.options = options;
        this.out = out;
        this.clock = clock;
        List<String> unknown = options.variants() == null ? List.of()
                : options.variants().stream().filter(name -> catalog.variants().stream().noneMatch(v -> v.name().equals(name))).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--variants: " + String.join(", ", unknown) + " not in the catalog (it has "
                    + String.join(", ", catalog.variants().stream().map(VariantSpec::name).toList()) + ")");
        }
        this.wanted = options.variants() == null ? catalog.variants()
                : catalog.variants().stream().filter(v -> options.variants().contains(v.name())).toList();
        this.fingerprint = fingerprint(options, wanted);
        this.run = options.run() != null ? options.run()
                : (options.prune() != null ? "prune" : options.mode().name().toLowerCase(java.util.Locale.ROOT)) + "-"
                        + fingerprint.substring(0, 12);
        this.rate = options.rate() > 0 ? new RateLimiter(options.rate()) : null;
        for (Count c : Count.values()) {
            counts.put(c, new LongAdder());
        }
        for (Verdict v : Verdict.values()) {
            verdicts.put(v, new LongAdder());
        }
    }

    String run() {
        return run;
    }

    /** What the run does ({@link #fingerprint(RerenderOptions, List)}): a checkpoint is resumed only by the same. */
    String fingerprint() {
        return fingerprint;
    }

    /**
     * The run's identity: its source, mode and variants with their spec hashes. A catalog change makes a new run
     * (the old one's checkpoint says nothing about the new variants); the rate, parallelism and such do not.
     */
    private static String fingerprint(RerenderOptions options, List<VariantSpec> wanted) {
        StringBuilder b = new StringBuilder(options.describeSource()).append('|').append(options.mode()).append('|')
                .append(options.idFrom());
        if (options.prune() != null) {
            b.append("|prune");
        }
        wanted.forEach(v -> b.append('|').append(v.name()).append('@').append(v.specHash()));
        if (options.fromFile() != null) {
            try {
                b.append('|').append(Files.size(options.fromFile()));
            } catch (IOException e) {
                // the run fails on reading it; the fingerprint does not matter then
            }
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops a run in progress: it saves its position and returns {@link Outcome#STOPPED}. */
    void stop() {
        stopping = true;
    }

    Outcome execute() throws Exception {
        if (options.prune() != null) {
            return new Prune(this, store, catalog, options, out, clock).execute();
        }
        Checkpoint checkpoint = null;
        if (!options.dryRun()) {
            checkpoint = Checkpoint.load(checkpoints(), run).orElse(null);
            if (checkpoint != null && !options.restart()) {
                if (!checkpoint.fingerprint().equals(fingerprint)) {
                    throw new IllegalArgumentException("run " + run + " has a checkpoint (" + checkpoints().bucket() + "/"
                            + Checkpoint.key(run) + ") made for other options or another catalog: pass --restart to start it"
                            + " over, or another --run name");
                }
                if (checkpoint.completedAt() != null) {
                    out.printf("rerender: run %s already completed at %s (%,d published); --restart runs it again%n", run,
                            checkpoint.completedAt(), checkpoint.counts().getOrDefault(Count.PUBLISHED.key, 0L));
                    return Outcome.ALREADY_COMPLETED;
                }
            } else if (checkpoint != null) {
                checkpoint = null; // --restart
            }
        }
        startedAt = checkpoint != null ? checkpoint.startedAt() : clock.instant();
        if (checkpoint != null) {
            restoreCounts(checkpoint);
            out.printf("rerender: resuming run %s from its checkpoint of %s (%,d published so far)%n", run,
                    checkpoint.updatedAt(), counts.get(Count.PUBLISHED).sum());
        } else {
            out.printf("rerender: %srun %s: mode %s, %s, %s%s%n", options.dryRun() ? "dry " : "", run,
                    options.mode().name().toLowerCase(java.util.Locale.ROOT), options.describeSource(),
                    options.variants() == null ? "every variant (" + wanted.size() + ")" : "variants " + String.join(", ", options.variants()),
                    options.rate() > 0 ? ", at most " + (long) options.rate() + " events/s" : "");
        }
        if (options.fromFile() != null) {
            fileSize = Files.size(options.fromFile());
            linesDone.set(checkpoint == null ? 0 : checkpoint.lines());
        } else {
            List<Checkpoint.Shard> shards = checkpoint != null && checkpoint.shards() != null && !checkpoint.shards().isEmpty()
                    ? checkpoint.shards()
                    : discoverShards();
            shardStates = shards.stream().map(ShardState::new).toArray(ShardState[]::new);
        }
        long started = System.nanoTime();
        Progress progress = new Progress(this, options.progress(), out);
        MetricsServer metrics = options.metricsPort() > 0 ? MetricsServer.start(options.metricsPort(), this) : null;
        java.util.concurrent.ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(daemon("rerender-checkpoint"));
        if (!options.dryRun()) {
            long every = options.checkpointEvery().toMillis();
            saver.scheduleWithFixedDelay(() -> {
                try {
                    saveCheckpoint(false);
                } catch (Exception e) {
                    fail(e);
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
        progress.start();
        try {
            if (options.fromFile() != null) {
                readFile();
            } else {
                listBucket();
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
        out.print(Report.of(this, (System.nanoTime() - started) / 1e9, completed));
        return completed ? Outcome.COMPLETED : Outcome.STOPPED;
    }

    // ---- bucket listing

    /** Key ranges fitted to the bucket's keys ({@link Keys#discover}), probing with one-key listings. */
    List<Checkpoint.Shard> discoverShards() throws Exception {
        long started = System.nanoTime();
        java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(16, options.parallelism())), daemon("rerender-probe"));
        try {
            List<String[]> ranges = Keys.discover(after -> {
                probes.incrementAndGet();
                return withRetry(() -> store.firstKey(options.bucket(), options.prefix(), after));
            }, options.prefix(), options.shards(), pool);
            log.info("Listing {} in {} key ranges, found with {} one-key listings in {} ms", options.bucket(), ranges.size(),
                    probes.get(), (System.nanoTime() - started) / 1_000_000);
            return ranges.stream().map(r -> new Checkpoint.Shard(r[0], r[1], null, false)).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    private void listBucket() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.parallelism()), daemon("rerender-list"));
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (ShardState shard : shardStates) {
                if (!shard.done) {
                    tasks.add(pool.submit(() -> {
                        listShard(shard);
                        return null;
                    }));
                }
            }
            awaitAll(tasks);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits for every task; the first that failed stops the run with its cause. */
    private void awaitAll(List<Future<?>> tasks) throws InterruptedException {
        for (Future<?> task : tasks) {
            try {
                task.get();
            } catch (java.util.concurrent.ExecutionException e) {
                fail(e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause()));
            }
        }
    }

    private void listShard(ShardState shard) throws Exception {
        int attempt = 0;
        while (!shard.done && !halted()) {
            String startAfter = shard.after != null ? shard.after : below(shard.from);
            try {
                Iterator<ObjectStore.Listed> listing = store.list(options.bucket(), options.prefix(), startAfter,
                        options.idFrom() == IdFrom.METADATA);
                while (!halted() && listing.hasNext()) {
                    ObjectStore.Listed object = listing.next();
                    if (shard.after == null && Keys.compare(object.key(), shard.from) < 0) {
                        continue; // listed from just below the range (S3 starts after a key, not at one)
                    }
                    if (shard.to != null && Keys.compare(object.key(), shard.to) >= 0) {
                        break;
                    }
                    handle(object.key(), object.etag(), object.size(), object.lastModified(), object.userMetadata());
                    shard.after = object.key();
                    attempt = 0;
                }
                if (!halted()) {
                    shard.done = true;
                }
            } catch (StorageUnavailableException e) {
                attempt++;
                if (attempt >= STORAGE_ATTEMPTS) {
                    throw e;
                }
                long backoff = Math.min(30_000, 500L << attempt);
                log.warn("Listing {} after {} failed ({}); retrying in {} ms", options.bucket(), shard.after, e.getMessage(), backoff);
                Thread.sleep(backoff);
            }
        }
    }

    /** A key just below {@code from}, to start a listing after (S3 has no "start at"): keys below are skipped. */
    static String below(String from) {
        if (from.isEmpty()) {
            return null;
        }
        char last = from.charAt(from.length() - 1);
        return from.substring(0, from.length() - 1) + (char) (last - 1) + "~~~~~~~~";
    }

    // ---- key file

    /**
     * Lines {@code key} or {@code imageId,key}; blank lines and lines starting with {@code #} are skipped. Batches
     * are handled side by side; {@link #linesDone} only moves past a batch once every earlier one is done.
     */
    private void readFile() throws Exception {
        long skip = linesDone.get();
        // --mode all does no I/O per line, only encoding and sending: more threads than cores only contend for the
        // producer; --mode missing waits on a manifest read per line, so it uses every thread it is given
        int threads = options.mode() == Mode.ALL && !options.dryRun()
                ? Math.max(1, Math.min(options.parallelism(), Runtime.getRuntime().availableProcessors()))
                : Math.max(1, options.parallelism());
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemon("rerender-batch"));
        Semaphore inHand = new Semaphore(threads * 2);
        TreeMap<Long, Long> finished = new TreeMap<>(); // batch start line → its end line, done but not yet contiguous
        List<Future<?>> pending = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(options.fromFile());
             BufferedReader reader = new BufferedReader(new InputStreamReader(new Counting(raw, bytesRead), StandardCharsets.UTF_8), 1 << 16)) {
            long lineNo = 0;
            List<String> batch = new ArrayList<>(BATCH);
            long batchStart = 0;
            for (String line; !halted() && (line = reader.readLine()) != null; ) {
                lineNo++;
                if (lineNo <= skip) {
                    continue;
                }
                if (batch.isEmpty()) {
                    batchStart = lineNo - 1;
                }
                batch.add(line);
                if (batch.size() == BATCH) {
                    submit(pool, inHand, finished, pending, batch, batchStart, lineNo);
                    batch = new ArrayList<>(BATCH);
                }
            }
            if (!batch.isEmpty() && !halted()) {
                submit(pool, inHand, finished, pending, batch, batchStart, lineNo);
            }
            awaitAll(pending);
        } finally {
            pool.shutdownNow();
        }
    }

    private void submit(ExecutorService pool, Semaphore inHand, TreeMap<Long, Long> finished, List<Future<?>> pending,
            List<String> lines, long from, long to) throws InterruptedException {
        inHand.acquire();
        pending.removeIf(Future::isDone);
        pending.add(pool.submit(() -> {
            try {
                for (String line : lines) {
                    if (halted()) {
                        return null;
                    }
                    handleLine(line.strip());
                }
                synchronized (finished) {
                    finished.put(from, to);
                    // contiguous from the start: advance the position over every finished batch that follows it
                    while (!finished.isEmpty() && finished.firstKey() == linesDone.get()) {
                        linesDone.set(finished.pollFirstEntry().getValue());
                    }
                }
                return null;
            } finally {
                inHand.release();
            }
        }));
    }

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
        counts.get(Count.LISTED).increment();
        consider(imageId, key, null, null);
    }

    // ---- one original

    private void handle(String key, String etag, long size, Instant lastModified, Map<String, String> metadata)
            throws InterruptedException {
        counts.get(Count.LISTED).increment();
        counts.get(Count.BYTES_LISTED).add(size);
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
                Optional<Map<String, String>> head = withRetry(() -> store.metadata(options.bucket(), key));
                if (head.isEmpty()) {
                    counts.get(Count.VANISHED).increment(); // deleted since it was listed
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
        int toRender = wanted.size();
        boolean classify = options.mode() == Mode.MISSING || (options.dryRun() && sampled.incrementAndGet() <= SAMPLE);
        if (classify) {
            Freshness.Result result = classify(imageId, key, etag, lastModified);
            if (result == null) {
                return;
            }
            verdicts.get(result.verdict()).increment();
            if (result.verdict() == Verdict.VARIANTS_STALE) {
                result.variants().forEach(v -> staleByVariant.computeIfAbsent(v, n -> new LongAdder()).increment());
                variants = result.variants(); // exactly the stale ones
            }
            toRender = result.variants().size();
            if (options.mode() == Mode.MISSING && !result.verdict().publish) {
                return;
            }
        }
        counts.get(Count.VARIANTS).add(toRender);
        if (options.dryRun()) {
            counts.get(Count.PUBLISHED).increment(); // would be
            return;
        }
        if (rate != null) {
            rate.acquire();
        }
        ImageUploaded data = new ImageUploaded(imageId, null, options.bucket(), key, etag, null, null, variants);
        ImageEvent event = new ImageEvent("rerender/" + run + "/" + imageId, SOURCE, lastModified, data);
        sink.send(topic, imageId, EventCodec.headers(event), EventCodec.payload(data));
        counts.get(Count.PUBLISHED).increment();
    }

    /** The image's verdict; {@code null} when the original vanished meanwhile. */
    private Freshness.Result classify(String imageId, String key, String etag, Instant lastModified) {
        counts.get(Count.MANIFESTS_READ).increment();
        Optional<byte[]> object = manifestObject(imageId);
        Manifest manifest = null;
        if (object.isPresent()) {
            try {
                manifest = ManifestCodec.read(object.get());
            } catch (RuntimeException e) {
                return new Freshness.Result(Verdict.UNREADABLE_MANIFEST, catalog.variants().stream().map(VariantSpec::name).toList());
            }
            for (Manifest.Variant v : manifest.variants()) {
                long[] seen = seenVariants.computeIfAbsent(v.name(), n -> new long[3]);
                synchronized (seen) {
                    seen[0]++;
                    seen[1] += v.bytes();
                    seen[2] += (long) v.width() * v.height();
                }
            }
        }
        Freshness.Result result = Freshness.of(manifest, options.bucket(), key, etag, lastModified, catalog.variants(),
                wanted, clock.instant());
        if (result.verdict() == Verdict.UP_TO_DATE && etag == null) {
            // a key file gives no ETag: ask storage whether the original is still the one rendered
            Optional<String> now = withRetry(() -> store.etag(options.bucket(), key));
            if (now.isEmpty()) {
                counts.get(Count.VANISHED).increment();
                return null;
            }
            if (!now.get().equals(manifest.source().etag())) {
                return new Freshness.Result(Verdict.ORIGINAL_CHANGED, catalog.variants().stream().map(VariantSpec::name).toList());
            }
        }
        return result;
    }

    private void problem(String key, String what) {
        counts.get(Count.UNUSABLE).increment();
        if (problemsNamed.incrementAndGet() <= NAMED_PROBLEMS) {
            out.println("rerender: skipped " + key + ": " + what);
        }
    }

    /**
     * The image's manifest as stored, if any: the one place rerender and {@code --prune} read manifests from. Storage
     * outages are retried.
     */
    Optional<byte[]> manifestObject(String imageId) {
        return withRetry(() -> manifests.manifest(imageId));
    }

    /** Where this run's checkpoint ({@link Checkpoint#key}) is kept: the one place rerender and {@code --prune} take it from. */
    ManifestStore checkpoints() {
        return manifests;
    }

    <T> T withRetry(java.util.function.Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (StorageUnavailableException e) {
                if (attempt >= STORAGE_ATTEMPTS || halted()) {
                    throw e;
                }
                try {
                    Thread.sleep(Math.min(30_000, 500L << attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    // ---- checkpoint

    /**
     * Takes the positions, waits for Kafka to acknowledge everything sent before, and only then saves them: a
     * saved position never runs ahead of what was published.
     */
    void saveCheckpoint(boolean completed) {
        synchronized (saving) {
            List<Checkpoint.Shard> shards = java.util.Arrays.stream(shardStates).map(ShardState::snapshot).toList();
            long lines = linesDone.get();
            Map<String, Long> snapshot = countsSnapshot();
            sink.flush();
            if (sink.failure() != null) {
                fail(sink.failure());
                throw new IllegalStateException("publishing failed: " + sink.failure().getMessage(), sink.failure());
            }
            Instant now = clock.instant();
            withRetry(() -> {
                new Checkpoint(run, fingerprint, startedAt, now, completed ? now : null, shards, lines, snapshot).save(checkpoints());
                return null;
            });
        }
    }

    private void restoreCounts(Checkpoint checkpoint) {
        for (Count c : Count.values()) {
            counts.get(c).add(checkpoint.counts().getOrDefault(c.key, 0L));
        }
        for (Verdict v : Verdict.values()) {
            verdicts.get(v).add(checkpoint.counts().getOrDefault(verdictKey(v), 0L));
        }
        checkpoint.counts().forEach((name, value) -> {
            if (name.startsWith("stale:")) {
                staleByVariant.computeIfAbsent(name.substring(6), n -> new LongAdder()).add(value);
            }
        });
    }

    static String verdictKey(Verdict v) {
        return "verdict:" + v.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    Map<String, Long> countsSnapshot() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        counts.forEach((c, adder) -> snapshot.put(c.key, adder.sum()));
        verdicts.forEach((v, adder) -> {
            if (adder.sum() > 0) {
                snapshot.put(verdictKey(v), adder.sum());
            }
        });
        new TreeMap<>(staleByVariant).forEach((name, adder) -> snapshot.put("stale:" + name, adder.sum()));
        return snapshot;
    }

    private void fail(Exception e) {
        if (failure == null) {
            failure = e;
        }
        stopping = true;
    }

    boolean halted() {
        if (sink.failure() != null) {
            fail(sink.failure());
        }
        return stopping || Thread.currentThread().isInterrupted();
    }

    // ---- what the progress display, metrics and report read

    long count(Count c) {
        return counts.get(c).sum();
    }

    long verdict(Verdict v) {
        return verdicts.get(v).sum();
    }

    Map<String, Long> staleByVariant() {
        Map<String, Long> result = new TreeMap<>();
        staleByVariant.forEach((name, adder) -> result.put(name, adder.sum()));
        return result;
    }

    Map<String, long[]> seenVariants() {
        return seenVariants;
    }

    RerenderOptions options() {
        return options;
    }

    List<VariantSpec> wanted() {
        return wanted;
    }

    VariantCatalog catalog() {
        return catalog;
    }

    long sampled() {
        return Math.min(sampled.get(), SAMPLE);
    }

    /** How far the run is, 0..1: bytes of the key file read, or the key ranges' positions. */
    double fraction() {
        if (options.fromFile() != null) {
            return fileSize == 0 ? 1 : Math.min(1, (double) bytesRead.get() / fileSize);
        }
        ShardState[] shards = shardStates;
        if (shards.length == 0) {
            return 0;
        }
        double sum = 0;
        for (ShardState s : shards) {
            sum += s.done ? 1 : s.after == null ? 0 : Keys.fraction(options.prefix(), s.from, s.to, s.after);
        }
        return sum / shards.length;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Counts the bytes read through it, for the progress of a key file. */
    private static final class Counting extends java.io.FilterInputStream {
        private final AtomicLong count;

        Counting(InputStream in, AtomicLong count) {
            super(in);
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }
    }

    /** Paces events to at most {@code perSecond}, evenly, shared by every thread; no bursts after a pause. */
    static final class RateLimiter {
        private final long interval;
        private long next = System.nanoTime();

        RateLimiter(double perSecond) {
            this.interval = Math.max(1, (long) (1e9 / perSecond));
        }

        void acquire() throws InterruptedException {
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                if (next < now) {
                    next = now;
                }
                wait = next - now;
                next += interval;
            }
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }
}
