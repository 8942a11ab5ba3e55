package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.publish.EventPublisher;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * No write succeeds without valid credentials, on a real server (the body a signature covers is the one Tomcat
 * receives, multipart included): every write endpoint against a missing, wrong, expired, tampered, replayed or
 * out-of-scope credential, and with a good one. Storage and Kafka are mocks, so "nothing was written" is checked.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "miniatura.kafka.create-topic=false",
        "miniatura.storage.create-buckets=false",
        "miniatura.ingest.auth.dev-key=",
        "miniatura.ingest.auth.api-keys.uploader.sha256=" + AuthenticationTest.UPLOADER_SHA256,
        "miniatura.ingest.auth.api-keys.uploader.scopes=upload",
        "miniatura.ingest.auth.api-keys.everything.sha256=" + AuthenticationTest.EVERYTHING_SHA256,
        "miniatura.ingest.auth.api-keys.everything.scopes=upload,delete,notify",
        "miniatura.ingest.auth.api-keys.limited.sha256=" + AuthenticationTest.LIMITED_SHA256,
        "miniatura.ingest.auth.api-keys.limited.scopes=upload",
        "miniatura.ingest.auth.api-keys.limited.burst=2",
        "miniatura.ingest.auth.api-keys.limited.requests-per-second=0.05",
        "miniatura.ingest.auth.hmac-keys.legacy.secret=" + AuthenticationTest.SECRET,
        "miniatura.ingest.auth.hmac-keys.legacy.scopes=upload,delete,notify"})
@ExtendWith(OutputCaptureExtension.class)
class AuthenticationTest {
    static final String UPLOADER = "uploader-key-9f2c4e1a7b3d5f60";
    static final String UPLOADER_SHA256 = "704e245ec3a77a610b9c5df11e9e057ad7a221ebe25a617ea4e1d90b4433980c"; // printf %s $UPLOADER | sha256sum
    static final String EVERYTHING = "everything-key-2b7e151628aed2a6";
    static final String EVERYTHING_SHA256 = "bb64707f2b969b71e347bfb8e88086744c9f37209bf98ab40447b09acf11ba5c";
    static final String LIMITED = "limited-key-3243f6a8885a308d3";
    static final String LIMITED_SHA256 = "43768b735a0d68995688cda21fc58f43318cb1c0e5603da17bc30782b5d257c2";
    static final String SECRET = "hmac-secret-6a09e667f3bcc908b2fb1366ea957d3e";
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @MockitoBean
    ObjectStore store;

    @MockitoBean
    EventPublisher publisher;

    final HttpClient http = HttpClient.newHttpClient();

    /**
     * A fresh timestamp for each signed request that should succeed: the same body signed in the same second is
     * the same signature, which the server accepts once (a real client's requests differ in body or second).
     */
    private static final java.util.concurrent.atomic.AtomicLong SECONDS_AGO = new java.util.concurrent.atomic.AtomicLong();

    private static long freshTimestamp() {
        return Instant.now().getEpochSecond() - SECONDS_AGO.incrementAndGet();
    }

