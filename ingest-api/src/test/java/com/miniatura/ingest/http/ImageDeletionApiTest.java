package com.miniatura.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.miniatura.common.event.ImageDeleted;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StoredObject;
import com.miniatura.ingest.publish.BrokerUnavailableException;
import com.miniatura.ingest.publish.EventPublisher;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;

/** {@code DELETE /v1/images/{imageId}} and how a deletion shows in the status, with storage and Kafka mocked. */
@IngestWebTest
class ImageDeletionApiTest {
    private static final Manifest.Source ORIGINAL =
            Manifest.Source.of("originals", "img-1.jpg", "e-1", 10L, "image/jpeg");
    private static final Manifest RENDERED = Manifest.rendered(
            "img-1",
            ORIGINAL,
            List.of(new Manifest.Variant("s150", "img-1/s150.jpg", 150, 150, 4711, "image/jpeg", "abcd")),
            "LKO2",
            "ev-1",
            Instant.parse("2026-11-22T00:00:00Z"));
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};

    @Autowired
    MockMvc http;

    @Autowired
    ObjectStore store;

    @Autowired
    EventPublisher publisher;

    @Test
    void marksTheImageDeletingKeepingTheOriginalToEraseThenPublishesTheDeletion() throws Exception {
        statusIs("img-1", RENDERED);
        Instant before = Instant.now();
        http.perform(delete("/v1/images/img-1"))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/v1/images/img-1"))
                .andExpect(jsonPath("$.imageId").value("img-1"))
                .andExpect(jsonPath("$.status").value("deleting"))
                .andExpect(jsonPath("$.eventId").isNotEmpty());

        Manifest deleting = written("img-1");
        assertThat(deleting.status()).isEqualTo("deleting");
        assertThat(deleting.source()).isEqualTo(ORIGINAL);
        assertThat(deleting.variants()).isEmpty();
        assertThat(deleting.deletedAt()).isBetween(before, Instant.now());

        ImageEvent event = published();
        assertThat(event.type()).isEqualTo("image.deleted");
        assertThat(event.data()).isEqualTo(new ImageDeleted("img-1"));
        assertThat(event.time()).isEqualTo(deleting.deletedAt());
        assertThat(event.id()).isEqualTo(deleting.eventId());
    }

    @Test
    void deletingAnImageNeverSeenIsAcceptedToo() throws Exception {
        when(store.get(anyString(), anyString(), anyLong())).thenReturn(Optional.empty());
        http.perform(delete("/v1/images/never-seen")).andExpect(status().isAccepted());
        assertThat(written("never-seen").source()).isNull();
        assertThat(published().data()).isEqualTo(new ImageDeleted("never-seen"));
    }

    @Test
    void aBadImageIdIsAProblemNamingIt() throws Exception {
        http.perform(delete("/v1/images/{id}", "a b"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.errors[0].field").value("imageId"))
                .andExpect(jsonPath("$.errors[0].message")
                        .value("must be 1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'"));
        verify(publisher, never()).publishAll(any());
        verify(store, never()).put(anyString(), anyString(), any(), any());
    }

    @Test
    void whenKafkaRefusesTheDeletionIsRefusedAndTheStatusPutBack() throws Exception {
        byte[] previous = statusIs("img-1", RENDERED);
        doThrow(new BrokerUnavailableException("Kafka is unavailable", null))
                .when(publisher)
                .publishAll(any());
        http.perform(delete("/v1/images/img-1"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(jsonPath("$.title").value("Event broker unavailable"));
        InOrder order = inOrder(store);
        order.verify(store)
                .put(
                        eq("metadata"),
                        eq("img-1/manifest.json"),
                        argThat(json -> ManifestCodec.read(json).status().equals("deleting")),
                        any());
        order.verify(store)
                .put(
                        "metadata",
                        "img-1/manifest.json",
                        previous,
                        PutOptions.of("application/json").withCacheControl("no-cache"));
    }

    @Test
    void theStatusOfADeletedImageSaysWhen() throws Exception {
        statusIs(
                "img-1",
                Manifest.deleted(
                        "img-1", "d-1", Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-23T10:00:02Z")));
        http.perform(get("/v1/images/img-1"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("deleted"))
                .andExpect(jsonPath("$.deletedAt").value("2026-11-23T10:00:00Z"))
                .andExpect(jsonPath("$.variants").isEmpty())
                .andExpect(jsonPath("$.blurhash").doesNotExist());
    }

    @Test
    void anUploadAfterADeletionRemembersTheDeletion() throws Exception {
        Instant deletedAt = Instant.now().minusSeconds(60);
        statusIs("img-1", Manifest.deleted("img-1", "d-1", deletedAt, deletedAt));
        when(store.putFile(eq("originals"), anyString(), any(), any())).thenReturn("etag-2");
        http.perform(multipart("/v1/images")
                        .file(new MockMultipartFile("file", "p.jpg", "image/jpeg", JPEG))
                        .param("imageId", "img-1"))
                .andExpect(status().isAccepted());
        Manifest pending = written("img-1");
        assertThat(pending.status()).isEqualTo("pending");
        assertThat(pending.deletedAt()).isEqualTo(deletedAt);
        assertThat(pending.deletedSince(published().time()))
                .as("the new upload is after the deletion")
                .isFalse();
    }

    private byte[] statusIs(String imageId, Manifest manifest) {
        byte[] json = ManifestCodec.write(manifest);
        when(store.get(eq("metadata"), eq(imageId + "/manifest.json"), anyLong()))
                .thenReturn(Optional.of(new StoredObject(json, "x", "application/json", Map.of())));
        return json;
    }

    private Manifest written(String imageId) {
        ArgumentCaptor<byte[]> json = ArgumentCaptor.forClass(byte[].class);
        verify(store)
                .put(
                        eq("metadata"),
                        eq(imageId + "/manifest.json"),
                        json.capture(),
                        argThat((PutOptions o) ->
                                o.contentType().equals("application/json") && "no-cache".equals(o.cacheControl())));
        return ManifestCodec.read(json.getValue());
    }

    private ImageEvent published() {
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<ImageEvent>> events = ArgumentCaptor.forClass(List.class);
        verify(publisher).publishAll(events.capture());
        assertThat(events.getValue()).hasSize(1);
        return events.getValue().get(0);
    }
}
