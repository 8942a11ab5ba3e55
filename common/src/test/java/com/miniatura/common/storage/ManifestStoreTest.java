package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Manifests and checkpoints live in the private metadata bucket; one an earlier version left in the public thumbnails
 * bucket is read from there until a write moves it.
 */
class ManifestStoreTest {
    private static final StorageSettings SETTINGS = new StorageSettings(
            "http://localhost:9000",
            "us-east-1",
            "k",
            "s",
            "originals",
            "thumbnails",
            "lot-metadata",
            "public, max-age=60",
            false,
            List.of());

    private final InMemoryObjectStore store = new InMemoryObjectStore(SETTINGS, Clock.systemUTC());
    private final ManifestStore manifests = new ManifestStore(store, SETTINGS);

    /** Stores {@code bucket/key} → text. */
    private void seed(Map<String, String> objects) {
        objects.forEach((name, text) -> store.seed(
                name.substring(0, name.indexOf('/')),
                name.substring(name.indexOf('/') + 1),
                text.getBytes(StandardCharsets.UTF_8),
                PutOptions.of("application/json")));
    }

    /** Every object as {@code bucket/key} → text. */
    private Map<String, String> objects() {
        Map<String, String> all = new TreeMap<>();
        for (String bucket : List.of("originals", "thumbnails", "lot-metadata")) {
            for (String key : store.keys(bucket)) {
                all.put(
                        bucket + "/" + key,
                        new String(store.object(bucket, key).orElseThrow().bytes(), StandardCharsets.UTF_8));
            }
        }
        return all;
    }

    record Read(String description, Map<String, String> stored, String read) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Read> reads() {
        return Stream.of(
                new Read("the metadata bucket's", Map.of("lot-metadata/img-1/manifest.json", "new"), "new"),
                new Read(
                        "the metadata bucket's, though the thumbnails bucket has an older one",
                        Map.of("lot-metadata/img-1/manifest.json", "new", "thumbnails/img-1/manifest.json", "old"),
                        "new"),
                new Read(
                        "the thumbnails bucket's, before it is moved",
                        Map.of("thumbnails/img-1/manifest.json", "old"),
                        "old"),
                new Read("none", Map.of("thumbnails/img-2/manifest.json", "other"), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reads")
    void readsTheMetadataBucketsManifestElseTheOneLeftInTheThumbnailsBucket(Read c) {
        seed(c.stored());
        assertThat(manifests.manifest("img-1").map(b -> new String(b, StandardCharsets.UTF_8)))
                .isEqualTo(Optional.ofNullable(c.read()));
        assertThat(objects()).as("reading moves nothing").isEqualTo(new TreeMap<>(c.stored()));
    }

    @Test
    void manifestsAreReadWithinTheirLimit() {
        byte[] tooLarge = new byte[(int) ManifestStore.MAX_MANIFEST_BYTES + 1];
        store.seed("thumbnails", "img-1/manifest.json", tooLarge, PutOptions.of("application/json"));
        assertThatThrownBy(() -> manifests.manifest("img-1")).isInstanceOf(ObjectTooLargeException.class);
        store.seed("lot-metadata", "img-1/manifest.json", tooLarge, PutOptions.of("application/json"));
        assertThatThrownBy(() -> manifests.manifest("img-1")).isInstanceOf(ObjectTooLargeException.class);
    }

    @Test
    void writingPutsItInTheMetadataBucketAndRemovesThePublicCopy() {
        seed(Map.of(
                "thumbnails/img-1/manifest.json",
                "old",
                "thumbnails/rerender~/run.json",
                "old",
                "thumbnails/img-1/s150.jpg",
                "variant"));

        manifests.putManifest("img-1", "new".getBytes(StandardCharsets.UTF_8));
        manifests.write("rerender~/run.json", "position".getBytes(StandardCharsets.UTF_8), "no-store");

        assertThat(objects())
                .containsExactlyEntriesOf(new TreeMap<>(Map.of(
                        "lot-metadata/img-1/manifest.json",
                        "new",
                        "lot-metadata/rerender~/run.json",
                        "position",
                        "thumbnails/img-1/s150.jpg",
                        "variant")));
        assertThat(store.object("lot-metadata", "img-1/manifest.json")).hasValueSatisfying(o -> {
            assertThat(o.contentType()).isEqualTo("application/json");
            assertThat(o.cacheControl()).isEqualTo("no-cache");
            assertThat(o.userMetadata()).isEmpty();
        });
        assertThat(store.object("lot-metadata", "rerender~/run.json")
                        .orElseThrow()
                        .cacheControl())
                .isEqualTo("no-store");
    }

    /** The write is what counts: a public copy that cannot be removed now is left for rerender --move-metadata. */
    @Test
    void aPublicCopyThatCannotBeRemovedDoesNotFailTheWrite() {
        InMemoryObjectStore store = new InMemoryObjectStore(SETTINGS, Clock.systemUTC()) {
            @Override
            public void remove(String bucket, String key) {
                throw new StorageUnavailableException("remove " + bucket + "/" + key + " failed: 503", null);
            }
        };
        ManifestStore manifests = new ManifestStore(store, SETTINGS);
        store.seed(
                "thumbnails",
                "img-1/manifest.json",
                "old".getBytes(StandardCharsets.UTF_8),
                PutOptions.of("application/json"));

        manifests.putManifest("img-1", "new".getBytes(StandardCharsets.UTF_8));

        assertThat(manifests.manifest("img-1"))
                .map(b -> new String(b, StandardCharsets.UTF_8))
                .hasValue("new");
    }

    @Test
    void removingTakesOnlyTheMetadataBucketsManifest() {
        seed(Map.of("lot-metadata/img-1/manifest.json", "new"));
        manifests.removeManifest("img-1");
        assertThat(objects()).isEmpty();
        assertThat(manifests.bucket()).isEqualTo("lot-metadata");
    }

    /** A manifest read was capped at 1 MB by the services and at 64 MB by the metadata move: one cap per kind now. */
    @Test
    void everyDocumentReadIsCappedByItsKind() {
        assertThat(ManifestStore.maxBytes(StorageLayout.manifestKey("img-1"))).isEqualTo(1024 * 1024);
        assertThat(ManifestStore.maxBytes(StorageLayout.checkpointKey("run-1"))).isEqualTo(64L * 1024 * 1024);
        byte[] twoMegabytes = new byte[2 * 1024 * 1024];
        store.seed(
                "lot-metadata", StorageLayout.checkpointKey("run-1"), twoMegabytes, PutOptions.of("application/json"));
        store.seed("lot-metadata", StorageLayout.manifestKey("img-1"), twoMegabytes, PutOptions.of("application/json"));
        assertThat(manifests.read(StorageLayout.checkpointKey("run-1")))
                .map(o -> o.bytes().length)
                .hasValue(twoMegabytes.length);
        assertThatThrownBy(() -> manifests.read(StorageLayout.manifestKey("img-1")))
                .isInstanceOf(ObjectTooLargeException.class);
    }
}
