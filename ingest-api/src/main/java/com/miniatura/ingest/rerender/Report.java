package com.miniatura.ingest.rerender;

import com.miniatura.common.storage.Freshness.Verdict;
import com.miniatura.ingest.rerender.RerenderOptions.Mode;
import com.miniatura.ingest.rerender.RunStats.Count;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run did, or in a dry run would do: counts by verdict, and an estimate of the rendering work and the
 * bytes it writes. Work is whole-image renders at {@code --jobs-per-core} (an upper bound: a render of some
 * variants still decodes the whole original, which is most of the cost); bytes are the variants to render times
 * the mean size of the variants listed in the manifests read.
 */
final class Report {
    private Report() {}

    static String of(RunStats r, RerenderOptions o, double seconds, boolean completed) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "rerender: run %s %s in %.1f s%s%n",
                r.run(),
                completed ? "completed" : "stopped (its checkpoint is saved; run it again to continue)",
                seconds,
                o.dryRun() ? " - dry run, nothing published" : ""));
        long listed = r.count(Count.LISTED);
        b.append(String.format(
                Locale.ROOT,
                "  listed          %,d originals%s%n",
                listed,
                r.count(Count.BYTES_LISTED) > 0
                        ? String.format(Locale.ROOT, ", %s", bytes(r.count(Count.BYTES_LISTED)))
                        : ""));
        long published = r.count(Count.PUBLISHED);
        b.append(String.format(
                Locale.ROOT,
                "  %-15s %,d %s to %s%n",
                o.dryRun() ? "would publish" : "published",
                published,
                published == 1 ? "event" : "events",
                o.mode() == Mode.ALL
                        ? "re-render every image (workers skip the up-to-date ones)"
                        : "render what is missing"));
        List<String> why = new ArrayList<>();
        List<String> not = new ArrayList<>();
        for (Verdict v : Verdict.values()) {
            long n = r.verdict(v);
            if (n == 0) {
                continue;
            }
            String text = String.format(Locale.ROOT, "%s %,d", v.label, n);
            if (v == Verdict.VARIANTS_STALE && !r.staleByVariant().isEmpty()) {
                List<String> each = new ArrayList<>();
                r.staleByVariant()
                        .forEach((name, count) -> each.add(String.format(Locale.ROOT, "%s %,d", name, count)));
                text += " (" + String.join(", ", each) + ")";
            }
            (v.publish ? why : not).add(text);
        }
        if (r.count(Count.UNUSABLE) > 0) {
            not.add(String.format(Locale.ROOT, "unusable key or imageId %,d", r.count(Count.UNUSABLE)));
        }
        if (r.count(Count.VANISHED) > 0) {
            not.add(String.format(Locale.ROOT, "gone since listed %,d", r.count(Count.VANISHED)));
        }
        // --mode all publishes without reading manifests; its dry run reads a sample of them to tell what is stale
        boolean sample = o.mode() == Mode.ALL;
        String sampleNote = String.format(Locale.ROOT, " (a sample of the first %,d)", r.sampled());
        if (!why.isEmpty()) {
            b.append("  ")
                    .append(sample ? "stale" + sampleNote : "because")
                    .append(": ")
                    .append(String.join(", ", why))
                    .append('\n');
        }
        List<String> current = sample
                ? not.stream()
                        .filter(t -> !t.startsWith("unusable") && !t.startsWith("gone"))
                        .toList()
                : List.of();
        if (!current.isEmpty()) {
            b.append("  current")
                    .append(sampleNote)
                    .append(": ")
                    .append(String.join(", ", current))
                    .append('\n');
        }
        List<String> skipped =
                sample ? not.stream().filter(t -> !current.contains(t)).toList() : not;
        if (!skipped.isEmpty()) {
            b.append("  not published: ").append(String.join(", ", skipped)).append('\n');
        }
        estimate(r, o, b);
        return b.toString();
    }

    private static void estimate(RunStats r, RerenderOptions o, StringBuilder b) {
        // an image whose only change is a dropped variant gets its manifest rewritten, not a render
        double images = r.count(Count.PUBLISHED) - (o.mode() == Mode.MISSING ? r.verdict(Verdict.VARIANTS_DROPPED) : 0);
        double variants = r.count(Count.VARIANTS);
        String basis = "";
        if (o.mode() == Mode.ALL && r.sampled() > 0) {
            long stale = 0;
            long all = 0;
            for (Verdict v : Verdict.values()) {
                all += r.verdict(v);
                stale += v.publish && v != Verdict.VARIANTS_DROPPED ? r.verdict(v) : 0;
            }
            if (all > 0) {
                double share = (double) stale / all;
                images *= share;
                variants *= share;
                basis = String.format(Locale.ROOT, ", %.0f%% of them stale in the sample", share * 100);
            }
        }
        double coreHours = images / o.jobsPerCore() / 3600;
        b.append(String.format(
                Locale.ROOT,
                "  work            ~%,.0f images to render%s, ~%,.0f variants: ~%s core-hours at %.0f images/s"
                        + " per core; ~%s on 8 one-core pods, ~%s on 50, ~%s on 100%n",
                images,
                basis,
                variants,
                hours(coreHours),
                o.jobsPerCore(),
                wall(coreHours, 8),
                wall(coreHours, 50),
                wall(coreHours, 100)));
        long count = 0;
        long sum = 0;
        for (Map.Entry<String, long[]> e : r.seenVariants().entrySet()) {
            synchronized (e.getValue()) {
                count += e.getValue()[0];
                sum += e.getValue()[1];
            }
        }
        if (count == 0) {
            b.append("  storage         unknown: no manifest read lists a rendered variant to take sizes from\n");
        } else {
            double mean = (double) sum / count;
            b.append(String.format(
                    Locale.ROOT,
                    "  storage         ~%s written (%s per variant on average, from %,d variants in the manifests read)%n",
                    bytes((long) (variants * mean)),
                    bytes((long) mean),
                    count));
        }
    }

    private static String hours(double h) {
        return h < 0.1
                ? String.format(Locale.ROOT, "%.3f", h)
                : h < 10 ? String.format(Locale.ROOT, "%.1f", h) : String.format(Locale.ROOT, "%,.0f", h);
    }

    private static String wall(double coreHours, int pods) {
        return Progress.hms(Math.round(coreHours * 3600 / pods));
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
