package com.miniatura.standalone;

import static com.miniatura.standalone.Services.freePort;
import static com.miniatura.standalone.Services.get;
import static com.miniatura.standalone.Services.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The integrations on the real standalone (Kafka, an S3 server, worker, API): its generated dev key, a presigned
 * upload that the S3 server holds to its declared size and type, and MinIO-format notifications that render what
 * they name and erase what was removed. MinIO itself (sending the notifications) is exercised by {@code ComposeIT}
 * where Docker exists; here the test sends what MinIO would, byte for byte in its format.
 */
class IntegrationsIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void presignedUploadsAndStorageNotificationsRender() throws Exception {
        int s3Port = freePort();
        String[] args = {
            "--miniatura.standalone.data-dir=" + dataDir,
            "--miniatura.standalone.kafka-port=" + freePort(),
            "--miniatura.standalone.kafka-controller-port=" + freePort(),
            "--miniatura.standalone.s3-port=" + s3Port,
            "--server.port=0"
        };
        boolean chosenByEnvironment = System.getenv("MINIATURA_DEV_API_KEY") != null;
        try (StandaloneMain standalone = StandaloneMain.start(args)) {
            String api =
                    "http://localhost:" + standalone.ingest().getEnvironment().getProperty("local.server.port");
            String s3 = "http://localhost:" + s3Port;
            String key = chosenByEnvironment
                    ? System.getenv("MINIATURA_DEV_API_KEY")
                    : Files.readString(dataDir.resolve("dev-api-key")).trim();
            if (!chosenByEnvironment) {
                // The try-it works in one copy-paste: the banner prints the generated key in the curl line.
                assertThat(key).matches("mk_dev_[0-9a-f]{48}");
                assertThat(standalone.banner())
                        .contains("curl -H \"Authorization: Bearer " + key + "\" -F file=@photo.jpg " + api
                                + "/v1/images");
            }
            assertThat(post(api + "/v1/events", "{}", null).statusCode())
                    .as("no key, no write")
                    .isEqualTo(401);

            // 1. A presigned upload: the S3 server itself refuses another size or type.
            byte[] photo = Files.readAllBytes(Services.fixture("photos/nikon-e950.jpg"));
            HttpResponse<String> presigned = post(
                    api + "/v1/uploads",
                    "{\"contentType\": \"image/jpeg\", \"size\": " + photo.length + ", \"imageId\": \"presigned-1\"}",
                    key);
            assertThat(presigned.statusCode()).as(presigned.body()).isEqualTo(201);
            JsonNode upload = json(presigned);
            URI url = URI.create(upload.get("url").asString());
            assertThat(url.toString()).startsWith(s3 + "/originals/presigned-1.jpg?");
            Map<String, String> headers = headersOf(upload);
            assertThat(refusal(url, Arrays.copyOf(photo, photo.length - 1), headers))
                    .as("one byte short of the declared size")
                    .isIn(REFUSED);
            assertThat(refusal(url, photo, Map.of("Content-Type", "image/png", "x-amz-meta-image-id", "presigned-1")))
                    .as("another type")
                    .isIn(REFUSED);
            assertThat(refusal(url, photo, Map.of("Content-Type", "image/jpeg", "x-amz-meta-image-id", "someone-else")))
                    .as("another imageId")
                    .isIn(REFUSED);
            MinioClient storage = MinioClient.builder()
                    .endpoint(s3)
                    .credentials("minioadmin", "minioadmin")
                    .build();
            assertThat(exists(storage, "presigned-1.jpg"))
                    .as("nothing stored by the refused PUTs")
                    .isFalse();
            HttpResponse<String> stored = put(url, photo, headers);
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
            String etag = stored.headers().firstValue("ETag").orElseThrow().replace("\"", "");
            assertThat(get(api + "/v1/images/presigned-1").statusCode())
                    .as("nothing rendered before the notification")
                    .isEqualTo(404);

            // ... rendered when storage's notification arrives (as MinIO's webhook target sends it).
            HttpResponse<String> notified = post(
                    api + "/v1/notifications/minio",
                    notification(
                            "s3:ObjectCreated:Put",
                            "presigned-1.jpg",
                            photo.length,
                            etag,
                            "image/jpeg",
                            "\"X-Amz-Meta-Image-Id\": \"presigned-1\""),
                    key);
            assertThat(notified.statusCode()).as(notified.body()).isEqualTo(202);
            assertThat(json(notified).get("accepted").asInt()).isEqualTo(1);
            JsonNode rendered = Services.awaitFinal(api, "presigned-1");
            assertThat(rendered.get("status").asString())
                    .as(rendered.toString())
                    .isEqualTo("rendered");
            assertThat(rendered.get("variants")).hasSize(6);
            assertThat(get(s3 + "/thumbnails/presigned-1/s150.jpg").statusCode())
                    .isEqualTo(200);

            // The same notification again (MinIO retries): already rendered from that object, not published twice.
            JsonNode again = json(post(
                    api + "/v1/notifications/minio",
                    notification(
                            "s3:ObjectCreated:Put",
                            "presigned-1.jpg",
                            photo.length,
                            etag,
                            "image/jpeg",
                            "\"X-Amz-Meta-Image-Id\": \"presigned-1\""),
                    key));
            assertThat(again.get("accepted").asInt()).isZero();
            assertThat(again.get("ignored").get(0).get("reason").asString())
                    .isEqualTo("image presigned-1 is already rendered from this object");

            // 2. An object written straight to the bucket, without metadata: the imageId is its file name.
            byte[] other = Files.readAllBytes(Services.fixture("catalog/DSCN0010-1024.jpg"));
            String otherEtag = storage.putObject(
                            PutObjectArgs.builder().bucket("originals").object("lots/77/lot-77-1.jpg").stream(
                                            new ByteArrayInputStream(other), (long) other.length, -1L)
                                    .contentType("image/jpeg")
                                    .build())
                    .etag()
                    .replace("\"", "");
            assertThat(post(
                                    api + "/v1/notifications/minio",
                                    notification(
                                            "s3:ObjectCreated:Put",
                                            "lots/77/lot-77-1.jpg",
                                            other.length,
                                            otherEtag,
                                            "image/jpeg",
                                            ""),
                                    key)
                            .statusCode())
                    .isEqualTo(202);
            JsonNode direct = Services.awaitFinal(api, "lot-77-1");
            assertThat(direct.get("status").asString()).as(direct.toString()).isEqualTo("rendered");
            assertThat(direct.get("variants")).hasSize(6);

            // 3. Removed from the bucket: the image is erased.
            storage.removeObject(RemoveObjectArgs.builder()
                    .bucket("originals")
                    .object("lots/77/lot-77-1.jpg")
                    .build());
            HttpResponse<String> removed = post(
                    api + "/v1/notifications/minio",
                    notification("s3:ObjectRemoved:Delete", "lots/77/lot-77-1.jpg", 0, otherEtag, "image/jpeg", ""),
                    key);
            assertThat(json(removed).get("events").get(0).get("type").asString())
                    .isEqualTo("image.deleted");
            JsonNode erased = Services.awaitFinal(api, "lot-77-1");
            assertThat(erased.get("status").asString()).isEqualTo("deleted");
            assertThat(get(s3 + "/thumbnails/lot-77-1/s150.jpg").statusCode()).isEqualTo(404);
        }
    }

    private HttpResponse<String> post(String url, String json, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The headers the upload says to send; Content-Length is the body's own (HttpClient sets it). */
    private static Map<String, String> headersOf(JsonNode upload) {
        return upload.get("headers").properties().stream()
                .filter(e -> !e.getKey().equalsIgnoreCase("Content-Length"))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().asString()));
    }

    /** How a refused PUT can end: S3's 403, or the connection reset under it (see {@link #refusal}). */
    private static final List<String> REFUSED = List.of("403", "connection reset before an answer");

    /**
     * How the S3 server answered a PUT it should refuse: its status, or "connection reset before an answer". S3Proxy
     * answers 403 as soon as the signature fails and closes the connection while the body may still be arriving;
     * a socket closed with unread data is reset, not closed, and the reset can discard the 403 before the client
     * reads it (it did in about one run in four). Either way nothing is stored, which the caller checks after.
     */
    private String refusal(URI url, byte[] body, Map<String, String> headers) throws Exception {
        try {
            return Integer.toString(put(url, body, headers).statusCode());
        } catch (IOException e) {
            return "connection reset before an answer";
        }
    }

    private HttpResponse<String> put(URI url, byte[] body, Map<String, String> headers) throws Exception {
        // Expect: 100-continue, as S3 clients send it: the server refuses a bad signature before the body is sent.
        // Without it, a refusal while the photo is still being written arrived as a reset connection in CI.
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .expectContinue(true)
                .timeout(Duration.ofSeconds(60))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        // A client of its own for each PUT: after refusing one, S3Proxy may drop the connection, and a pooled
        // connection reused for the next PUT then reads nothing (the second PUT failed so in CI).
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean exists(MinioClient storage, String key) throws Exception {
        try {
            storage.statObject(
                    StatObjectArgs.builder().bucket("originals").object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            return false;
        }
    }

    /** A notification in MinIO's webhook format, one record; keys URL-encoded as S3 sends them. */
    private static String notification(
            String event, String key, long size, String etag, String contentType, String metadata) {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
        return """
                {"EventName": "%1$s", "Key": "originals/%2$s", "Records": [{"eventVersion": "2.0",
                 "eventSource": "minio:s3", "awsRegion": "", "eventTime": "2026-11-23T10:41:54.312Z", "eventName": "%1$s",
                 "userIdentity": {"principalId": "minioadmin"}, "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                 "responseElements": {"x-amz-request-id": "187A2B0C9F2D1E44"},
                 "s3": {"s3SchemaVersion": "1.0", "configurationId": "Config",
                  "bucket": {"name": "originals", "ownerIdentity": {"principalId": "minioadmin"}, "arn": "arn:aws:s3:::originals"},
                  "object": {"key": "%3$s", "size": %4$d, "eTag": "%5$s", "contentType": "%6$s",
                   "userMetadata": {"content-type": "%6$s"%7$s}, "sequencer": "187A2B0CA1B3F0D8"}},
                 "source": {"host": "127.0.0.1", "port": "", "userAgent": "MinIO (linux; amd64) minio-go/v7.0.95"}}]}
                """.formatted(event, key, encoded, size, etag, contentType, metadata.isEmpty() ? "" : ", " + metadata);
    }
}
