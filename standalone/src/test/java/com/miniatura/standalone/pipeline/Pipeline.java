package com.miniatura.standalone.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.ingest.IngestApplication;
import com.miniatura.worker.WorkerApplication;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker and ingest API started in-process against given Kafka and S3 addresses — the production
 * code and defaults, only the addresses and ports changed — with HTTP and S3 helpers for tests.
 */
final class Pipeline implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** The ingest API's key here, sent with every write. */
    static final String API_KEY = "pipeline-test-key-510e527fade682d1";

    final ConfigurableApplicationContext worker;
    final ConfigurableApplicationContext ingest;
    final MinioClient s3;
    final String api;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Pipeline(ConfigurableApplicationContext worker, ConfigurableApplicationContext ingest, MinioClient s3) {
        this.worker = worker;
        this.ingest = ingest;
        this.s3 = s3;
        this.api = "http://localhost:" + ingest.getEnvironment().getProperty("local.server.port");
    }

    static Pipeline start(
            String bootstrapServers, String s3Endpoint, String accessKey, String secretKey, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--miniatura.storage.endpoint=" + s3Endpoint,
                "--miniatura.storage.access-key=" + accessKey,
                "--miniatura.storage.secret-key=" + secretKey,
                "--miniatura.ingest.auth.dev-key=" + API_KEY));
        args.addAll(List.of(extra));
        String[] argv = args.toArray(String[]::new);
        ConfigurableApplicationContext worker = new SpringApplicationBuilder(WorkerApplication.class).run(argv);
        ConfigurableApplicationContext ingest = new SpringApplicationBuilder(IngestApplication.class).run(argv);
        MinioClient s3 = MinioClient.builder()
                .endpoint(s3Endpoint)
                .credentials(accessKey, secretKey)
                .build();
        return new Pipeline(worker, ingest, s3);
    }

    /** {@code POST /v1/images} with {@code file}; returns the response. */
    HttpResponse<String> upload(byte[] file, String fileName, String imageId) throws IOException, InterruptedException {
        String boundary = "miniatura-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (imageId != null) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"imageId\"\r\n\r\n" + imageId
                            + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(file);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(
                HttpRequest.newBuilder(URI.create(api + "/v1/images"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .header("Authorization", "Bearer " + API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Uploads a file and checks it was accepted. */
    void uploadAccepted(Path file, String imageId) throws IOException, InterruptedException {
        HttpResponse<String> response =
                upload(Files.readAllBytes(file), file.getFileName().toString(), imageId);
        assertThat(response.statusCode())
                .as("upload of %s: %s", file, response.body())
                .isEqualTo(202);
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(api + path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(api + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + API_KEY)
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(api + path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls the status API until the image is no longer pending (or deleting). */
    JsonNode awaitFinalStatus(String imageId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get("/v1/images/" + imageId);
            if (response.statusCode() == 200) {
                status = JSON.readTree(response.body());
                String now = status.get("status").asString();
                if (!now.equals("pending") && !now.equals("deleting")) {
                    return status;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("image " + imageId + " still not rendered after " + timeout + ": " + status);
    }

    void putOriginal(String key, byte[] bytes) throws Exception {
        s3.putObject(PutObjectArgs.builder()
                .bucket("originals")
                .object(key)
                .data(bytes, bytes.length)
                .contentType("image/jpeg")
                .userMetadata(Map.of())
                .build());
    }

    /** Every key under {@code prefix} in {@code bucket}. */
    List<String> keys(String bucket, String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder()
                .bucket(bucket)
                .prefix(prefix)
                .recursive(true)
                .build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    byte[] read(String bucket, String key) throws Exception {
        try (InputStream in =
                s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        ingest.close();
        worker.close();
    }
}
