package com.miniatura.ingest.http;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.common.storage.StoredObject;
import com.miniatura.ingest.publish.BrokerUnavailableException;
import com.miniatura.ingest.publish.EventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * An image {@code pending} for longer than {@code miniatura.ingest.stuck.after} (1h) is reported stuck by the status
 * read and the image page, with since when and what brings it back; the status stays {@code pending}. Regression: such
 * an image read {@code pending} forever, and nothing told the seller it was stuck. Each upload also gets its pending
 * marker in the metadata bucket, which the sweep counts.
 */
@IngestWebTest
class StuckImagesTest {
    private static final Manifest.Source SOURCE = Manifest.Source.of("originals", "img-1.jpg", "e", 10L, "image/jpeg");
    private static final Instant LONG_AGO = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final String VALID = "{\"imageId\":\"img-1\",\"bucket\":\"originals\",\"key\":\"img-1.jpg\"}";

    @Autowired
    MockMvc http;

    @Autowired
    ObjectStore store;

    @Autowired
    EventPublisher publisher;

    private void stored(Manifest manifest) {
        when(store.get(eq("metadata"), eq("img-1/manifest.json"), anyLong()))
                .thenReturn(Optional.of(
                        new StoredObject(ManifestCodec.write(manifest), "x", "application/json", Map.of())));
    }

    @Test
    void aPendingStatusOlderThanStuckAfterIsReportedStuckWithSinceWhenAndWhatBringsItBack() throws Exception {
        stored(Manifest.pending("img-1", SOURCE, "ev-1", LONG_AGO));
        http.perform(get("/v1/images/img-1"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("pending"))
                .andExpect(jsonPath("$.stuck").value(true))
                .andExpect(jsonPath("$.reason")
                        .value("pending since 2026-01-02T03:04:05Z, over 1h; operators re-publish"
                                + " stuck images with rerender --mode=missing"));
        http.perform(get("/images/img-1"))
                .andExpect(status().isOk())
                .andExpect(
                        content()
                                .string(
                                        containsString(
                                                "<p class=\"reason stuck\">Stuck: pending since"
                                                        + " 2026-01-02T03:04:05Z, over 1h; operators re-publish stuck images with rerender --mode=missing</p>")));
    }

    /** A render the worker started on an image without a status (no time of its own) counts from that start. */
    @Test
    void aPendingStatusWithoutATimeCountsFromTheRenderStart() throws Exception {
        stored(Manifest.pending("img-1", SOURCE, "ev-1", null)
                .withAttempt(new Manifest.Attempt("ev-1", 0, "w", LONG_AGO)));
        http.perform(get("/v1/images/img-1"))
                .andExpect(jsonPath("$.stuck").value(true))
                .andExpect(jsonPath("$.reason").value(containsString("pending since 2026-01-02T03:04:05Z")));
    }

    @Test
    void aFreshPendingStatusIsJustPending() throws Exception {
        stored(Manifest.pending("img-1", SOURCE, "ev-1", Instant.now().minus(Duration.ofMinutes(5))));
        http.perform(get("/v1/images/img-1"))
                .andExpect(jsonPath("$.status").value("pending"))
                .andExpect(jsonPath("$.stuck").doesNotExist())
                .andExpect(jsonPath("$.reason").doesNotExist());
        http.perform(get("/images/img-1")).andExpect(content().string(not(containsString("Stuck"))));
    }

    @Test
    void onlyPendingCanBeStuck() throws Exception {
        stored(Manifest.failed(
                "img-1",
                SOURCE,
                "dead-lettered after 10 attempts: storage unavailable; replay with"
                        + " replay-dlq --error-class=StorageUnavailableException --miniatura.kafka.topic=miniatura.images",
                "ev-1",
                LONG_AGO));
        http.perform(get("/v1/images/img-1"))
                .andExpect(jsonPath("$.status").value("failed"))
                .andExpect(jsonPath("$.stuck").doesNotExist())
                .andExpect(
                        jsonPath("$.reason")
                                .value(
                                        "dead-lettered after 10 attempts: storage unavailable; replay with"
                                                + " replay-dlq --error-class=StorageUnavailableException --miniatura.kafka.topic=miniatura.images"));
    }

    @Test
    void anUploadIsMarkedPendingInTheMetadataBucketAndADeletionIsNot() throws Exception {
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(VALID))
                .andExpect(status().isAccepted());
        verify(store)
                .put(
                        eq("metadata"),
                        eq("pending~/img-1"),
                        any(),
                        argThat((PutOptions o) -> o.contentType().equals("application/octet-stream")));
        http.perform(delete("/v1/images/img-2")).andExpect(status().isAccepted());
        verify(store, never()).put(eq("metadata"), eq("pending~/img-2"), any(), any());
    }

    /** The marker is a count's hint: one that cannot be written never refuses the upload. */
    @Test
    void aMarkerThatCannotBeWrittenDoesNotRefuseTheUpload() throws Exception {
        doThrow(new StorageUnavailableException("put metadata/pending~/img-1 failed", null))
                .when(store)
                .put(eq("metadata"), eq("pending~/img-1"), any(), any());
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(VALID))
                .andExpect(status().isAccepted());
    }

    /** A refused publish puts the previous status back, and takes the marker away unless that status was pending. */
    @Test
    void aRefusedPublishRemovesTheMarkerItWrote() throws Exception {
        doThrow(new BrokerUnavailableException("Kafka is unavailable", null))
                .when(publisher)
                .publishAll(any());
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(VALID))
                .andExpect(status().isServiceUnavailable());
        verify(store).remove("metadata", "pending~/img-1");
    }

    @Test
    void aRefusedPublishKeepsTheMarkerOfAnImagePendingBefore() throws Exception {
        when(store.get(eq("metadata"), eq("img-1/manifest.json"), anyLong()))
                .thenReturn(Optional.of(new StoredObject(
                        ManifestCodec.write(Manifest.pending("img-1", SOURCE, "ev-0", LONG_AGO)),
                        "x",
                        "application/json",
                        Map.of())));
        doThrow(new BrokerUnavailableException("Kafka is unavailable", null))
                .when(publisher)
                .publishAll(any());
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(VALID))
                .andExpect(status().isServiceUnavailable());
        verify(store, never()).remove("metadata", "pending~/img-1");
    }
}
