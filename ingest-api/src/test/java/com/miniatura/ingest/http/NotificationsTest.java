package com.miniatura.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.miniatura.common.event.ImageDeleted;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StoredObject;
import com.miniatura.ingest.publish.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * {@code POST /v1/notifications/minio}: MinIO's webhook format turned into events, the API's own writes and stale
 * removals recognised, bad records named. The payload is MinIO's, as its webhook target sends it.
 */
@SpringBootTest(properties = {"miniatura.kafka.create-topic=false", "miniatura.storage.create-buckets=false"})
@AutoConfigureMockMvc
@WithTestApiKey
class NotificationsTest {
    static final String PUT = resource("/minio/put-notification.json");
    static final String ETAG = "430f89010c77aa34fc8760696da62d08";

    @Autowired
    MockMvc http;

    @MockitoBean
    ObjectStore store;

    @MockitoBean
    EventPublisher publisher;

    static String resource(String name) {
        try (InputStream in = NotificationsTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void noImagesYet() {
        when(store.getIfExists(anyString(), anyString(), anyLong())).thenReturn(Optional.empty());
        when(store.etag(anyString(), anyString())).thenReturn(Optional.empty());
    }

    private ResultActions notify(String body) throws Exception {
        return http.perform(post("/v1/notifications/minio").contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private List<ImageEvent> published() {
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<ImageEvent>> events = ArgumentCaptor.forClass(List.class);
        verify(publisher).publishAll(events.capture());
        return events.getValue();
    }

    private void manifest(Manifest m) {
        when(store.getIfExists(eq("thumbnails"), eq(m.imageId() + "/manifest.json"), anyLong()))
                .thenReturn(Optional.of(new StoredObject(ManifestCodec.write(m), "x", "application/json", Map.of())));
    }

    @Test
    void anObjectCreatedInOriginalsIsPublishedAsAnUpload() throws Exception {
        notify(PUT).andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(1))
                .andExpect(jsonPath("$.events[0].imageId").value("lot-1234-1"))
                .andExpect(jsonPath("$.events[0].type").value("image.uploaded"))
                .andExpect(jsonPath("$.events[0].key").value("lots/1234/lot-1234-1.jpg"))
                .andExpect(jsonPath("$.ignored").isEmpty());
        assertThat(published()).singleElement().satisfies(e -> assertThat(e.data()).isEqualTo(new ImageUploaded(
                "lot-1234-1", "lot-1234", "originals", "lots/1234/lot-1234-1.jpg", ETAG, 48213L, "image/jpeg")));
        // pending before the event exists, as for every upload
        verify(store).put(eq("thumbnails"), eq("lot-1234-1/manifest.json"), any(), eq("application/json"), any(), anyMap());
    }

    /** What POST /v1/uploads asks the client to send: the imageId as metadata, whatever the key. */
    @Test
    void theImageIdComesFromTheObjectsMetadataFirst() throws Exception {
        notify(PUT.replace("\"X-Amz-Meta-Lot-Id\": \"lot-1234\"", "\"X-Amz-Meta-Image-Id\": \"seller-77-photo-3\""))
                .andExpect(status().isAccepted());
        assertThat(((ImageUploaded) published().get(0).data()).imageId()).isEqualTo("seller-77-photo-3");
    }

    /** POST /v1/images writes the original itself, and MinIO tells of that write too: one render, not two. */
    @Test
    void theApisOwnUploadIsNotPublishedTwice() throws Exception {
        manifest(Manifest.pending("lot-1234-1", Manifest.Source.of("originals", "lots/1234/lot-1234-1.jpg",
                "\"" + ETAG + "\"", 48213L, "image/jpeg"), "e1", Instant.now()));
        notify(PUT).andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(0))
                .andExpect(jsonPath("$.ignored[0].key").value("lots/1234/lot-1234-1.jpg"))
                .andExpect(jsonPath("$.ignored[0].reason").value("image lot-1234-1 is already pending from this object"));
        verifyNoInteractions(publisher);
    }

    @Test
    void aNewVersionOfTheObjectIsRenderedAgain() throws Exception {
        manifest(Manifest.rendered("lot-1234-1", Manifest.Source.of("originals", "lots/1234/lot-1234-1.jpg",
                "older-etag", 40000L, "image/jpeg"), List.of(), null, "e0", Instant.now()));
        notify(PUT).andExpect(status().isAccepted()).andExpect(jsonPath("$.accepted").value(1));
        assertThat(published()).hasSize(1);
    }

    static String removed(String key) {
        return PUT.replace("s3:ObjectCreated:Put", "s3:ObjectRemoved:Delete")
                .replace("lots%2F1234%2Flot-1234-1.jpg", key);
    }

    @Test
    void removingTheOriginalErasesTheImage() throws Exception {
        manifest(Manifest.rendered("lot-1234-1", Manifest.Source.of("originals", "lots/1234/lot-1234-1.jpg", ETAG,
                48213L, "image/jpeg"), List.of(), null, "e0", Instant.now()));
        notify(removed("lots%2F1234%2Flot-1234-1.jpg")).andExpect(status().isAccepted())
                .andExpect(jsonPath("$.events[0].type").value("image.deleted"));
        assertThat(published().get(0).data()).isEqualTo(new ImageDeleted("lot-1234-1"));
    }

    record Stale(String name, Manifest manifest, boolean objectBack, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Stale> staleRemovals() {
        Manifest.Source other = Manifest.Source.of("originals", "lots/1234/lot-1234-1.png", "e", 1L, "image/png");
        Manifest.Source same = Manifest.Source.of("originals", "lots/1234/lot-1234-1.jpg", ETAG, 1L, "image/jpeg");
        return Stream.of(
                new Stale("never rendered", null, false, "no image lot-1234-1 was rendered from it"),
                new Stale("already deleted", Manifest.deleted("lot-1234-1", "e", Instant.now(), Instant.now()), false,
                        "image lot-1234-1 is already deleted"),
                new Stale("re-uploaded under another key", Manifest.pending("lot-1234-1", other, "e", Instant.now()),
                        false, "image lot-1234-1 now comes from another object, lots/1234/lot-1234-1.png"),
                new Stale("written again since", Manifest.pending("lot-1234-1", same, "e", Instant.now()), true,
                        "the object exists again (written after its removal)"));
    }

    /** A late removal notice must never erase what was uploaded after it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("staleRemovals")
    void aRemovalThatNoLongerConcernsTheImageIsIgnored(Stale c) throws Exception {
        if (c.manifest() != null) {
            manifest(c.manifest());
        }
        when(store.etag("originals", "lots/1234/lot-1234-1.jpg")).thenReturn(c.objectBack() ? Optional.of("e") : Optional.empty());
        notify(removed("lots%2F1234%2Flot-1234-1.jpg")).andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(0))
                .andExpect(jsonPath("$.ignored[0].reason").value(c.reason()));
        verifyNoInteractions(publisher);
    }

    @Test
    void otherBucketsAndEventsAreIgnoredNamingWhy() throws Exception {
        String thumbnails = PUT.replace("\"name\": \"originals\"", "\"name\": \"thumbnails\"");
        notify(thumbnails).andExpect(status().isAccepted())
                .andExpect(jsonPath("$.ignored[0].reason").value("bucket thumbnails is not the originals bucket originals"));
        notify(PUT.replace("\"eventName\": \"s3:ObjectCreated:Put\"", "\"eventName\": \"s3:ObjectAccessed:Get\""))
                .andExpect(jsonPath("$.ignored[0].reason")
                        .value("event s3:ObjectAccessed:Get is neither s3:ObjectCreated:* nor s3:ObjectRemoved:*"));
        verifyNoInteractions(publisher);
    }

    record Bad(String name, String body, String field, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badNotifications() {
        return Stream.of(
                new Bad("not MinIO's format", "{\"hello\": 1}", "body",
                        "is not a MinIO notification: expected {\"EventName\", \"Key\", \"Records\": [...]}"),
                new Bad("records not a list", "{\"EventName\": \"x\", \"Records\": {}}", "Records", "must be an array"),
                new Bad("a key with a traversal", PUT.replace("lots%2F1234%2Flot-1234-1.jpg", "..%2Fsecrets.jpg"),
                        "Records[0].s3.object.key", "must not contain '..'"),
                new Bad("a key with a control character", PUT.replace("lots%2F1234%2Flot-1234-1.jpg", "a%0Ab.jpg"),
                        "Records[0].s3.object.key", "must not contain control characters"),
                new Bad("an imageId that cannot be", PUT.replace("lots%2F1234%2Flot-1234-1.jpg", "lots%2Fa%20b.jpg"),
                        "Records[0].s3.object.key",
                        "names the imageId \"a b\", which must be 1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'"),
                new Bad("no bucket", PUT.replace("\"name\": \"originals\", ", ""), "Records[0].s3.bucket.name", "is required"),
                new Bad("a negative size", PUT.replace("\"size\": 48213", "\"size\": -1"), "Records[0].s3.object.size",
                        "must not be negative"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNotifications")
    void aBadNotificationIsAProblemNamingTheField(Bad c) throws Exception {
        notify(c.body()).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value(c.field()))
                .andExpect(jsonPath("$.errors[0].message").value(c.message()));
        verifyNoInteractions(publisher);
        verify(store, never()).put(anyString(), anyString(), any(), anyString(), any(), anyMap());
    }
}