    /** A write endpoint and a valid request body for it. */
    record Endpoint(String name, String method, String path, String contentType, byte[] body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final String BOUNDARY = "miniatura-test-boundary";

    static byte[] multipart(String imageId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"imageId\"\r\n\r\n" + imageId + "\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(JPEG);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static final String NOTIFICATION = """
            {"EventName":"s3:ObjectCreated:Put","Key":"originals/img-9.jpg","Records":[{"eventVersion":"2.0",
             "eventSource":"minio:s3","eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":"originals"},
             "object":{"key":"img-9.jpg","size":10,"eTag":"d41d8cd98f00b204e9800998ecf8427e","contentType":"image/jpeg"}}}]}""";

    static Stream<Endpoint> endpoints() {
        return Stream.of(
                new Endpoint("events", "POST", "/v1/events", "application/json",
                        "{\"imageId\":\"img-1\",\"bucket\":\"originals\",\"key\":\"img-1.jpg\"}".getBytes(StandardCharsets.UTF_8)),
                new Endpoint("images", "POST", "/v1/images", "multipart/form-data; boundary=" + BOUNDARY, multipart("img-2")),
                new Endpoint("uploads", "POST", "/v1/uploads", "application/json",
                        "{\"contentType\":\"image/jpeg\",\"size\":1000}".getBytes(StandardCharsets.UTF_8)),
                new Endpoint("delete", "DELETE", "/v1/images/img-3", null, new byte[0]),
                new Endpoint("notifications", "POST", "/v1/notifications/minio", "application/json",
                        NOTIFICATION.getBytes(StandardCharsets.UTF_8)));
    }

    @BeforeEach
    void storage() {
        when(store.put(anyString(), anyString(), any(), anyString(), any(), anyMap())).thenReturn("\"etag\"");
        when(store.putFile(anyString(), anyString(), any(), anyString(), anyMap())).thenReturn("\"etag\"");
        when(store.getIfExists(anyString(), anyString(), anyLong())).thenReturn(Optional.empty());
        clearInvocations(store, publisher);
    }

    private HttpResponse<String> send(Endpoint e, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + e.path()))
                .method(e.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        if (e.contentType() != null) {
            request.header("Content-Type", e.contentType());
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> signature(Endpoint e, long timestamp, byte[] signedBody) {
        return Map.of("X-Miniatura-Key-Id", "legacy", "X-Miniatura-Timestamp", Long.toString(timestamp),
                "X-Miniatura-Signature", Authenticator.sign(SECRET, timestamp, e.method(), e.path(), signedBody));
    }

    /** A refusal, as problem+json naming the header, and nothing stored or published. */
    private void assertRefused(HttpResponse<String> response, int status, String field, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo(field);
        assertThat(problem.get("errors").get(0).get("message").asString()).isEqualTo(message);
        verifyNoInteractions(publisher);
        verify(store, org.mockito.Mockito.never()).put(anyString(), anyString(), any(), anyString(), any(), anyMap());
        verify(store, org.mockito.Mockito.never()).putFile(anyString(), anyString(), any(), anyString(), anyMap());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withoutCredentials(Endpoint e) throws Exception {
        HttpResponse<String> response = send(e, e.body(), Map.of());
        assertRefused(response, 401, "Authorization", "is required: send \"Bearer <API key>\" or sign the request "
                + "(X-Miniatura-Signature, X-Miniatura-Key-Id, X-Miniatura-Timestamp)");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"miniatura\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withAWrongApiKey(Endpoint e) throws Exception {
        assertRefused(send(e, e.body(), Map.of("Authorization", "Bearer " + EVERYTHING + "x")),
                401, "Authorization", "is not a valid API key");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withAnExpiredTimestamp(Endpoint e) throws Exception {
        long tenMinutesAgo = Instant.now().getEpochSecond() - 600;
        HttpResponse<String> response = send(e, e.body(), signature(e, tenMinutesAgo, e.body()));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).get("errors").get(0).get("message").asString())
                .matches("is 60[0-2] s away from the server's clock; signatures are accepted within 300 s of their timestamp");
        verifyNoInteractions(publisher);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withATamperedBody(Endpoint e) throws Exception {
        byte[] tampered = e.body().length == 0 ? "x".getBytes() : e.body().clone();
        if (e.body().length > 0) {
            tampered[tampered.length / 2] ^= 1;
        }
        assertRefused(send(e, tampered, signature(e, Instant.now().getEpochSecond(), e.body())),
                401, "X-Miniatura-Signature", "does not match the request; sign \"<timestamp>.<METHOD>.<path and query>."
                        + "<body>\" with HMAC-SHA256 and the key's secret");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void aSignedRequestIsAcceptedOnceAndItsReplayRefused(Endpoint e) throws Exception {
        Map<String, String> signed = signature(e, freshTimestamp(), e.body());
        HttpResponse<String> first = send(e, e.body(), signed);
        assertThat(first.statusCode()).as(first.body()).isBetween(200, 299);
        clearInvocations(store, publisher);
        assertRefused(send(e, e.body(), signed), 401, "X-Miniatura-Signature", "was already used; sign every request afresh");
    }

    static Stream<Arguments> scopes() {
        return Stream.of(
                Arguments.of(endpoints().filter(e -> e.name().equals("delete")).findFirst().orElseThrow(), "delete"),
                Arguments.of(endpoints().filter(e -> e.name().equals("notifications")).findFirst().orElseThrow(), "notify"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scopes")
    void aKeyWithoutTheScopeIsForbidden(Endpoint e, String scope) throws Exception {
        assertRefused(send(e, e.body(), Map.of("Authorization", "Bearer " + UPLOADER)), 403, "Authorization",
                "the key \"uploader\" may [upload] but this request needs the " + scope + " scope");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void aValidApiKeyIsLetIn(Endpoint e) throws Exception {
        HttpResponse<String> response = send(e, e.body(), Map.of("Authorization", "Bearer " + EVERYTHING));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    /** The signed multipart body reaches the controller intact: the form field and the file's bytes. */
    @Test
    void aSignedMultipartUploadKeepsItsFieldsAndFile() throws Exception {
        Endpoint images = endpoints().filter(e -> e.name().equals("images")).findFirst().orElseThrow();
        java.util.concurrent.atomic.AtomicReference<byte[]> content = new java.util.concurrent.atomic.AtomicReference<>();
        org.mockito.Mockito.doAnswer(call -> {
            content.set(java.nio.file.Files.readAllBytes(call.<java.nio.file.Path>getArgument(2)));
            return "etag";
        }).when(store).putFile(anyString(), anyString(), any(), anyString(), anyMap());
        HttpResponse<String> response = send(images, images.body(), signature(images, freshTimestamp(),
                images.body()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JSON.readTree(response.body()).get("imageId").asString()).isEqualTo("img-2");
        ArgumentCaptor<java.nio.file.Path> stored = ArgumentCaptor.forClass(java.nio.file.Path.class);
        verify(store).putFile(org.mockito.ArgumentMatchers.eq("originals"), org.mockito.ArgumentMatchers.eq("img-2.jpg"),
                stored.capture(), anyString(), anyMap());
        assertThat(content.get()).isEqualTo(JPEG);
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<ImageEvent>> events = ArgumentCaptor.forClass(List.class);
        verify(publisher).publishAll(events.capture());
        assertThat(((ImageUploaded) events.getValue().get(0).data()).key()).isEqualTo("img-2.jpg");
    }

    /** Reads need no credentials: the status and the image page are for support staff and browsers. */
    @Test
    void readsAreOpen() throws Exception {
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/v1/images/unknown")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(404);
    }

    @Test
    void aKeyOverItsRateIsToldWhenToRetry() throws Exception {
        Endpoint events = endpoints().findFirst().orElseThrow();
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < 3; i++) {
            last = send(events, events.body(), Map.of("Authorization", "Bearer " + LIMITED));
            statuses.add(last.statusCode());
        }
        assertThat(statuses).containsExactly(202, 202, 429);
        assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(s ->
                assertThat(Long.parseLong(s)).isBetween(1L, 20L));
        assertThat(JSON.readTree(last.body()).get("detail").asString()).matches("the key \"limited\" sent more than 2 "
                + "requests at once or 0.05 per second; retry in (1?[0-9]|20) s");
        assertThat(send(events, events.body(), Map.of("Authorization", "Bearer " + EVERYTHING)).statusCode())
                .as("another key is not held back").isEqualTo(202);
    }

    /** Neither a key, nor a secret, nor a signature reaches the log, whatever is refused. */
    @Test
    void noCredentialIsEverLogged(CapturedOutput output) throws Exception {
        Endpoint events = endpoints().findFirst().orElseThrow();
        Map<String, String> signed = signature(events, freshTimestamp(), events.body());
        send(events, events.body(), signed);
        send(events, events.body(), signed); // replay
        send(events, "{}".getBytes(), signature(events, freshTimestamp(), events.body())); // tampered
        send(events, events.body(), Map.of("Authorization", "Bearer " + EVERYTHING + "x"));
        send(events, events.body(), Map.of("Authorization", "Bearer " + EVERYTHING));
        assertThat(output.getAll())
                .contains("Refused POST /v1/events")
                .doesNotContain(EVERYTHING, SECRET, signed.get("X-Miniatura-Signature").substring(7),
                        HexFormat.of().formatHex(AuthSettings.sha256(EVERYTHING)));
    }
}
