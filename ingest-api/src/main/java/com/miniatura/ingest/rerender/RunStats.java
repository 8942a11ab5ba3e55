package com.miniatura.ingest.rerender;

import com.miniatura.common.storage.Freshness;
import com.miniatura.common.storage.Freshness.Verdict;
import com.miniatura.common.storage.Manifest;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * What a re-render has done so far: its counters, verdicts and how far it is. The progress display, the metrics and
 * the report read this, and the checkpoint saves and restores it.
 */
final class RunStats {
    /** Manifests a dry run of {@code --mode all} reads to estimate what is stale. */
    static final int SAMPLE = 2000;

    /** The counters of a run, by their names in the checkpoint, the report and the metrics. */
    enum Count {
        LISTED("listed"),
        BYTES_LISTED("bytes-listed"),
        PUBLISHED("published"),
        VARIANTS("variants"),
        UNUSABLE("unusable"),
        VANISHED("vanished"),
        MANIFESTS_READ("manifests-read");

        final String key;

        Count(String key) {
            this.key = key;
        }
    }

    private final String run;
    private final Map<Count, LongAdder> counts = new EnumMap<>(Count.class);
    private final Map<Verdict, LongAdder> verdicts = new EnumMap<>(Verdict.class);
    private final Map<String, LongAdder> staleByVariant = new ConcurrentHashMap<>();
    /** Per variant name: [count, bytes, pixels] of the rendered variants in the manifests read. */
    private final Map<String, long[]> seenVariants = new ConcurrentHashMap<>();

    private final AtomicLong sampled = new AtomicLong();
    private volatile DoubleSupplier fraction = () -> 0;

    RunStats(String run) {
        this.run = run;
        for (Count c : Count.values()) {
            counts.put(c, new LongAdder());
        }
        for (Verdict v : Verdict.values()) {
            verdicts.put(v, new LongAdder());
        }
    }

    /** The run's name. */
    String run() {
        return run;
    }

    long count(Count c) {
        return counts.get(c).sum();
    }

    void add(Count c, long n) {
        counts.get(c).add(n);
    }

    void increment(Count c) {
        counts.get(c).increment();
    }

    long verdict(Verdict v) {
        return verdicts.get(v).sum();
    }

    /** Counts an image's verdict, and for stale variants each of them. */
    void judged(Freshness.Result result) {
        verdicts.get(result.verdict()).increment();
        if (result.verdict() == Verdict.VARIANTS_STALE) {
            result.variants()
                    .forEach(v -> staleByVariant
                            .computeIfAbsent(v, n -> new LongAdder())
                            .increment());
        }
    }

    Map<String, Long> staleByVariant() {
        Map<String, Long> result = new TreeMap<>();
        staleByVariant.forEach((name, adder) -> result.put(name, adder.sum()));
        return result;
    }

    /** Notes a rendered variant of a manifest read, for the estimate of the bytes a run writes. */
    void seen(Manifest.Variant v) {
        long[] seen = seenVariants.computeIfAbsent(v.name(), n -> new long[3]);
        synchronized (seen) {
            seen[0]++;
            seen[1] += v.bytes();
            seen[2] += (long) v.width() * v.height();
        }
    }

    /** Per variant name: [count, bytes, pixels], each array read under its own lock. */
    Map<String, long[]> seenVariants() {
        return seenVariants;
    }

    /** Whether one more image is in the sample a dry run classifies. */
    boolean takeSample() {
        return sampled.incrementAndGet() <= SAMPLE;
    }

    long sampled() {
        return Math.min(sampled.get(), SAMPLE);
    }

    /** How far the run is, 0..1, as its key source tells. */
    double fraction() {
        return fraction.getAsDouble();
    }

    void fraction(DoubleSupplier fraction) {
        this.fraction = fraction;
    }

    static String verdictKey(Verdict v) {
        return "verdict:" + v.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The counters as a checkpoint saves them. */
    Map<String, Long> snapshot() {
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

    /** Adds the counters a checkpoint saved. */
    void restore(Map<String, Long> saved) {
        for (Count c : Count.values()) {
            counts.get(c).add(saved.getOrDefault(c.key, 0L));
        }
        for (Verdict v : Verdict.values()) {
            verdicts.get(v).add(saved.getOrDefault(verdictKey(v), 0L));
        }
        saved.forEach((name, value) -> {
            if (name.startsWith("stale:")) {
                staleByVariant
                        .computeIfAbsent(name.substring(6), n -> new LongAdder())
                        .add(value);
            }
        });
    }
}
