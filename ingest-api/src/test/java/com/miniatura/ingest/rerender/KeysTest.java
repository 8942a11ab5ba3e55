package com.miniatura.ingest.rerender;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Key order as S3 lists it, the key ranges a listing is split into, and imageIds taken from keys. */
class KeysTest {

    /** Keys of every kind: ASCII, below and above the usual characters, accents, and outside the BMP. */
    private static List<String> keys(String prefix) {
        Random random = new Random(7);
        String chars = "!#$%&'()+,-.0123456789;=@ABCXYZ[]^_`abcxyz{}~éü€漢😀/";
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            StringBuilder b = new StringBuilder(prefix);
            int length = 1 + random.nextInt(12);
            for (int j = 0; j < length; j++) {
                b.appendCodePoint(chars.codePointAt(
                        chars.offsetByCodePoints(0, random.nextInt(chars.codePointCount(0, chars.length())))));
            }
            keys.add(b.toString());
        }
        return keys;
    }

    /** One-key listings over an in-memory bucket, in S3's order, counting the probes. */
    private static Keys.Probe probe(List<String> keys, String prefix, AtomicInteger probes) {
        TreeSet<String> sorted = new TreeSet<>(Keys::compare);
        sorted.addAll(keys.stream().filter(k -> k.startsWith(prefix)).toList());
        return after -> {
            probes.incrementAndGet();
            String next = after == null ? (sorted.isEmpty() ? null : sorted.first()) : sorted.higher(after);
            return Optional.ofNullable(next);
        };
    }

    private static List<String[]> discover(List<String> keys, String prefix, int count, AtomicInteger probes)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            return Keys.discover(probe(keys, prefix, probes), prefix, count, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long holding(List<String[]> ranges, String key) {
        return ranges.stream()
                .filter(r -> Keys.compare(key, r[0]) >= 0 && (r[1] == null || Keys.compare(key, r[1]) < 0))
                .count();
    }

    @ParameterizedTest(name = "{0} ranges")
    @ValueSource(ints = {1, 2, 16, 64, 300})
    void everyKeyFallsInExactlyOneRange(int count) throws Exception {
        List<String> keys = keys("lots/");
        List<String[]> ranges = discover(keys, "lots/", count, new AtomicInteger());
        assertThat(ranges).hasSizeLessThanOrEqualTo(count);
        assertThat(ranges.get(0)[0]).isEmpty();
        assertThat(ranges.get(ranges.size() - 1)[1]).isNull();
        for (int i = 1; i < ranges.size(); i++) {
            assertThat(ranges.get(i)[0]).as("contiguous").isEqualTo(ranges.get(i - 1)[1]);
            assertThat(Keys.compare(ranges.get(i - 1)[0], ranges.get(i)[0]))
                    .as("increasing")
                    .isNegative();
        }
        for (String key : keys) {
            assertThat(holding(ranges, key)).as(key).isEqualTo(1);
        }
        // and keys the probes never saw, of any shape, too
        for (String key : keys("lots/x")) {
            assertThat(holding(ranges, key)).as(key).isEqualTo(1);
        }
    }

    /**
     * Regression: ranges cut at the first character put every key of a bucket whose keys share a prefix ("lot-…",
     * "lots/…") in one range, so the "parallel" listing ran one range at a time.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lot-%07d.jpg", "lots/%04d/photo-%d.jpg", "originals/2026/11/%08d.jpeg"})
    void keysSharingAPrefixAreSpreadOverEveryRange(String pattern) throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int n = i * 7919 % 1_000_000;
            keys.add(pattern.contains("photo") ? String.format(pattern, n % 1000, n) : String.format(pattern, n));
        }
        AtomicInteger probes = new AtomicInteger();
        List<String[]> ranges = discover(keys, "", 64, probes);
        Map<Integer, Long> perRange = new TreeMap<>();
        for (String key : keys) {
            for (int r = 0; r < ranges.size(); r++) {
                if (holding(List.<String[]>of(ranges.get(r)), key) == 1) {
                    perRange.merge(r, 1L, Long::sum);
                }
            }
        }
        long largest =
                perRange.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.printf(
                "%s: %d ranges, %d holding keys, the largest %d of %d keys, %d probes%n",
                pattern, ranges.size(), perRange.size(), largest, keys.size(), probes.get());
        assertThat(perRange.size()).as("ranges holding keys").isGreaterThanOrEqualTo(48);
        assertThat(largest).as("the largest range").isLessThan(keys.size() / 16);
        assertThat(probes.get()).isLessThan(Keys.MAX_PROBES);
    }

    @Test
    void anEmptyBucketIsOneRange() throws Exception {
        assertThat(discover(List.of(), "", 64, new AtomicInteger()))
                .singleElement()
                .satisfies(r -> assertThat(r).containsExactly("", null));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "lots/"})
    void comparesAsS3Lists_byUtf8Bytes(String prefix) {
        List<String> keys = keys(prefix);
        List<String> byBytes = new ArrayList<>(keys);
        byBytes.sort((a, b) ->
                Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        List<String> byKeys = new ArrayList<>(keys);
        byKeys.sort(Keys::compare);
        assertThat(byKeys).isEqualTo(byBytes);
        // String.compareTo would differ: an emoji (a surrogate pair) sorts after U+FFxx in UTF-8, before it in UTF-16
        assertThat(Keys.compare("😀", "\uFF01")).isPositive();
        assertThat("😀".compareTo("\uFF01")).isNegative();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "lot-1234-1.jpg, lot-1234-1",
        "lots/1234/lot-1234-1.jpeg, lot-1234-1",
        "img.v2.png, img.v2",
        "noextension, noextension",
        ".jpg, .jpg",
        "a/b/, ''"
    })
    void theImageIdOfAKeyIsItsFileNameWithoutExtension(String key, String imageId) {
        assertThat(Keys.imageIdOf(key)).isEqualTo(imageId == null ? "" : imageId);
    }
}
