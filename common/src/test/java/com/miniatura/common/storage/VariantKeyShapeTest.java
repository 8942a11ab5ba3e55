package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which keys of the thumbnails bucket have a variant's shape ({@link StorageLayout#variantImageId}): the only keys
 * anything deletes as an orphan, whatever a stored manifest or a listing claims.
 */
class VariantKeyShapeTest {

    record Case(String key, String imageId) {
        @Override
        public String toString() {
            return key + " → " + imageId;
        }
    }

    static Stream<Case> keys() {
        return Stream.of(
                new Case("lot-1/s150.jpg", "lot-1"),
                new Case("lot-1/webp480.webp", "lot-1"),
                new Case("lot.1_a/g150.png", "lot.1_a"),
                new Case("lot-1/manifest.json", null),
                new Case("lot-1/s150.gif", null),
                new Case("lot-1/S150.jpg", null),
                new Case("lot-1/.jpg", null),
                new Case("lot-1/s150", null),
                new Case("lot-1/a/s150.jpg", null),
                new Case("lot-1/", null),
                new Case("/s150.jpg", null),
                new Case("s150.jpg", null),
                new Case("../x", null),
                new Case("../s150.jpg", null),
                new Case("./s150.jpg", null),
                new Case("lot-1/../s150.jpg", null),
                new Case("rerender~/missing-1234.json", null),
                new Case("rerender~/s150.jpg", null),
                new Case("lot 1/s150.jpg", null),
                new Case("", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void onlyImageIdSlashVariantNameDotFormatExtensionIsAVariantKey(Case c) {
        assertThat(StorageLayout.variantImageId(c.key()).orElse(null)).isEqualTo(c.imageId());
        assertThat(StorageLayout.isVariantKey("lot-1", c.key())).isEqualTo("lot-1".equals(c.imageId()));
    }
}
