package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the in-memory store adds for tests, and the S3 behaviours S3Proxy does not show ({@code ObjectStoreContractTest}
 * holds the rest to the MinIO client's).
 */
class InMemoryObjectStoreTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private final InMemoryObjectStore store =
            new InMemoryObjectStore(InMemoryObjectStore.SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));

    /** A key with a character outside the BMP sorts after one with U+FFFD in S3, before it by String#compareTo. */
    @Test
    void keysAreListedInUtf8Order() {
        for (String key : List.of("a\uD83D\uDE00", "a\uFFFD", "a")) {
            store.put("thumbnails", key, new byte[1], PutOptions.of("image/jpeg"));
        }
        List<String> keys = new ArrayList<>();
        store.list("thumbnails", "", null, false).forEachRemaining(listed -> keys.add(listed.key()));
        assertThat(keys).containsExactly("a", "a\uFFFD", "a\uD83D\uDE00");
        assertThat(store.firstKey("thumbnails", "a", "a\uFFFD")).hasValue("a\uD83D\uDE00");
    }

    @Test
    void writesAreTimedByTheClockAndSeedsLongAgo() {
        store.put(
                "originals",
                "a.jpg",
                new byte[3],
                PutOptions.of("image/jpeg").withUserMetadata(Map.of("Image-ID", "img-1")));
        store.seed("originals", "b.jpg", new byte[3], PutOptions.of("image/jpeg"));
        assertThat(store.head("originals", "a.jpg").orElseThrow().lastModified())
                .isEqualTo(NOW);
        assertThat(store.head("originals", "a.jpg").orElseThrow().userMetadata())
                .containsEntry("image-id", "img-1");
        assertThat(store.head("originals", "b.jpg").orElseThrow().lastModified())
                .isEqualTo(Instant.EPOCH);
        assertThat(store.requests())
                .containsExactly(
                        "put originals/a.jpg", "head originals/a.jpg", "head originals/a.jpg", "head originals/b.jpg");
    }

    @Test
    void anUnavailableStoreFailsEveryRequestAsAnUnreachableServer() {
        store.unavailable(true);
        assertThatThrownBy(() -> store.get("metadata", "img-1/manifest.json", 100))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessage("get metadata/img-1/manifest.json failed: java.net.ConnectException: Connection refused");
        assertThatThrownBy(() -> store.bucketExists("originals")).isInstanceOf(StorageUnavailableException.class);
        assertThat(store.refused()).isEqualTo(2);
        store.unavailable(false);
        assertThat(store.get("metadata", "img-1/manifest.json", 100)).isEmpty();
    }
}
