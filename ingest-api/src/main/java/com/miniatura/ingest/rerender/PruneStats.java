package com.miniatura.ingest.rerender;

import com.miniatura.common.storage.ObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link Prune} has found and done: its counters, the orphans per variant file and the first orphans and
 * refusals by name. The progress line and the report read this, and the checkpoint saves and restores it.
 */
final class PruneStats {
    /** Orphan keys named in the report. */
    static final int SHOWN = 20;
    /** Distinct variant files ({@code s150.jpg}) counted one by one; any more are counted together. */
    private static final int MAX_FILES = 1000;

    private static final String OTHER_FILES = "(other names)";

    /** The counters of a prune, by their names in the checkpoint. */
    enum Count {
        LISTED("listed"),
        BYTES_LISTED("bytes-listed"),
        IMAGES("images"),
        MANIFESTS_READ("manifests-read"),
        ORPHANS("orphans"),
        ORPHAN_BYTES("orphan-bytes"),
        DELETED("deleted"),
        REFUSED("refused"),
        KEPT_LISTED("kept-listed"),
        KEPT_CATALOG("kept-catalog"),
        KEPT_YOUNG("kept-young"),
        KEPT_IN_FLIGHT("kept-in-flight"),
        KEPT_FAILED("kept-failed"),
        KEPT_UNREADABLE("kept-unreadable"),
        KEPT_NO_MANIFEST("kept-no-manifest"),
        KEPT_NO_MANIFEST_BYTES("kept-no-manifest-bytes"),
        NOT_VARIANTS("not-variants");

        final String key;

        Count(String key) {
            this.key = key;
        }
    }

    private final Map<Count, LongAdder> counts = new EnumMap<>(Count.class);
    /** Per variant file name ({@code s150.jpg}): [orphans, their bytes]. */
    private final Map<String, long[]> orphansByFile = new ConcurrentHashMap<>();

    private final List<String> shown = new ArrayList<>();
    private final List<String> refusals = new ArrayList<>();

    PruneStats() {
        for (Count c : Count.values()) {
            counts.put(c, new LongAdder());
        }
    }

    long count(Count c) {
        return counts.get(c).sum();
    }

    /** Adds a batch's counts. */
    void add(Map<Count, Long> tally) {
        tally.forEach((c, n) -> counts.get(c).add(n));
    }

    /** Counts an orphan, deleted or not. */
    synchronized void orphan(ObjectStore.Listed orphan, boolean deleted) {
        counts.get(Count.ORPHANS).increment();
        counts.get(Count.ORPHAN_BYTES).add(orphan.size());
        String file = OrphanJudge.fileOf(orphan.key());
        long[] tally = orphansByFile.size() < MAX_FILES || orphansByFile.containsKey(file)
                ? orphansByFile.computeIfAbsent(file, f -> new long[2])
                : orphansByFile.computeIfAbsent(OTHER_FILES, f -> new long[2]);
        tally[0]++;
        tally[1] += orphan.size();
        if (shown.size() < SHOWN) {
            shown.add(orphan.key());
        }
        if (deleted) {
            counts.get(Count.DELETED).increment();
        }
    }

    /** Counts the deletions storage refused, naming the first ones: key → why. */
    synchronized void refused(Map<String, String> refused) {
        counts.get(Count.REFUSED).add(refused.size());
        refused.forEach((key, why) -> {
            if (refusals.size() < SHOWN) {
                refusals.add(key + ": " + why);
            }
        });
    }

