package com.miniatura.standalone;

import static com.miniatura.standalone.Services.awaitUp;
import static com.miniatura.standalone.Services.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.ingest.auth.Authenticator;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Twelve 50 MB originals sent at once (eight with an API key, four signed) to an ingest API process whose heap is
 * 128 MB, {@code -XX:+ExitOnOutOfMemoryError}, that takes four uploads at a time: each is stored whole or told to
 * retry ({@code 503}, {@code Retry-After}), those are sent again as told, all twelve end up stored, and the process
 * keeps its PID throughout. Uploads read into the heap (each 50 MB, up to three times when signed) took it down:
 * twelve at once are 600 MB or more.
 */
class ParallelUploadsIT {
    private static final List<String> SMALL_HEAP =
            List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
    private static final long ORIGINAL_BYTES = 50_000_000;
    private static final int MAX_CONCURRENT = 4;
    private static final String SECRET = "it-signing-secret-0123456789abcdef0123";
    private static final String BOUNDARY = "parallel-uploads-it";
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};

    @TempDir
    static Path dataDir;

    private static final List<Process> processes = new CopyOnWriteArrayList<>();
    private static Process ingest;
    private static String api;
    private static String storage;
    private static Path body;
    private static byte[] bodySha256;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startAnIngestApiWithASmallHeap() throws Exception {
        Services.Infrastructure infrastructure = Services.startInfrastructure(dataDir, processes);
        storage = infrastructure.storage();
        int port = freePort();
        ingest = Services.launchWith(
                        SMALL_HEAP,
                        "ingest-api/target/miniatura-ingest-api.jar",
                        "--server.port=" + port,
                        "--spring.kafka.bootstrap-servers=" + infrastructure.bootstrap(),
                        "--miniatura.storage.endpoint=" + storage,
                        "--miniatura.ingest.max-concurrent-uploads=" + MAX_CONCURRENT,
                        "--miniatura.ingest.retry-after=1s",
                        "--miniatura.ingest.auth.hmac-keys.it-hook.secret=" + SECRET,
                        "--miniatura.ingest.auth.hmac-keys.it-hook.scopes=upload")
                .process();
        processes.add(ingest);
        api = "http://localhost:" + port;
        awaitUp(api + "/actuator/health", processes);
        writeTheBody();
    }

    /** One multipart body for every upload, without an imageId (each gets its own); written without holding it. */
    private static void writeTheBody() throws Exception {
        body = dataDir.resolve("upload.multipart");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (FileChannel out = FileChannel.open(body, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            write(
                    out,
                    sha256,
                    ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n"
                                    + "Content-Type: image/jpeg\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            write(out, sha256, JPEG);
            byte[] chunk = new byte[1 << 20];
            for (long left = ORIGINAL_BYTES - JPEG.length; left > 0; left -= chunk.length) {
                write(out, sha256, left >= chunk.length ? chunk : new byte[(int) left]);
            }
            write(out, sha256, ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        bodySha256 = sha256.digest();
    }

    private static void write(FileChannel out, MessageDigest sha256, byte[] bytes) throws Exception {
        sha256.update(bytes);
        out.write(ByteBuffer.wrap(bytes));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).destroyForcibly().waitFor();
        }
    }

    private static CompletableFuture<HttpResponse<String>> upload(boolean signed, long timestamp) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + "/v1/images"))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofFile(body));
        if (signed) {
            request.header("X-Miniatura-Key-Id", "it-hook")
                    .header("X-Miniatura-Timestamp", Long.toString(timestamp))
                    .header(
                            "X-Miniatura-Signature",
                            Authenticator.signBodyHash(SECRET, "it-hook", timestamp, "POST", "/v1/images", bodySha256));
        } else {
            request.header("Authorization", Services.AUTHORIZATION);
        }
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void parallelFiftyMegabyteUploadsAreAllStoredAndTheHeapHolds() throws Exception {
        long pid = ingest.pid();
        List<Boolean> waiting = new ArrayList<>(); // signed or not, of each upload not stored yet
        for (int i = 0; i < 12; i++) {
            waiting.add(i % 3 == 2);
        }
        MinioClient s3 = MinioClient.builder()
                .endpoint(storage)
                .credentials("minioadmin", "minioadmin")
                .build();
        int stored = 0;
        int toldToRetry = 0;
        long timestamp = 0; // each signed request's own second: the same body signed twice in one is a replay
        for (int round = 1; !waiting.isEmpty(); round++) {
            assertThat(round)
                    .as("rounds to store twelve uploads, four at a time")
                    .isLessThanOrEqualTo(12);
            List<Boolean> sending = List.copyOf(waiting);
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (boolean signed : sending) {
                sent.add(upload(signed, timestamp = Math.max(Instant.now().getEpochSecond(), timestamp + 1)));
            }
            waiting.clear();
            long retryAfter = 0;
            for (int i = 0; i < sent.size(); i++) {
                HttpResponse<String> response = sent.get(i).join();
                JsonNode answer = Services.JSON.readTree(response.body());
                if (response.statusCode() == 202) {
                    String imageId = answer.get("imageId").asString();
                    long size = s3.statObject(StatObjectArgs.builder()
                                    .bucket("originals")
                                    .object(imageId + ".jpg")
                                    .build())
                            .size();
                    assertThat(size).as("the original of %s as stored", imageId).isEqualTo(ORIGINAL_BYTES);
                    stored++;
                } else {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                    assertThat(answer.get("detail").asString())
                            .isEqualTo(MAX_CONCURRENT
                                    + " uploads are in progress, the most this instance takes at once; retry in 1 s");
                    retryAfter = Math.max(
                            retryAfter,
                            Long.parseLong(
                                    response.headers().firstValue("Retry-After").orElseThrow()));
                    waiting.add(sending.get(i));
                    toldToRetry++;
                }
            }
            assertThat(ingest.isAlive())
                    .as("the ingest API survived round %d (see target/*.log)", round)
                    .isTrue();
            Thread.sleep(retryAfter * 1000); // as told
        }
        assertThat(stored).isEqualTo(12);
        assertThat(ingest.pid()).isEqualTo(pid);
        awaitUp(api + "/actuator/health", List.of(ingest));
        System.out.println("12 parallel 50 MB uploads through a -Xmx128m ingest API taking " + MAX_CONCURRENT
                + " at a time: all stored, " + toldToRetry + " answers to retry on the way");
    }
}
