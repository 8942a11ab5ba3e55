package com.miniatura.ingest.rerender;

import java.util.ArrayList;
import java.util.List;

/**
 * Object keys as S3 orders them, and the key ranges ("shards") a bucket listing is split into so that
 * several listings run side by side.
 *
 * <p>S3 lists keys in the order of their UTF-8 bytes, which is Unicode code point order; Java's
 * {@link String#compareTo} compares UTF-16 units and differs for characters outside the BMP, so keys are
 * compared with {@link #compare}.
 */
final class Keys {
    /** Characters keys usually start with (imageIds and file names), in code point order. */
    private static final String ALPHABET = "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

    private Keys() {
    }

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

    /**
     * The imageId a key names when its object carries none: its file name without the extension, e.g.
     * {@code lots/1234/lot-1234-1.jpg} → {@code lot-1234-1}. A name that is all extension ({@code .jpg}) is kept whole.
     */
    static String imageIdOf(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * {@code count} contiguous key ranges covering every key under {@code prefix}: range {@code i} holds the keys
     * from bound {@code i} (inclusive; {@code ""} for the first) up to bound {@code i + 1} (exclusive; {@code null}
     * for the last). The bounds are {@code prefix} followed by one or two characters spread evenly over the usual
     * key characters; keys starting with any other character still fall in some range, as the ranges leave no gaps.
     */
    static List<String[]> shards(String prefix, int count) {
        String p = prefix == null ? "" : prefix;
        List<String> candidates = new ArrayList<>();
        for (char c : ALPHABET.toCharArray()) {
            if (count <= ALPHABET.length()) {
                candidates.add(p + c);
            } else {
                for (char d : ALPHABET.toCharArray()) {
                    candidates.add(p + c + d);
                }
            }
        }
        List<String> bounds = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            String bound = candidates.get((int) ((long) i * candidates.size() / count));
            if (bounds.isEmpty() || !bounds.get(bounds.size() - 1).equals(bound)) {
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

    /**
     * Roughly how far {@code key} is through the range {@code [from, to)}, 0..1, reading the first characters after
     * {@code prefix} as a number; for a progress estimate only (keys are rarely spread evenly).
     */
    static double fraction(String prefix, String from, String to, String key) {
        int skip = prefix == null ? 0 : prefix.length();
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
