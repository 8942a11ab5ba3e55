package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.publish.EventPublisher;
import com.sun.management.ThreadMXBean;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ingest API on a real server (what a signature covers is what Tomcat receives, multipart included), with
 * storage and Kafka mocked so that "nothing was written" can be checked. One configuration, so every subclass
 * shares one server: keys of each scope, a signing key, and limits of 2 uploads and 2 unverified bodies at once.
 * The subclasses send many deliberate failures from 127.0.0.1, so failed authentications per address are limited
 * far above what they send ({@link FailedAuthenticationLimitTest} tests the limit on a server of its own).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "miniatura.kafka.create-topic=false",
            "miniatura.storage.create-buckets=false",
            "miniatura.ingest.auth.dev-key=",
            "miniatura.ingest.auth.api-keys.uploader.sha256=" + RealServerTest.UPLOADER_SHA256,
            "miniatura.ingest.auth.api-keys.uploader.scopes=upload",
            "miniatura.ingest.auth.api-keys.everything.sha256=" + RealServerTest.EVERYTHING_SHA256,
            "miniatura.ingest.auth.api-keys.everything.scopes=upload,delete,notify",
            "miniatura.ingest.auth.api-keys.limited.sha256=" + RealServerTest.LIMITED_SHA256,
            "miniatura.ingest.auth.api-keys.limited.scopes=upload",
            "miniatura.ingest.auth.api-keys.limited.burst=2",
            "miniatura.ingest.auth.api-keys.limited.requests-per-second=0.05",
            "miniatura.ingest.auth.hmac-keys.legacy.secret=" + RealServerTest.SECRET,
            "miniatura.ingest.auth.hmac-keys.legacy.scopes=upload,delete,notify",
            "miniatura.ingest.auth.hmac-keys.legacy-hook.secret=" + RealServerTest.SECRET,
            "miniatura.ingest.auth.hmac-keys.legacy-hook.scopes=upload",
            "miniatura.ingest.auth.max-unverified-bodies=" + RealServerTest.UNVERIFIED,
            "miniatura.ingest.max-concurrent-uploads=" + RealServerTest.UPLOADS,
            "miniatura.ingest.retry-after=3s",
            "miniatura.ingest.auth.failures.per-address=1000000"
        })
@ExtendWith(OutputCaptureExtension.class)
abstract class RealServerTest {
    static final String UPLOADER = "uploader-key-9f2c4e1a7b3d5f60";
    static final String UPLOADER_SHA256 =
            "704e245ec3a77a610b9c5df11e9e057ad7a221ebe25a617ea4e1d90b4433980c"; // printf %s $UPLOADER | sha256sum
    static final String EVERYTHING = "everything-key-2b7e151628aed2a6";
    static final String EVERYTHING_SHA256 = "bb64707f2b969b71e347bfb8e88086744c9f37209bf98ab40447b09acf11ba5c";
    static final String LIMITED = "limited-key-3243f6a8885a308d3";
    static final String LIMITED_SHA256 = "43768b735a0d68995688cda21fc58f43318cb1c0e5603da17bc30782b5d257c2";
    static final String SECRET = "hmac-secret-6a09e667f3bcc908b2fb1366ea957d3e";
    static final int UNVERIFIED = 2;
    static final int UPLOADS = 2;
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String BOUNDARY = "miniatura-test-boundary";

    @LocalServerPort
    int port;

    @MockitoBean
    ObjectStore store;

    @MockitoBean
    EventPublisher publisher;

    @Autowired
    MeterRegistry meters;

    final HttpClient http = HttpClient.newHttpClient();

    /**
     * A timestamp no other signed request of this JVM used, for each one that should succeed: the same body signed
     * in the same second is the same signature, which the server accepts once (a real client's requests differ in
     * body or second). From four minutes ago, one second later each time: within the five-minute window for the
     * few hundred requests the tests sign.
     */
    private static final AtomicLong LAST_TIMESTAMP = new AtomicLong();

    static long freshTimestamp() {
        return LAST_TIMESTAMP.updateAndGet(last -> Math.max(Instant.now().getEpochSecond() - 240, last + 1));
    }

