package com.miniatura.ingest.rerender;

import com.miniatura.common.storage.StorageLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Object keys as S3 orders them, and the key ranges ("shards") a bucket listing is split into so that
 * several listings run side by side.
 *
 * <p>S3 lists keys in the order of their UTF-8 bytes, which is Unicode code point order; Java's
 * {@link String#compareTo} compares UTF-16 units and differs for characters outside the BMP, so keys are
 * compared with {@link #compare}.
 */
final class Keys {
    private Keys() {}

    /** Compares keys in S3's listing order (code points, i.e. UTF-8 bytes). */
    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** See {@link StorageLayout#imageIdOf}. */
    static String imageIdOf(String key) {
        return StorageLayout.imageIdOf(key);
    }

    /** The first key under the listing's prefix that sorts after {@code startAfter} ({@code null}: the first of all). */
    @FunctionalInterface
    interface Probe {
        Optional<String> firstAfter(String startAfter);
    }

    /** Sorts after every key that starts with what precedes it, for the keys a bucket holds in practice. */
    static final String MAX = "\uffff\uffff\uffff\uffff";
    /** Probes the key discovery may make before settling for the ranges it has. */
    static final int MAX_PROBES = 5000;

    /**
     * Key ranges fitted to the keys the bucket really holds, found with one-key listings: first the longest prefix
     * every key shares ({@code lots/} or {@code lot-}: cutting at the first character would put them all in one
     * range), then, level by level, the distinct next characters under it (a skip-scan: one probe per character
     * present) until there are at least {@code count} groups, which are then spread over {@code count} ranges. The
     * ranges are contiguous from the first key to the last, so a key of any shape falls in one, whatever the probes
     * saw. With {@code pool}, each level's probes run side by side.
     */
    static List<String[]> discover(Probe probe, String prefix, int count, ExecutorService pool) throws Exception {
        String p = prefix == null ? "" : prefix;
        Optional<String> first = probe.firstAfter(null);
        if (first.isEmpty() || count <= 1) {
            List<String[]> whole = new ArrayList<>();
            whole.add(new String[] {"", null});
            return whole;
        }
        String common = p;
        String f = first.get();
        while (common.length() < f.length() && common.length() < p.length() + 256) {
            String longer = f.substring(0, common.length() + 1);
            if (probe.firstAfter(longer + MAX).isPresent()) {
                break; // some key sorts after every key starting with "longer"
            }
            common = longer;
        }
        List<String> groups = List.of(common);
        int probes = 0;
        while (groups.size() < count && probes < MAX_PROBES) {
            List<Future<List<String>>> levels = new ArrayList<>();
            for (String group : groups) {
                levels.add(pool.submit(() -> children(probe, group)));
            }
            List<String> next = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                List<String> children = levels.get(i).get();
                probes += children.size() + 1;
                next.addAll(children.isEmpty() ? List.of(groups.get(i)) : children);
            }
            if (next.size() == groups.size()) {
                break; // nothing left to split: fewer distinct keys than ranges
            }
            groups = next;
        }
        List<String> bounds = new ArrayList<>();
        for (int i = 1; i < count && groups.size() > 1; i++) {
            String bound = groups.get(Math.max(1, (int) ((long) i * groups.size() / count)));
            if (bounds.isEmpty() || compare(bounds.get(bounds.size() - 1), bound) < 0) {
                bounds.add(bound);
            }
        }
        List<String[]> ranges = new ArrayList<>();
        String from = "";
        for (String bound : bounds) {
            ranges.add(new String[] {from, bound});
            from = bound;
        }
        ranges.add(new String[] {from, null});
        return ranges;
    }

    /** The distinct one-character-longer prefixes of the keys under {@code group}, in order (a skip-scan). */
    private static List<String> children(Probe probe, String group) {
        List<String> children = new ArrayList<>();
        String after = group;
        while (children.size() < 256) {
            Optional<String> key = probe.firstAfter(after);
            if (key.isEmpty() || !key.get().startsWith(group) || key.get().length() == group.length()) {
                break;
            }
            String child = key.get().substring(0, group.length() + 1);
            if (!children.isEmpty() && children.get(children.size() - 1).equals(child)) {
                break; // a key beyond MAX: stop rather than loop
            }
            children.add(child);
            after = child + MAX;
        }
        return children;
    }

    /**
     * Roughly how far {@code key} is through the range {@code [from, to)}, 0..1, reading the first characters after
     * {@code prefix} as a number; for a progress estimate only (keys are rarely spread evenly).
     */
    static double fraction(String prefix, String from, String to, String key) {
        int skip = prefix == null ? 0 : prefix.length();
        if (to != null && !from.isEmpty()) {
            int common = 0;
            while (common < from.length() && common < to.length() && from.charAt(common) == to.charAt(common)) {
                common++;
            }
            skip = Math.max(skip, common); // "lots/0041" .. "lots/0057": the digits that differ tell the position
        }
        double lo = position(from, skip, 0);
        double hi = to == null ? 1 : position(to, skip, 1);
        double at = position(key, skip, 0);
        if (hi <= lo) {
            return 1;
        }
        return Math.max(0, Math.min(1, (at - lo) / (hi - lo)));
    }

    /** The first three characters after {@code skip} as a fraction of the key space (printable ASCII as digits). */
    private static double position(String key, int skip, double ifEmpty) {
        if (key.length() <= skip) {
            return ifEmpty == 1 ? 1 : 0;
        }
        double value = 0;
        double scale = 1;
        for (int i = skip; i < skip + 3; i++) {
            scale /= 96;
            int c = i < key.length() ? Math.max(0, Math.min(95, key.charAt(i) - 32)) : 0;
            value += c * scale;
        }
        return value;
    }
}
