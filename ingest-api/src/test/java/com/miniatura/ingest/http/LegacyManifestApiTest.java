package com.miniatura.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectHead;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StoredObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Manifests an earlier version wrote to the public thumbnails bucket, not yet moved by
 * {@code rerender --move-metadata}: the status and the image page read them when the metadata bucket has none, and a
 * status the API writes goes to the metadata bucket, carrying what the old one said, and takes the public copy away.
 */
@IngestWebTest
class LegacyManifestApiTest {
    private static final String LEGACY = "thumbnails/img-1/manifest.json";
    private static final String CURRENT = "metadata/img-1/manifest.json";
    private static final Manifest.Source ORIGINAL =
            Manifest.Source.of("originals", "img-1.jpg", "e-1", 10L, "image/jpeg");
    private static final Manifest RENDERED = Manifest.rendered(
            "img-1",
            ORIGINAL,
            List.of(new Manifest.Variant("s150", "img-1/s150.jpg", 150, 150, 4711, "image/jpeg", "abcd")),
            "LKO2",
            "ev-1",
            Instant.parse("2026-11-22T00:00:00Z"));

    @Autowired
    MockMvc http;

    @Autowired
    ObjectStore store;

    /** Storage: {@code bucket/key} → bytes. */
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    @BeforeEach
    void storage() {
        when(store.get(anyString(), anyString(), anyLong()))
                .thenAnswer(call -> Optional.ofNullable(objects.get(call.getArgument(0) + "/" + call.getArgument(1)))
                        .map(bytes -> new StoredObject(bytes, "x", "application/json", Map.of())));
        when(store.head(anyString(), anyString()))
                .thenAnswer(call -> Optional.ofNullable(objects.get(call.getArgument(0) + "/" + call.getArgument(1)))
                        .map(bytes ->
                                new ObjectHead("e-1", bytes.length, "image/jpeg", null, Map.of("image-id", "img-1"))));
        doAnswer(call -> {
                    objects.put(call.getArgument(0) + "/" + call.getArgument(1), call.getArgument(2));
                    return "etag";
                })
                .when(store)
                .put(anyString(), anyString(), any(), any());
        doAnswer(call -> objects.remove(call.getArgument(0) + "/" + call.getArgument(1)))
                .when(store)
                .remove(anyString(), anyString());
        objects.put("originals/img-1.jpg", new byte[10]);
    }

    @Test
    void theStatusAndThePageReadAManifestOnlyTheThumbnailsBucketHas() throws Exception {
        objects.put(LEGACY, ManifestCodec.write(RENDERED));
        http.perform(get("/v1/images/img-1"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("rendered"))
                .andExpect(jsonPath("$.variants[0].key").value("img-1/s150.jpg"));
        http.perform(get("/images/img-1"))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("<p class=\"status rendered\">rendered</p>")));
        assertThat(objects).as("a read moves nothing").containsKey(LEGACY).doesNotContainKey(CURRENT);
    }

    @Test
    void theMetadataBucketsManifestWinsOverAnOlderPublicCopy() throws Exception {
        objects.put(LEGACY, ManifestCodec.write(Manifest.pending("img-1", ORIGINAL, "ev-0", Instant.EPOCH)));
        objects.put(CURRENT, ManifestCodec.write(RENDERED));
        http.perform(get("/v1/images/img-1"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("rendered"));
    }

    @Test
    void aDeletionWritesItsStatusToTheMetadataBucketNamingTheOriginalAndRemovesThePublicCopy() throws Exception {
        objects.put(LEGACY, ManifestCodec.write(RENDERED));
        http.perform(delete("/v1/images/img-1")).andExpect(status().isAccepted());

        assertThat(objects).doesNotContainKey(LEGACY);
        Manifest deleting = ManifestCodec.read(objects.get(CURRENT));
        assertThat(deleting.status()).isEqualTo(Manifest.DELETING);
        assertThat(deleting.source())
                .as("the original to erase, from the old status")
                .isEqualTo(ORIGINAL);
    }

    @Test
    void anUploadCarriesTheDeletionTheOldStatusRecordedAndRemovesThePublicCopy() throws Exception {
        Instant deletedAt = Instant.parse("2026-11-23T00:00:00Z");
        objects.put(LEGACY, ManifestCodec.write(Manifest.deleted("img-1", "d-1", deletedAt, deletedAt)));
        http.perform(post("/v1/events")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"imageId\":\"img-1\",\"bucket\":\"originals\",\"key\":\"img-1.jpg\"}"))
                .andExpect(status().isAccepted());

        assertThat(objects).doesNotContainKey(LEGACY);
        Manifest pending = ManifestCodec.read(objects.get(CURRENT));
        assertThat(pending.status()).isEqualTo(Manifest.PENDING);
        assertThat(pending.deletedAt()).isEqualTo(deletedAt);
    }
}
