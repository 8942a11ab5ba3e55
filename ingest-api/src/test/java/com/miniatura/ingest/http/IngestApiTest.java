package com.miniatura.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.common.storage.StoredObject;
import com.miniatura.ingest.publish.BrokerUnavailableException;
import com.miniatura.ingest.publish.EventPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.ArgumentMatchers;
import org.mockito.InOrder;
import org.mockito.Mockito;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/** The HTTP contract of the ingest API with storage and Kafka replaced by mocks. */
@IngestWebTest
@TestPropertySource(
        properties = {
            "miniatura.ingest.max-upload-size=1KB",
            "miniatura.ingest.max-batch=3",
            "miniatura.storage.extra-source-buckets=marketplace-photos"
        })
class IngestApiTest {
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
    private static final String VALID = "{\"imageId\":\"img-1\",\"bucket\":\"originals\",\"key\":\"img-1.jpg\"}";

    @Autowired
    MockMvc http;

    @Autowired
    ObjectStore store;

    @Autowired
    EventPublisher publisher;

    @Test
    void acceptsOneEventAfterMarkingItPendingAndPublishing() throws Exception {
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(VALID))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(1))
                .andExpect(jsonPath("$.events[0].imageId").value("img-1"))
                .andExpect(jsonPath("$.events[0].status").value("pending"));
        ArgumentCaptor<byte[]> manifest = ArgumentCaptor.forClass(byte[].class);
        verify(store)
                .put(
                        eq("metadata"),
                        eq("img-1/manifest.json"),
                        manifest.capture(),
                        argThat((PutOptions o) -> o.contentType().equals("application/json")));
        assertThat(ManifestCodec.read(manifest.getValue()).status()).isEqualTo("pending");
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<ImageEvent>> events = ArgumentCaptor.forClass(List.class);
        verify(publisher).publishAll(events.capture());
        assertThat(events.getValue()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("image.uploaded");
            assertThat(e.source()).isEqualTo("/miniatura/ingest-api");
            assertThat(((ImageUploaded) e.data()).key()).isEqualTo("img-1.jpg");
        });
    }

    /** W3C trace context: continued from the caller, or started; visible to the publisher (its Kafka header). */
    @Test
    void theCallersTraceIsContinuedOrOneIsStarted() throws Exception {
        String caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        List<String> seen = new ArrayList<>();
        Mockito.doAnswer(call -> seen.add(MDC.get("traceparent")))
                .when(publisher)
                .publishAll(ArgumentMatchers.any());
        List<String> writes = new CopyOnWriteArrayList<>();
        Mockito.doAnswer(call -> {
                    writes.add(MDC.get("traceId") + " " + MDC.get("imageId"));
                    return "etag";
                })
                .when(store)
                .put(eq("metadata"), ArgumentMatchers.endsWith("/manifest.json"), any(), any());
        http.perform(post("/v1/events")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(VALID)
                        .header("traceparent", caller))
                .andExpect(status().isAccepted())
                .andExpect(header().string("traceparent", caller));
        String started = http.perform(post("/v1/events")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(VALID)
                        .header("traceparent", "01-not-a-trace"))
                .andExpect(status().isAccepted())
                .andReturn()
                .getResponse()
                .getHeader("traceparent");
        assertThat(started)
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01")
                .doesNotContain("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(seen).containsExactly(caller, started);
        // the status writes run on a pool: they log with the request's trace and their image too
        assertThat(writes)
                .containsExactly("4bf92f3577b34da6a3ce929d0e0e4736 img-1", started.substring(3, 35) + " img-1");
        assertThat(MDC.get("traceparent")).as("cleared after the request").isNull();
    }

    @Test
    void acceptsABatch() throws Exception {
        String batch = IntStream.range(0, 3)
                .mapToObj(i -> "{\"imageId\":\"img-" + i + "\",\"bucket\":\"originals\",\"key\":\"k" + i + ".jpg\"}")
                .collect(Collectors.joining(",", "{\"events\":[", "]}"));
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(batch))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.accepted").value(3))
                .andExpect(jsonPath("$.events[2].imageId").value("img-2"));
    }

    /**
     * Regression: an event could name any bucket the workers' credentials read, and its object was rendered into the
     * public thumbnails bucket (and erased with the image). Only the originals bucket and the extra source buckets.
     */
    @Test
    void anEventNamingABucketThatIsNotASourceIsRefusedNamingTheField() throws Exception {
        String batch = "{\"events\":[{\"imageId\":\"img-1\",\"bucket\":\"marketplace-photos\",\"key\":\"p/1.jpg\"},"
                + "{\"imageId\":\"img-2\",\"bucket\":\"billing-exports\",\"key\":\"2026/11.csv\"},"
                + "{\"imageId\":\"img-3\",\"bucket\":\"thumbnails\",\"key\":\"victim/z1600.jpg\"}]}";
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(batch))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(
                        jsonPath("$.errors[*].field").value(Matchers.contains("events[1].bucket", "events[2].bucket")))
                .andExpect(jsonPath("$.errors[0].message")
                        .value("must be one of the source buckets [originals, marketplace-photos]"));
        http.perform(post("/v1/events")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"imageId\":\"img-2\",\"bucket\":\"billing-exports\",\"key\":\"2026/11.csv\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("bucket"));
        verify(publisher, never()).publishAll(any());
        verify(store, never()).put(anyString(), anyString(), any(), any());

        http.perform(post("/v1/events")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"imageId\":\"img-1\",\"bucket\":\"marketplace-photos\",\"key\":\"p/1.jpg\"}"))
                .andExpect(status().isAccepted());
    }

    @Test
    void refusesABatchWithBadEventsNamingEveryFieldAndPublishesNothing() throws Exception {
        String batch = "{\"events\":[" + VALID + ",{\"imageId\":\"a/b\",\"bucket\":\"originals\",\"key\":\"../x\"},"
                + "{\"bucket\":\"originals\",\"key\":\"k\",\"size\":\"big\",\"colour\":1}]}";
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(batch))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.title").value("Invalid request"))
                .andExpect(jsonPath("$.errors[*].field")
                        .value(Matchers.contains(
                                "events[1].imageId",
                                "events[1].key",
                                "events[2].colour",
                                "events[2].size",
                                "events[2].imageId")))
                .andExpect(jsonPath("$.errors[1].message").value("must not contain '..'"));
        verify(publisher, never()).publishAll(any());
        verify(store, never()).put(anyString(), anyString(), any(), any());
    }

    @Test
    void refusesMalformedBodiesAndOversizedBatches() throws Exception {
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content("{\"imageId\":"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("body"))
                .andExpect(jsonPath("$.errors[0].message").value(containsString("is not valid JSON")));
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content("{\"events\":[]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("events: must hold at least one event"));
        String four = "{\"events\":[" + String.join(",", VALID, VALID, VALID, VALID) + "]}";
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(four))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("events: must hold at most 3 events but held 4"));
    }

    @Test
    void answers503WithRetryAfterWhenKafkaDoesNotAcknowledge() throws Exception {
        doThrow(new BrokerUnavailableException("Kafka did not acknowledge the events within 12 s", null))
                .when(publisher)
                .publishAll(any());
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(VALID))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "10"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Event broker unavailable"))
                .andExpect(jsonPath("$.detail")
                        .value("Kafka did not acknowledge the events within 12 s; nothing was accepted, retry later"));
    }

    @Test
    void refusedPublishPutsBackThePreviousStatusOrRemovesTheNewOne() throws Exception {
        byte[] rendered = ManifestCodec.write(Manifest.rendered("img-1", null, List.of(), null, "old", Instant.EPOCH));
        when(store.get(eq("metadata"), eq("img-1/manifest.json"), anyLong()))
                .thenReturn(Optional.of(new StoredObject(rendered, "x", "application/json", Map.of())));
        when(store.get(eq("metadata"), eq("img-2/manifest.json"), anyLong())).thenReturn(Optional.empty());
        doThrow(new BrokerUnavailableException("Kafka is unavailable", null))
                .when(publisher)
                .publishAll(any());
        String batch = "{\"events\":[" + VALID + ",{\"imageId\":\"img-2\",\"bucket\":\"originals\",\"key\":\"k2\"}]}";
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(batch))
                .andExpect(status().isServiceUnavailable());
        InOrder order = Mockito.inOrder(store);
        order.verify(store)
                .put(
                        eq("metadata"),
                        eq("img-1/manifest.json"),
                        ArgumentMatchers.argThat(
                                json -> ManifestCodec.read(json).status().equals("pending")),
                        any());
        order.verify(store)
                .put(
                        "metadata",
                        "img-1/manifest.json",
                        rendered,
                        PutOptions.of("application/json").withCacheControl("no-cache"));
        verify(store).remove("metadata", "img-2/manifest.json");
    }

    @Test
    void refusesNonJsonEventBodiesWith415() throws Exception {
        http.perform(post("/v1/events").contentType(MediaType.TEXT_PLAIN).content(VALID))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void answers503WhenStorageIsDownAndDoesNotPublish() throws Exception {
        when(store.put(anyString(), anyString(), any(), any()))
                .thenThrow(new StorageUnavailableException(
                        "put metadata/img-1/manifest.json failed: connection refused", null));
        http.perform(post("/v1/events").contentType(MediaType.APPLICATION_JSON).content(VALID))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(jsonPath("$.title").value("Object storage unavailable"));
        verify(publisher, never()).publishAll(any());
    }

    @Test
    void uploadStoresTheOriginalWithItsImageIdAndPublishes() throws Exception {
        AtomicReference<byte[]> stored = new AtomicReference<>();
        Mockito.doAnswer(call -> {
                    stored.set(Files.readAllBytes(call.<Path>getArgument(2)));
                    return "etag-1";
                })
                .when(store)
                .putFile(eq("originals"), anyString(), any(), any());
        http.perform(multipart("/v1/images")
                        .file(new MockMultipartFile("file", "photo.jpeg", "application/octet-stream", JPEG))
                        .param("imageId", "lot-7-1")
                        .param("lotId", "7"))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/v1/images/lot-7-1"))
                .andExpect(jsonPath("$.imageId").value("lot-7-1"))
                .andExpect(jsonPath("$.status").value("pending"));
        verify(store)
                .putFile(
                        eq("originals"),
                        eq("lot-7-1.jpg"),
                        any(),
                        eq(PutOptions.of("image/jpeg").withUserMetadata(Map.of("image-id", "lot-7-1", "lot-id", "7"))));
        assertThat(stored.get()).isEqualTo(JPEG);
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<ImageEvent>> events = ArgumentCaptor.forClass(List.class);
        verify(publisher).publishAll(events.capture());
        assertThat((ImageUploaded) events.getValue().get(0).data()).satisfies(d -> {
            assertThat(d.etag()).isEqualTo("etag-1");
            assertThat(d.size()).isEqualTo(JPEG.length);
            assertThat(d.lotId()).isEqualTo("7");
        });
    }

    @Test
    void uploadWithoutImageIdGetsAGeneratedOne() throws Exception {
        http.perform(multipart("/v1/images").file(new MockMultipartFile("file", "p.jpg", "image/jpeg", JPEG)))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.imageId").value(Matchers.matchesPattern("[0-9a-f-]{36}")));
    }

    @Test
    void uploadRefusalsNameTheField() throws Exception {
        http.perform(multipart("/v1/images").file(new MockMultipartFile("photo", "p.jpg", "image/jpeg", JPEG)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("file"))
                .andExpect(jsonPath("$.errors[0].message").value("is required"));
        http.perform(multipart("/v1/images")
                        .file(new MockMultipartFile("file", "p.jpg", "image/jpeg", JPEG))
                        .param("imageId", "../etc"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("imageId"));
        http.perform(multipart("/v1/images")
                        .file(new MockMultipartFile(
                                "file", "notes.jpg", "image/jpeg", "hello, this is text".getBytes())))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.errors[0].field").value("file"))
                .andExpect(jsonPath("$.errors[0].message").value("unsupported format: text, not an image"));
        http.perform(multipart("/v1/images")
                        .file(new MockMultipartFile("file", "big.jpg", "image/jpeg", new byte[2048])))
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.errors[0].field").value("file"))
                .andExpect(jsonPath("$.detail").value("file: is larger than the limit of 1024 bytes"));
        verify(publisher, never()).publishAll(any());
        verify(store, never()).putFile(anyString(), anyString(), any(), any());
    }

    /** The API used to store a Canon raw or a DNG as TIFF, which the worker then refused. */
    @Test
    void cameraRawIsRefusedAtUploadWithTheWorkersReason() throws Exception {
        byte[] cr2 = {'I', 'I', 0x2A, 0, 0x10, 0, 0, 0, 'C', 'R', 2, 0, 0, 0, 0, 0};
        http.perform(multipart("/v1/images").file(new MockMultipartFile("file", "IMG_0001.CR2", "image/tiff", cr2)))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.errors[0].field").value("file"))
                .andExpect(jsonPath("$.errors[0].message")
                        .value("unsupported format: Canon raw (CR2); we accept JPEG, PNG, GIF, WebP, BMP and TIFF"))
                .andExpect(
                        jsonPath("$.detail")
                                .value(
                                        "file: unsupported format: Canon raw (CR2); we accept JPEG, PNG, GIF, WebP, BMP and TIFF"));
        verify(store, never()).putFile(anyString(), anyString(), any(), any());
    }

    @Test
    void statusReadsTheManifest() throws Exception {
        Manifest rendered = Manifest.rendered(
                "img-1",
                Manifest.Source.of("originals", "img-1.jpg", "e", 10L, "image/jpeg"),
                List.of(new Manifest.Variant("s150", "img-1/s150.jpg", 150, 150, 4711, "image/jpeg", "abcd")),
                "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
                "ev-1",
                Instant.parse("2026-11-22T00:00:00Z"));
        when(store.get(eq("metadata"), eq("img-1/manifest.json"), anyLong()))
                .thenReturn(Optional.of(
                        new StoredObject(ManifestCodec.write(rendered), "x", "application/json", Map.of())));
        http.perform(get("/v1/images/img-1"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("rendered"))
                .andExpect(jsonPath("$.variants[0].name").value("s150"))
                .andExpect(jsonPath("$.variants[0].key").value("img-1/s150.jpg"))
                .andExpect(jsonPath("$.variants[0].bytes").value(4711))
                .andExpect(jsonPath("$.blurhash").value("LEHV6nWB2yk8pyo0adR*.7kCMdnj"))
                .andExpect(jsonPath("$.reason").doesNotExist());

        Manifest failed =
                Manifest.failed("img-2", null, "corrupt image: Premature end of JPEG file", "ev-2", Instant.now());
        when(store.get(eq("metadata"), eq("img-2/manifest.json"), anyLong()))
                .thenReturn(
                        Optional.of(new StoredObject(ManifestCodec.write(failed), "x", "application/json", Map.of())));
        http.perform(get("/v1/images/img-2"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("failed"))
                .andExpect(jsonPath("$.reason").value("corrupt image: Premature end of JPEG file"))
                .andExpect(jsonPath("$.variants").isEmpty());
    }

    /** Regression: a status written before reasons were worded for the public showed anyone the original's key. */
    @Test
    void aStoredReasonNamingStorageIsShownWithoutIt() throws Exception {
        Manifest failed = Manifest.failed(
                "img-3", null, "original not found: originals/secrets/payroll.jpg", "ev-3", Instant.now());
        when(store.get(eq("metadata"), eq("img-3/manifest.json"), anyLong()))
                .thenReturn(
                        Optional.of(new StoredObject(ManifestCodec.write(failed), "x", "application/json", Map.of())));
        http.perform(get("/v1/images/img-3"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.reason").value("original not found"));
        http.perform(get("/images/img-3"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("<p class=\"reason\">Failed: original not found</p>")))
                .andExpect(content().string(Matchers.not(containsString("payroll"))));
    }

    @Test
    void unknownImageIs404ProblemJson() throws Exception {
        when(store.get(anyString(), anyString(), anyLong())).thenReturn(Optional.empty());
        http.perform(get("/v1/images/nope"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("no image with imageId nope was ever accepted"));
    }
}
