package com.miniatura.ingest.rerender;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
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
                b.appendCodePoint(chars.codePointAt(chars.offsetByCodePoints(0, random.nextInt(chars.codePointCount(0, chars.length())))));
            }
            keys.add(b.toString());
        }
        return keys;
    }

    @ParameterizedTest(name = "{0} ranges")
    @ValueSource(ints = {1, 2, 16, 64, 65, 66, 300, 4096})
    void everyKeyFallsInExactlyOneRange(int count) {
        List<String[]> ranges = Keys.shards("lots/", count);
        assertThat(ranges).hasSizeLessThanOrEqualTo(count);
        assertThat(ranges.get(0)[0]).isEmpty();
        assertThat(ranges.get(ranges.size() - 1)[1]).isNull();
        for (int i = 1; i < ranges.size(); i++) {
            assertThat(ranges.get(i)[0]).as("contiguous").isEqualTo(ranges.get(i - 1)[1]);
            assertThat(Keys.compare(ranges.get(i - 1)[0], ranges.get(i)[0])).as("increasing").isNegative();
        }
        for (String key : keys("lots/")) {
            long holding = ranges.stream().filter(r -> Keys.compare(key, r[0]) >= 0 && (r[1] == null || Keys.compare(key, r[1]) < 0)).count();
            assertThat(holding).as(key).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "lots/"})
    void comparesAsS3Lists_byUtf8Bytes(String prefix) {
        List<String> keys = keys(prefix);
        List<String> byBytes = new ArrayList<>(keys);
        byBytes.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
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
            "a/b/, ''"})
    void theImageIdOfAKeyIsItsFileNameWithoutExtension(String key, String imageId) {
        assertThat(Keys.imageIdOf(key)).isEqualTo(imageId == null ? "" : imageId);
    }
}
