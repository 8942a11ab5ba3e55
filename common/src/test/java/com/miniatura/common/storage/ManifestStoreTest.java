package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
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
    private static final StorageSettings SETTINGS = new StorageSettings("http://localhost:9000", "us-east-1", "k", "s",
            "originals", "thumbnails", "lot-metadata", "public, max-age=60", false, List.of());

    private final Map<String, String> objects = new TreeMap<>();
    private final ObjectStore store = mock(ObjectStore.class);
    private final ManifestStore manifests = new ManifestStore(store, SETTINGS);

    ManifestStoreTest() {
        when(store.getIfExists(anyString(), anyString(), anyLong())).thenAnswer(call -> stored(call.getArgument(0), call.getArgument(1)));
        when(store.get(anyString(), anyString(), anyLong())).thenAnswer(call -> stored(call.getArgument(0), call.getArgument(1)));
        doAnswer(call -> objects.put(call.getArgument(0) + "/" + call.getArgument(1),
                new String(call.<byte[]>getArgument(2), StandardCharsets.UTF_8)))
                .when(store).put(anyString(), anyString(), any(), anyString(), any(), anyMap());
        doAnswer(call -> objects.remove(call.getArgument(0) + "/" + call.getArgument(1))).when(store).remove(anyString(), anyString());
    }

    private Optional<StoredObject> stored(String bucket, String key) {
        return Optional.ofNullable(objects.get(bucket + "/" + key))
                .map(text -> new StoredObject(text.getBytes(StandardCharsets.UTF_8), "x", "application/json", Map.of()));
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
                new Read("the metadata bucket's, though the thumbnails bucket has an older one",
                        Map.of("lot-metadata/img-1/manifest.json", "new", "thumbnails/img-1/manifest.json", "old"), "new"),
                new Read("the thumbnails bucket's, before it is moved", Map.of("thumbnails/img-1/manifest.json", "old"), "old"),
                new Read("none", Map.of("thumbnails/img-2/manifest.json", "other"), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reads")
    void readsTheMetadataBucketsManifestElseTheOneLeftInTheThumbnailsBucket(Read c) {
        objects.putAll(c.stored());
        assertThat(manifests.manifest("img-1").map(b -> new String(b, StandardCharsets.UTF_8))).isEqualTo(Optional.ofNullable(c.read()));
        assertThat(manifests.expectedManifest("img-1").map(b -> new String(b, StandardCharsets.UTF_8)))
                .as("by GET alone").isEqualTo(Optional.ofNullable(c.read()));
        assertThat(objects).as("reading moves nothing").isEqualTo(new TreeMap<>(c.stored()));
    }

    @Test
    void manifestsAreReadWithinTheirLimit() {
        manifests.manifest("img-1");
        verify(store).getIfExists("lot-metadata", "img-1/manifest.json", ManifestStore.MAX_MANIFEST_BYTES);
        verify(store).getIfExists("thumbnails", "img-1/manifest.json", ManifestStore.MAX_MANIFEST_BYTES);
        manifests.expectedManifest("img-1");
        verify(store).get("lot-metadata", "img-1/manifest.json", ManifestStore.MAX_MANIFEST_BYTES);
        verify(store).get("thumbnails", "img-1/manifest.json", ManifestStore.MAX_MANIFEST_BYTES);
    }

    @Test
    void writingPutsItInTheMetadataBucketAndRemovesThePublicCopy() {
        objects.put("thumbnails/img-1/manifest.json", "old");
        objects.put("thumbnails/rerender~/run.json", "old");
        objects.put("thumbnails/img-1/s150.jpg", "variant");

        manifests.putManifest("img-1", "new".getBytes(StandardCharsets.UTF_8));
        manifests.write("rerender~/run.json", "position".getBytes(StandardCharsets.UTF_8), "no-store");

        assertThat(objects).containsExactlyEntriesOf(new TreeMap<>(Map.of("lot-metadata/img-1/manifest.json", "new",
                "lot-metadata/rerender~/run.json", "position", "thumbnails/img-1/s150.jpg", "variant")));
        verify(store).put("lot-metadata", "img-1/manifest.json", "new".getBytes(StandardCharsets.UTF_8), "application/json",
                "no-cache", Map.of());
    }

    /** The write is what counts: a public copy that cannot be removed now is left for rerender --move-metadata. */
    @Test
    void aPublicCopyThatCannotBeRemovedDoesNotFailTheWrite() {
        objects.put("thumbnails/img-1/manifest.json", "old");
        doThrow(new StorageUnavailableException("remove thumbnails/img-1/manifest.json failed: 503", null))
                .when(store).remove("thumbnails", "img-1/manifest.json");

        manifests.putManifest("img-1", "new".getBytes(StandardCharsets.UTF_8));

        assertThat(manifests.manifest("img-1")).map(b -> new String(b, StandardCharsets.UTF_8)).hasValue("new");
    }

    @Test
    void removingTakesOnlyTheMetadataBucketsManifest() {
        objects.put("lot-metadata/img-1/manifest.json", "new");
        manifests.removeManifest("img-1");
        assertThat(objects).isEmpty();
        assertThat(manifests.bucket()).isEqualTo("lot-metadata");
    }

    /** A manifest read was capped at 1 MB by the services and at 64 MB by the metadata move: one cap per kind now. */
    @Test
    void everyDocumentReadIsCappedByItsKind() {
        assertThat(ManifestStore.maxBytes(StorageLayout.manifestKey("img-1"))).isEqualTo(1024 * 1024);
        assertThat(ManifestStore.maxBytes(StorageLayout.checkpointKey("run-1"))).isEqualTo(64L * 1024 * 1024);
        manifests.read(StorageLayout.checkpointKey("run-1"));
        verify(store).getIfExists("lot-metadata", "rerender~/run-1.json", ManifestStore.MAX_CHECKPOINT_BYTES);
    }
}