    /** The counters as a checkpoint saves them. */
    synchronized Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        counts.forEach((c, adder) -> snapshot.put(c.key, adder.sum()));
        orphansByFile.forEach((file, tally) -> {
            snapshot.put("orphans:" + file, tally[0]);
            snapshot.put("orphan-bytes:" + file, tally[1]);
        });
        return snapshot;
    }

    /** Adds the counters a checkpoint saved. */
    synchronized void restore(Map<String, Long> saved) {
        for (Count c : Count.values()) {
            counts.get(c).add(saved.getOrDefault(c.key, 0L));
        }
        saved.forEach((name, value) -> {
            if (name.startsWith("orphans:")) {
                orphansByFile.computeIfAbsent(name.substring("orphans:".length()), f -> new long[2])[0] = value;
            } else if (name.startsWith("orphan-bytes:")) {
                orphansByFile.computeIfAbsent(name.substring("orphan-bytes:".length()), f -> new long[2])[1] = value;
            }
        });
    }

    String progressLine(double fraction) {
        return String.format(
                Locale.ROOT,
                "prune %d%% - %,d listed, %,d orphans (%s), %,d deleted",
                (int) (fraction * 100),
                count(Count.LISTED),
                count(Count.ORPHANS),
                Report.bytes(count(Count.ORPHAN_BYTES)),
                count(Count.DELETED));
    }

    /** What the run found and did, or in a dry run would do. */
    synchronized String report(String run, boolean dry, Duration minAge, double seconds, boolean completed) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "rerender: prune run %s %s in %.1f s%s%n",
                run,
                completed ? "completed" : "stopped (its checkpoint is saved; run it again to continue)",
                seconds,
                dry ? " - dry run, nothing deleted (--delete deletes)" : ""));
        b.append(String.format(
                Locale.ROOT,
                "  listed          %s, %s; %,d images with variants, %,d manifests read%n",
                objects(count(Count.LISTED)),
                Report.bytes(count(Count.BYTES_LISTED)),
                count(Count.IMAGES),
                count(Count.MANIFESTS_READ)));
        b.append(String.format(
                Locale.ROOT,
                "  %-15s %s, %s%n",
                dry ? "would delete" : "orphans",
                objects(count(Count.ORPHANS)),
                Report.bytes(count(Count.ORPHAN_BYTES))));
        Map<String, long[]> byFile = new LinkedHashMap<>();
        orphansByFile.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[1])
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> byFile.put(e.getKey(), e.getValue()));
        byFile.forEach((file, tally) -> b.append(String.format(
                Locale.ROOT, "    %-13s %s, %s%n", file + ":", objects(tally[0]), Report.bytes(tally[1]))));
        if (!dry) {
            b.append(String.format(
                    Locale.ROOT,
                    "  deleted         %s%s%n",
                    objects(count(Count.DELETED)),
                    count(Count.REFUSED) == 0
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "; storage refused %,d (run again with --restart to retry them)",
                                    count(Count.REFUSED))));
            refusals.forEach(r -> b.append("    refused ").append(r).append('\n'));
        }
        List<String> kept = new ArrayList<>();
        kept(kept, Count.KEPT_LISTED, "listed in their manifest");
        kept(kept, Count.KEPT_YOUNG, "younger than " + age(minAge));
        kept(kept, Count.KEPT_CATALOG, "a current catalog variant not listed yet");
        kept(kept, Count.KEPT_IN_FLIGHT, "image pending or deleting");
        kept(kept, Count.KEPT_FAILED, "image failed");
        kept(kept, Count.KEPT_UNREADABLE, "manifest unreadable");
        if (count(Count.KEPT_NO_MANIFEST) > 0) {
            kept.add(String.format(
                    Locale.ROOT,
                    "image without a manifest %,d (%s; --prune-without-manifest deletes them)",
                    count(Count.KEPT_NO_MANIFEST),
                    Report.bytes(count(Count.KEPT_NO_MANIFEST_BYTES))));
        }
        if (!kept.isEmpty()) {
            b.append("  kept            ").append(String.join(", ", kept)).append('\n');
        }
        if (count(Count.NOT_VARIANTS) > 0) {
            b.append(String.format(
                    Locale.ROOT,
                    "  not variants    %,d (manifests, checkpoints and other keys: never deleted)%n",
                    count(Count.NOT_VARIANTS)));
        }
        for (int i = 0; i < shown.size(); i++) {
            b.append(i == 0 ? String.format(Locale.ROOT, "  %-15s ", "first orphans") : " ".repeat(18))
                    .append(shown.get(i))
                    .append('\n');
        }
        return b.toString();
    }

    private static String objects(long n) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? "object" : "objects");
    }

    private void kept(List<String> kept, Count c, String why) {
        if (count(c) > 0) {
            kept.add(String.format(Locale.ROOT, "%s %,d", why, count(c)));
        }
    }

    /** As the flag is written: {@code 24h}, {@code 7d}, {@code 90m}, {@code 0s}. */
    static String age(Duration d) {
        long s = d.toSeconds();
        return s > 0 && s % 86_400 == 0 && s > 86_400
                ? s / 86_400 + "d"
                : s > 0 && s % 3600 == 0 ? s / 3600 + "h" : s > 0 && s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
