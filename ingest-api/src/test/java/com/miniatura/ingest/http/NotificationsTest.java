package com.miniatura.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
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
import com.miniatura.common.storage.ObjectHead;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
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
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * {@code POST /v1/notifications/minio}: MinIO's webhook format turned into events, checked against storage (a
 * notification is a hint: imageId, ETag, size and type come from a HEAD of the object, never from the body), the API's
 * own writes and stale removals recognised, bad records named. The payload is MinIO's, as its webhook target sends it.
 */
@IngestWebTest
class NotificationsTest {
    static final String PUT = resource("/minio/put-notification.json");
    static final String KEY = "lots/1234/lot-1234-1.jpg";
    static final String ETAG = "430f89010c77aa34fc8760696da62d08";
    static final Instant WRITTEN = Instant.parse("2026-11-23T10:41:54Z");

    @Autowired
    MockMvc http;

    @Autowired
    ObjectStore store;

    @Autowired
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
        when(store.get(anyString(), anyString(), anyLong())).thenReturn(Optional.empty());
        when(store.etag(anyString(), anyString())).thenReturn(Optional.empty());
        when(store.head(anyString(), anyString())).thenReturn(Optional.empty());
    }

    private ResultActions notify(String body) throws Exception {
        return http.perform(post("/v1/notifications/minio")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body));
    }

    private List<ImageEvent> published() {
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<ImageEvent>> events = ArgumentCaptor.forClass(List.class);
        verify(publisher).publishAll(events.capture());
        return events.getValue();
    }

    private void manifest(Manifest m) {
        when(store.get(eq("metadata"), eq(m.imageId() + "/manifest.json"), anyLong()))
                .thenReturn(Optional.of(new StoredObject(ManifestCodec.write(m), "x", "application/json", Map.of())));
    }

    /** Storage has {@code originals/key} as described. */
    private void stored(
            String key, String etag, long size, String type, Instant written, Map<String, String> metadata) {
        when(store.head("originals", key)).thenReturn(Optional.of(new ObjectHead(etag, size, type, written, metadata)));
    }

    /** The object of {@link #PUT} as storage has it. */
    private void stored() {
        stored(KEY, ETAG, 48213L, "image/jpeg", WRITTEN, Map.of("lot-id", "lot-1234"));
    }

    private void nothingPublishedOrWritten() {
        verifyNoInteractions(publisher);
        verify(store, never()).put(anyString(), anyString(), any(), any());
    }

    @Test
    void anObjectCreatedInOriginalsIsPublishedAsAnUpload() throws Exception {
        stored();
        notify(PUT)
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(1))
                .andExpect(jsonPath("$.events[0].imageId").value("lot-1234-1"))
                .andExpect(jsonPath("$.events[0].type").value("image.uploaded"))
                .andExpect(jsonPath("$.events[0].key").value(KEY))
                .andExpect(jsonPath("$.ignored").isEmpty());
        assertThat(published())
                .singleElement()
                .satisfies(e -> assertThat(e.data())
                        .isEqualTo(new ImageUploaded(
                                "lot-1234-1", "lot-1234", "originals", KEY, ETAG, 48213L, "image/jpeg")));
        // pending before the event exists, as for every upload
        verify(store)
                .put(
                        eq("metadata"),
                        eq("lot-1234-1/manifest.json"),
                        any(),
                        argThat((PutOptions o) -> o.contentType().equals("application/json")));
    }

    /** What POST /v1/uploads has the client send, and the storage server keep: the imageId as metadata. */
    @Test
    void theImageIdComesFromTheStoredObjectsMetadataFirst() throws Exception {
        stored(KEY, ETAG, 48213L, "image/jpeg", WRITTEN, Map.of("image-id", "seller-77-photo-3"));
        notify(PUT).andExpect(status().isAccepted());
        assertThat(((ImageUploaded) published().get(0).data()).imageId()).isEqualTo("seller-77-photo-3");
    }

    /**
     * Regression: a notify-only key repointed any image at a key that does not exist, by naming the image in the
     * body's userMetadata (the image then failed, "original not found", and the matching removal erased it).
     */
    @Test
    void aCreatedRecordForAnObjectStorageDoesNotHaveIsNotPublished() throws Exception {
        String forged = PUT.replace("lots%2F1234%2Flot-1234-1.jpg", "nothing-here.jpg")
                .replace("\"X-Amz-Meta-Lot-Id\": \"lot-1234\"", "\"X-Amz-Meta-Image-Id\": \"victim\"");
        notify(forged)
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(0))
                .andExpect(jsonPath("$.ignored[0].key").value("nothing-here.jpg"))
                .andExpect(jsonPath("$.ignored[0].reason")
                        .value("storage has no such object (removed since, or never written)"));
        nothingPublishedOrWritten();
        verify(store).head("originals", "nothing-here.jpg");
    }

    /**
     * Regression: with an existing key, the body's imageId, ETag, size and type were published as they stood, so a
     * notify-only key could render any original into another image's thumbnails. Storage's answer wins.
     */
    @Test
    void whatTheBodyClaimsOfAnExistingObjectIsIgnoredForWhatStorageSays() throws Exception {
        stored(KEY, ETAG, 48213L, "image/jpeg", WRITTEN, Map.of("image-id", "owner-1"));
        String forged = PUT.replace("\"X-Amz-Meta-Lot-Id\": \"lot-1234\"", "\"X-Amz-Meta-Image-Id\": \"victim\"")
                .replace("\"size\": 48213", "\"size\": 1")
                .replace("\"eTag\": \"" + ETAG + "\"", "\"eTag\": \"forged\"")
                .replace("\"contentType\": \"image/jpeg\"", "\"contentType\": \"text/html\"");
        notify(forged)
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.events[0].imageId").value("owner-1"));
        assertThat(published())
                .singleElement()
                .satisfies(e -> assertThat(e.data())
                        .isEqualTo(new ImageUploaded("owner-1", null, "originals", KEY, ETAG, 48213L, "image/jpeg")));
        verify(store, never()).get(eq("metadata"), eq("victim/manifest.json"), anyLong());
        verify(store, never()).put(eq("metadata"), eq("victim/manifest.json"), any(), any());
    }

    /** POST /v1/images writes the original itself, and MinIO tells of that write too: one render, not two. */
    @Test
    void theApisOwnUploadIsNotPublishedTwice() throws Exception {
        stored();
        manifest(Manifest.pending(
                "lot-1234-1",
                Manifest.Source.of("originals", KEY, "\"" + ETAG + "\"", 48213L, "image/jpeg"),
                "e1",
                Instant.now()));
        notify(PUT)
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(0))
                .andExpect(jsonPath("$.ignored[0].key").value(KEY))
                .andExpect(
                        jsonPath("$.ignored[0].reason").value("image lot-1234-1 is already pending from this object"));
        verifyNoInteractions(publisher);
    }

    @Test
    void aNewVersionOfTheObjectIsRenderedAgain() throws Exception {
        stored();
        manifest(Manifest.rendered(
                "lot-1234-1",
                Manifest.Source.of("originals", KEY, "older-etag", 40000L, "image/jpeg"),
                List.of(),
                null,
                "e0",
                Instant.now()));
        notify(PUT)
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(1));
        assertThat(published()).hasSize(1);
    }

    record Late(String name, Manifest manifest, Instant currentWritten, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Late> lateCreations() {
        Manifest.Source png = Manifest.Source.of("originals", "lots/1234/lot-1234-1.png", "p", 1L, "image/png");
        Instant after = WRITTEN.plusSeconds(60);
        Instant before = WRITTEN.minusSeconds(60);
        return Stream.of(
                new Late(
                        "written before the image was deleted",
                        Manifest.deleted("lot-1234-1", "d", after, after),
                        null,
                        "the object was written before image lot-1234-1 was deleted"),
                new Late(
                        "the image comes from a newer object",
                        Manifest.rendered("lot-1234-1", png, List.of(), null, "e", after),
                        after,
                        "image lot-1234-1 comes from a newer object"),
                new Late(
                        "the image comes from an object written as late",
                        Manifest.rendered("lot-1234-1", png, List.of(), null, "e", after),
                        WRITTEN,
                        "image lot-1234-1 comes from a newer object"),
                new Late(
                        "the image comes from an older object",
                        Manifest.rendered("lot-1234-1", png, List.of(), null, "e", after),
                        before,
                        null),
                new Late(
                        "the image's object is gone",
                        Manifest.rendered("lot-1234-1", png, List.of(), null, "e", after),
                        null,
                        null),
                new Late(
                        "written after the image was deleted",
                        Manifest.deleted("lot-1234-1", "d", before, before),
                        null,
                        null));
    }

    /**
     * A late or replayed notice of an object never rolls its image back to it: not past the image's deletion, nor
     * past a newer original (the API's keys differ only by extension, so a replaced JPEG stays next to its PNG).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("lateCreations")
    void anObjectOlderThanWhatItsImageNowComesFromIsNotPublished(Late c) throws Exception {
        stored();
        manifest(c.manifest());
        if (c.currentWritten() != null) {
            stored("lots/1234/lot-1234-1.png", "p", 1L, "image/png", c.currentWritten(), Map.of());
        }
        if (c.reason() == null) {
            notify(PUT)
                    .andExpect(status().isAccepted())
                    .andExpect(jsonPath("$.accepted").value(1));
            return;
        }
        notify(PUT)
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(0))
                .andExpect(jsonPath("$.ignored[0].reason").value(c.reason()));
        nothingPublishedOrWritten();
    }

    static String removed(String key) {
        return PUT.replace("s3:ObjectCreated:Put", "s3:ObjectRemoved:Delete")
                .replace("lots%2F1234%2Flot-1234-1.jpg", key);
    }

    /** As MinIO and S3 send a removal: the key and nothing else about the object. */
    static String removedAsMinioSendsIt(String key) {
        return removed(key)
                .replace("\"size\": 48213,", "")
                .replace("\"eTag\": \"" + ETAG + "\",", "")
                .replace("\"contentType\": \"image/jpeg\",", "")
                .replace(", \"X-Amz-Meta-Lot-Id\": \"lot-1234\"", "");
    }

    @Test
    void removingTheOriginalErasesTheImage() throws Exception {
        manifest(Manifest.rendered(
                "lot-1234-1",
                Manifest.Source.of("originals", KEY, ETAG, 48213L, "image/jpeg"),
                List.of(),
                null,
                "e0",
                Instant.now()));
        notify(removedAsMinioSendsIt("lots%2F1234%2Flot-1234-1.jpg"))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.events[0].type").value("image.deleted"));
        assertThat(published().get(0).data()).isEqualTo(new ImageDeleted("lot-1234-1"));
        verify(store).head("originals", KEY);
    }

    /**
     * Regression: a removal erased the image its body's userMetadata named, whatever object the image came from. The
     * image is the one the key names, and only if it still comes from that object.
     */
    @Test
    void aRemovalNamingAnotherImageInItsBodyErasesNothingOfIt() throws Exception {
        manifest(Manifest.rendered(
                "victim",
                Manifest.Source.of("originals", "victim.jpg", "v", 1L, "image/jpeg"),
                List.of(),
                null,
                "e0",
                Instant.now()));
        notify(removed("nothing-here.jpg")
                        .replace("\"X-Amz-Meta-Lot-Id\": \"lot-1234\"", "\"X-Amz-Meta-Image-Id\": \"victim\""))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(0))
                .andExpect(jsonPath("$.ignored[0].reason").value("no image nothing-here was rendered from it"));
        notify(removed("victim.jpg"))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(0))
                .andExpect(jsonPath("$.ignored[0].reason")
                        .value("image victim comes from another version of this object"));
        nothingPublishedOrWritten();
    }

    record Stale(String name, Manifest manifest, boolean objectBack, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Stale> staleRemovals() {
        Manifest.Source other = Manifest.Source.of("originals", "lots/1234/lot-1234-1.png", "e", 1L, "image/png");
        Manifest.Source same = Manifest.Source.of("originals", KEY, ETAG, 1L, "image/jpeg");
        Manifest.Source elsewhere = Manifest.Source.of("marketplace", KEY, ETAG, 1L, "image/jpeg");
        return Stream.of(
                new Stale("never rendered", null, false, "no image lot-1234-1 was rendered from it"),
                new Stale(
                        "already deleted",
                        Manifest.deleted("lot-1234-1", "e", Instant.now(), Instant.now()),
                        false,
                        "image lot-1234-1 is already deleted"),
                new Stale(
                        "re-uploaded under another key",
                        Manifest.pending("lot-1234-1", other, "e", Instant.now()),
                        false,
                        "image lot-1234-1 comes from another object"),
                new Stale(
                        "rendered from the same key in another bucket",
                        Manifest.rendered("lot-1234-1", elsewhere, List.of(), null, "e", Instant.now()),
                        false,
                        "image lot-1234-1 comes from another object"),
                new Stale(
                        "written again since",
                        Manifest.pending("lot-1234-1", same, "e", Instant.now()),
                        true,
                        "storage still has the object (written again since its removal, or never removed)"));
    }

    /** A late removal notice must never erase what was uploaded after it, nor anything while the object exists. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("staleRemovals")
    void aRemovalThatNoLongerConcernsTheImageIsIgnored(Stale c) throws Exception {
        if (c.manifest() != null) {
            manifest(c.manifest());
        }
        if (c.objectBack()) {
            stored();
        }
        notify(removedAsMinioSendsIt("lots%2F1234%2Flot-1234-1.jpg"))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(0))
                .andExpect(jsonPath("$.ignored[0].reason").value(c.reason()));
        verifyNoInteractions(publisher);
    }

    @Test
    void otherBucketsAndEventsAreIgnoredNamingWhy() throws Exception {
        String thumbnails = PUT.replace("\"name\": \"originals\"", "\"name\": \"thumbnails\"");
        notify(thumbnails)
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.ignored[0].reason")
                        .value("bucket thumbnails is not the originals bucket originals"));
        notify(PUT.replace("\"eventName\": \"s3:ObjectCreated:Put\"", "\"eventName\": \"s3:ObjectAccessed:Get\""))
                .andExpect(jsonPath("$.ignored[0].reason")
                        .value("event s3:ObjectAccessed:Get is neither s3:ObjectCreated:* nor s3:ObjectRemoved:*"));
        verifyNoInteractions(publisher);
        verify(store, never()).head(anyString(), anyString());
    }

    /** An object no image can come from is ignored with the reason (a 400 would only have MinIO retry it forever). */
    @Test
    void anObjectNamingNoValidImageIsIgnoredNamingWhy() throws Exception {
        stored("lots/a b.jpg", ETAG, 1L, "image/jpeg", WRITTEN, Map.of());
        notify(PUT.replace("lots%2F1234%2Flot-1234-1.jpg", "lots%2Fa%20b.jpg"))
                .andExpect(status().isAccepted())
                .andExpect(
                        jsonPath("$.ignored[0].reason")
                                .value(
                                        "no image can come from it: its file name names the"
                                                + " imageId \"a b\", which must be 1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'"));
        stored(KEY, ETAG, 1L, "image/jpeg", WRITTEN, Map.of("image-id", "../x"));
        notify(PUT)
                .andExpect(status().isAccepted())
                .andExpect(
                        jsonPath("$.ignored[0].reason")
                                .value(
                                        "no image can come from it: its x-amz-meta-image-id"
                                                + " names the imageId \"../x\", which must be 1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'"));
        nothingPublishedOrWritten();
    }

    record Bad(String name, String body, String field, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badNotifications() {
        return Stream.of(
                new Bad(
                        "not MinIO's format",
                        "{\"hello\": 1}",
                        "body",
                        "is not a MinIO notification: expected {\"EventName\", \"Key\", \"Records\": [...]}"),
                new Bad("records not a list", "{\"EventName\": \"x\", \"Records\": {}}", "Records", "must be an array"),
                new Bad(
                        "a key with a traversal",
                        PUT.replace("lots%2F1234%2Flot-1234-1.jpg", "..%2Fsecrets.jpg"),
                        "Records[0].s3.object.key",
                        "must not contain '..'"),
                new Bad(
                        "a key with a control character",
                        PUT.replace("lots%2F1234%2Flot-1234-1.jpg", "a%0Ab.jpg"),
                        "Records[0].s3.object.key",
                        "must not contain control characters"),
                new Bad(
                        "no bucket",
                        PUT.replace("\"name\": \"originals\", ", ""),
                        "Records[0].s3.bucket.name",
                        "is required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNotifications")
    void aBadNotificationIsAProblemNamingTheField(Bad c) throws Exception {
        notify(c.body())
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value(c.field()))
                .andExpect(jsonPath("$.errors[0].message").value(c.message()));
        nothingPublishedOrWritten();
    }
}
