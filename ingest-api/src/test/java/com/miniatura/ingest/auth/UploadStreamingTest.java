package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;

import com.miniatura.common.storage.PutOptions;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload goes to storage from disk, never through the heap, and only {@value RealServerTest#UPLOADS} at a time
 * here. The heap an upload costs is measured as the bytes the server's threads allocate for a 50 MB original
 * (sent with an API key, and signed): a body read whole into the heap shows as at least its size, so with at most
 * {@code max-concurrent-uploads} in flight, parallel 50 MB uploads cannot exhaust the heap.
 */
class UploadStreamingTest extends RealServerTest {
    private static final long ORIGINAL_BYTES = 50_000_000;
    /** Generous for what streaming costs (buffers of some KiB); a tenth of what holding the original would. */
    private static final long MAX_ALLOCATION = ORIGINAL_BYTES / 10;

    private static final String UPLOADS_GAUGE = "miniatura.uploads.in.progress";

    @TempDir
    static Path dir;

    private static Path body;
    private static byte[] bodySha256;

    /** A multipart body with a 50 MB "JPEG" (its magic number, then zeros), written without holding it. */
    @BeforeAll
    static void writeTheBody() throws Exception {
        body = dir.resolve("upload.multipart");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (FileChannel out = FileChannel.open(body, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            write(out, sha256, multipartHead("big-1"));
            write(out, sha256, JPEG);
            byte[] zeros = new byte[1 << 20];
            for (long left = ORIGINAL_BYTES - JPEG.length; left > 0; left -= zeros.length) {
                write(out, sha256, left >= zeros.length ? zeros : new byte[(int) left]);
            }
            write(out, sha256, multipartTail());
        }
        bodySha256 = sha256.digest();
    }

    private static void write(FileChannel out, MessageDigest sha256, byte[] bytes) throws Exception {
        sha256.update(bytes);
        out.write(ByteBuffer.wrap(bytes));
    }

    private HttpResponse<String> upload(Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/images"))
                .POST(HttpRequest.BodyPublishers.ofFile(body))
                .header("Content-Type", MULTIPART);
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> signed() {
        long timestamp = freshTimestamp();
        return Map.of(
                "X-Miniatura-Key-Id",
                "legacy",
                "X-Miniatura-Timestamp",
                Long.toString(timestamp),
                "X-Miniatura-Signature",
                Authenticator.signBodyHash(SECRET, "legacy", timestamp, "POST", "/v1/images", bodySha256));
    }

    /** What storage was handed: the file's size and first bytes, read off disk without holding it. */
    private record Stored(long size, byte[] head) {}

    private AtomicReference<Stored> storedOriginal() {
        AtomicReference<Stored> stored = new AtomicReference<>();
        doAnswer(call -> {
                    Path file = call.getArgument(2);
                    try (InputStream in = Files.newInputStream(file)) {
                        stored.set(new Stored(Files.size(file), in.readNBytes(JPEG.length)));
                    }
                    return "etag";
                })
                .when(store)
                .putFile(
                        eq("originals"),
                        eq("big-1.jpg"),
                        any(),
                        argThat((PutOptions o) -> o.contentType().equals("image/jpeg")));
        return stored;
    }

    /**
     * A small upload the same way first, so that what is measured is the upload and not the first request's
     * one-time work (the dispatcher's initialisation, classes loaded, pools started).
     */
    private void warmUp(Map<String, String> headers) throws Exception {
        byte[] small = multipart("warm-up", JPEG);
        HttpResponse<String> response = send("POST", "/v1/images", MULTIPART, small, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    /** Regression: uploads were read whole into the heap ({@code getBytes()}). */
    @Test
    void aFiftyMegabyteUploadIsStreamedNotHeld() throws Exception {
        warmUp(Map.of("Authorization", "Bearer " + EVERYTHING));
        AtomicReference<Stored> stored = storedOriginal();
        AtomicReference<HttpResponse<String>> response = new AtomicReference<>();
        long allocated = serverAllocation(() -> response.set(upload(Map.of("Authorization", "Bearer " + EVERYTHING))));
        assertThat(response.get().statusCode()).as(response.get().body()).isEqualTo(202);
        assertThat(stored.get().size()).isEqualTo(ORIGINAL_BYTES);
        assertThat(stored.get().head()).isEqualTo(JPEG);
        assertThat(allocated)
                .as("bytes the server allocated for a 50 MB upload")
                .isLessThan(MAX_ALLOCATION);
    }

    /** Regression: a signed upload was held three times over: the body, its parts, then getBytes(). */
    @Test
    void aSignedFiftyMegabyteUploadIsSpooledNotHeld() throws Exception {
        byte[] small = multipart("warm-up", JPEG);
        warmUp(signature("POST", "/v1/images", freshTimestamp(), small));
        AtomicReference<Stored> stored = storedOriginal();
        AtomicReference<HttpResponse<String>> response = new AtomicReference<>();
        long allocated = serverAllocation(() -> response.set(upload(signed())));
        assertThat(response.get().statusCode()).as(response.get().body()).isEqualTo(202);
        assertThat(stored.get().size()).isEqualTo(ORIGINAL_BYTES);
        assertThat(stored.get().head()).isEqualTo(JPEG);
        assertThat(allocated)
                .as("bytes the server allocated for a signed 50 MB upload")
                .isLessThan(MAX_ALLOCATION);
    }

    /** Nothing of a signed upload, nor of its parts, is left in the temporary directory. */
    @Test
    void aSignedUploadLeavesNoTemporaryFile() throws Exception {
        storedOriginal();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = spooled(tmp);
        assertThat(upload(signed()).statusCode()).isEqualTo(202);
        HttpResponse<String> refused = upload(Map.of(
                "X-Miniatura-Key-Id",
                "legacy",
                "X-Miniatura-Timestamp",
                Long.toString(freshTimestamp()),
                "X-Miniatura-Signature",
                "v2=" + "0".repeat(64)));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(spooled(tmp)).isEqualTo(before);
    }

    private static List<Path> spooled(Path tmp) throws Exception {
        try (var files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("miniatura-")
                            || f.getFileName().toString().startsWith("upload_"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * An upload announcing more than the limit is refused before a byte of it is read, named as the file being too
     * large, whether signed or not.
     */
    @Test
    void anUploadAnnouncingMoreThanTheLimitIsRefusedUnread() throws Exception {
        Map<String, String> signedHeaders = new HashMap<>(signed());
        signedHeaders.put("Content-Type", MULTIPART);
        for (Map<String, String> headers :
                List.of(signedHeaders, Map.of("Authorization", "Bearer " + EVERYTHING, "Content-Type", MULTIPART))) {
            try (Socket socket = hold("POST", "/v1/images", headers, 60_000_000, multipartHead("big-2"))) {
                socket.shutdownOutput();
                socket.setSoTimeout(30_000);
                assertRefused(
                        parse(socket.getInputStream()), 413, "file", "is larger than the limit of 52428800 bytes");
            }
        }
    }

    /**
     * Regression: the whole multipart request was held to the file's limit, so a file of exactly
     * {@code max-upload-size} was refused for the few hundred bytes of framing around it.
     */
    @Test
    void aFileOfExactlyTheLimitIsTakenAndOneByteMoreIsNot() throws Exception {
        doAnswer(call -> "etag")
                .when(store)
                .putFile(
                        eq("originals"),
                        any(),
                        any(),
                        argThat((PutOptions o) -> o.contentType().equals("image/jpeg")));
        long limit = 52_428_800;
        for (long size : new long[] {limit, limit + 1}) {
            Path exact = dir.resolve("upload-" + size + ".multipart");
            try (FileChannel out = FileChannel.open(exact, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap(multipartHead("at-limit-" + size)));
                out.write(ByteBuffer.wrap(JPEG));
                out.position(out.position() + size - JPEG.length); // zeros, without writing them
                out.write(ByteBuffer.wrap(multipartTail()));
            }
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/images"))
                            .POST(HttpRequest.BodyPublishers.ofFile(exact))
                            .header("Content-Type", MULTIPART)
                            .header("Authorization", "Bearer " + EVERYTHING)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Files.delete(exact);
            if (size == limit) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
                assertProblem(
                        JSON.readTree(response.body()), 413, "file", "is larger than the limit of 52428800 bytes");
            }
        }
    }

    /**
     * Regression: nothing bounded how many uploads were taken at once. Regression too (a flaky run): this test sent
     * its first probing upload as soon as the held requests were written, before the server had given them their
     * places; when the probe took a place first, a held upload was refused instead, the limit was never full again,
     * and ten seconds of probes saw only 202s. It now waits until the server holds both.
     */
    @Test
    void uploadsBeyondTheLimitAreToldToRetry() throws Exception {
        storedOriginal();
        awaitInProgress(UPLOADS_GAUGE, 0);
        List<Socket> held = new ArrayList<>();
        try {
            held.add(hold(
                    "POST",
                    "/v1/images",
                    Map.of("Authorization", "Bearer " + EVERYTHING, "Content-Type", MULTIPART),
                    ORIGINAL_BYTES,
                    multipartHead("held-1")));
            Map<String, String> signedHeaders = new HashMap<>(signed());
            signedHeaders.put("Content-Type", MULTIPART);
            held.add(hold("POST", "/v1/images", signedHeaders, ORIGINAL_BYTES, multipartHead("held-2")));
            awaitInProgress(UPLOADS_GAUGE, UPLOADS);
            HttpResponse<String> busy = send(
                    "POST",
                    "/v1/images",
                    MULTIPART,
                    multipart("big-1", JPEG),
                    Map.of("Authorization", "Bearer " + EVERYTHING));
            assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("3");
            assertProblem(
                    JSON.readTree(busy.body()),
                    503,
                    null,
                    UPLOADS + " uploads are in progress, the most this instance takes at once; retry in 3 s");
            assertThat(send(
                                    "POST",
                                    "/v1/events",
                                    "application/json",
                                    EVENT.getBytes(),
                                    Map.of("Authorization", "Bearer " + EVERYTHING))
                            .statusCode())
                    .as("other writes go on")
                    .isEqualTo(202);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        awaitInProgress(UPLOADS_GAUGE, 0);
        HttpResponse<String> after = send(
                "POST",
                "/v1/images",
                MULTIPART,
                multipart("big-1", JPEG),
                Map.of("Authorization", "Bearer " + EVERYTHING));
        assertThat(after.statusCode())
                .as("the held uploads gave their places back")
                .isEqualTo(202);
    }
}