    /** A write endpoint and a valid request body for it. */
    record Endpoint(String name, String method, String path, String contentType, byte[] body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static byte[] multipart(String imageId, byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(multipartHead(imageId));
        out.writeBytes(file);
        out.writeBytes(multipartTail());
        return out.toByteArray();
    }

    static byte[] multipartHead(String imageId) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"imageId\"\r\n\r\n" + imageId + "\r\n"
                        + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n"
                        + "Content-Type: image/jpeg\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] multipartTail() {
        return ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

    static final String NOTIFICATION = """
            {"EventName":"s3:ObjectCreated:Put","Key":"originals/img-9.jpg","Records":[{"eventVersion":"2.0",
             "eventSource":"minio:s3","eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":"originals"},
             "object":{"key":"img-9.jpg","size":10,"eTag":"d41d8cd98f00b204e9800998ecf8427e","contentType":"image/jpeg"}}}]}""";

    static final String EVENT = "{\"imageId\":\"img-1\",\"bucket\":\"originals\",\"key\":\"img-1.jpg\"}";

    static Stream<Endpoint> endpoints() {
        return Stream.of(
                new Endpoint(
                        "events", "POST", "/v1/events", "application/json", EVENT.getBytes(StandardCharsets.UTF_8)),
                new Endpoint("images", "POST", "/v1/images", MULTIPART, multipart("img-2", JPEG)),
                new Endpoint(
                        "uploads",
                        "POST",
                        "/v1/uploads",
                        "application/json",
                        "{\"contentType\":\"image/jpeg\",\"size\":1000}".getBytes(StandardCharsets.UTF_8)),
                new Endpoint("delete", "DELETE", "/v1/images/img-3", null, new byte[0]),
                new Endpoint(
                        "notifications",
                        "POST",
                        "/v1/notifications/minio",
                        "application/json",
                        NOTIFICATION.getBytes(StandardCharsets.UTF_8)));
    }

    static Endpoint endpoint(String name) {
        return endpoints().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    @BeforeEach
    void storage() {
        when(store.put(anyString(), anyString(), any(), any())).thenReturn("etag");
        when(store.putFile(anyString(), anyString(), any(), any())).thenReturn("etag");
        when(store.get(anyString(), anyString(), anyLong())).thenReturn(Optional.empty());
        clearInvocations(store, publisher);
    }

    HttpResponse<String> send(Endpoint e, byte[] body, Map<String, String> headers) throws Exception {
        return send(e.method(), e.path(), e.contentType(), body, headers);
    }

    HttpResponse<String> send(String method, String path, String contentType, byte[] body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> signature(Endpoint e, long timestamp, byte[] signedBody) {
        return signature(e.method(), e.path(), timestamp, signedBody);
    }

    static Map<String, String> signature(String method, String target, long timestamp, byte[] signedBody) {
        return Map.of(
                "X-Miniatura-Key-Id",
                "legacy",
                "X-Miniatura-Timestamp",
                Long.toString(timestamp),
                "X-Miniatura-Signature",
                Authenticator.sign(SECRET, "legacy", timestamp, method, target, signedBody));
    }

    /** A response read off the wire. */
    record Raw(int status, Map<String, String> headers, String body) {
        JsonNode problem() {
            return JSON.readTree(body);
        }
    }

    /**
     * Sends {@code method target} exactly as written, byte for byte (an HTTP client would normalise or refuse some
     * of the paths these tests send), as HTTP/1.0 so the answer ends when the connection does.
     */
    Raw raw(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        return raw("127.0.0.1", method, target, headers, body);
    }

    /**
     * {@link #raw(String, String, Map, byte[])} from the local address {@code from} (any of 127.0.0.0/8 on Linux) to
     * 127.0.0.1, so that a test chooses the address the server sees the connection come from.
     */
    Raw raw(String from, String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.0\r\nHost: localhost\r\n"
                    + "Content-Length: " + body.length + "\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return parse(socket.getInputStream());
        }
    }

    static Raw parse(InputStream in) throws IOException {
        String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        int end = response.indexOf("\r\n\r\n");
        String[] lines =
                response.substring(0, end < 0 ? response.length() : end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, end < 0 ? "" : response.substring(end + 4));
    }

    /**
     * Bytes the server's request threads (Tomcat's, and the pool the status writes run on) allocated while
     * {@code action} ran: a body read whole into the heap shows here as at least its size.
     */
    static long serverAllocation(Action action) throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<Long, Long> before = new HashMap<>();
        for (Thread thread : serverThreads()) {
            before.put(thread.getId(), threads.getThreadAllocatedBytes(thread.getId()));
        }
        action.run();
        long allocated = 0;
        for (Thread thread : serverThreads()) {
            long now = threads.getThreadAllocatedBytes(thread.getId());
            allocated += now - before.getOrDefault(thread.getId(), 0L);
        }
        return allocated;
    }

    private static List<Thread> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("http-nio-") || t.getName().startsWith("storage-writer"))
                .toList();
    }

    interface Action {
        void run() throws Exception;
    }

    /**
     * A request whose headers and first {@code sent} bytes are on the wire and the rest of whose declared body
     * never comes while it is open: the server sits reading it. Closing it ends the request.
     */
    Socket hold(String method, String target, Map<String, String> headers, long declaredLength, byte[] sent)
            throws IOException {
        Socket socket = new Socket("localhost", port);
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Length: " + declaredLength + "\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(sent);
        out.flush();
        return socket;
    }

    /**
     * Waits (up to 30 s) until {@code gauge} reads {@code expected}: the places a request holds are given back after
     * its client has its answer, and taken once the server has read the request's headers, so a test that counts on
     * them waits for them rather than for time.
     */
    void awaitInProgress(String gauge, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (meters.get(gauge).gauge().value() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(meters.get(gauge).gauge().value()).as(gauge).isEqualTo(expected);
    }

    /** Nothing stored or published. */
    void assertNothingHappened() {
        verifyNoInteractions(publisher);
        verify(store, never()).put(anyString(), anyString(), any(), any());
        verify(store, never()).putFile(anyString(), anyString(), any(), any());
    }

    /** A refusal, as problem+json naming the header or part, and nothing stored or published. */
    void assertRefused(HttpResponse<String> response, int status, String field, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertProblem(JSON.readTree(response.body()), status, field, message);
        assertNothingHappened();
    }

    void assertRefused(Raw response, int status, String field, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().get("content-type")).isEqualTo("application/problem+json");
        assertProblem(response.problem(), status, field, message);
        assertNothingHappened();
    }

    static void assertProblem(JsonNode problem, int status, String field, String message) {
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        if (field == null) {
            assertThat(problem.get("detail").asString()).isEqualTo(message);
        } else {
            assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo(field);
            assertThat(problem.get("errors").get(0).get("message").asString()).isEqualTo(message);
        }
    }
}
