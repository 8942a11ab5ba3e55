package com.miniatura.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import tools.jackson.databind.JsonNode;

/**
 * {@code docker compose up --build} (docker-compose.yml) brings the pipeline up, and the README's try-it steps work
 * against it: an upload is rendered, its status says so, and its thumbnail is served anonymously by MinIO. MinIO's
 * own webhook notifications render an object copied straight into the bucket and a presigned upload.
 * Skipped where no Docker engine runs (as here): the same steps run against the standalone in StandaloneIT, and
 * DockerComposeTest validates the file and the Dockerfiles on every machine.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeIT {
    private static final String MINIO_USER = "compose-it";
    private static final String MINIO_PASSWORD = "compose-it-secret";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void composeUpServesTheTryItSteps() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        try (ComposeContainer compose = new ComposeContainer(new File(root.toFile(), "docker-compose.yml"))
                .withBuild(true)
                // compose has no default credentials: these stand in for the .env a user writes (.env.example)
                .withEnv(Map.of(
                        "MINIATURA_DEV_API_KEY",
                        Services.API_KEY,
                        "MINIO_ROOT_USER",
                        MINIO_USER,
                        "MINIO_ROOT_PASSWORD",
                        MINIO_PASSWORD,
                        "GRAFANA_PASSWORD",
                        "compose-it-grafana"))
                .withExposedService(
                        "ingest-api",
                        8081,
                        Wait.forHttp("/actuator/health/readiness")
                                .forStatusCode(200)
                                .withStartupTimeout(Duration.ofMinutes(15)))
                .withExposedService("ingest-api", 8080)
                .withExposedService(
                        "minio", 9000, Wait.forHttp("/minio/health/live").forStatusCode(200))
                .withExposedService(
                        "worker",
                        8081,
                        Wait.forHttp("/actuator/health/readiness").forStatusCode(200))) {
            compose.start();
            String api = "http://" + compose.getServiceHost("ingest-api", 8080) + ":"
                    + compose.getServicePort("ingest-api", 8080);
            String s3 = "http://" + compose.getServiceHost("minio", 9000) + ":" + compose.getServicePort("minio", 9000);
            Services.upload(
                    http,
                    api,
                    Path.of(System.getProperty("miniatura.fixtures")).resolve("photos/nikon-e950.jpg"),
                    "compose-1");
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            JsonNode status = null;
            while (System.nanoTime() < deadline) {
                status = Services.json(Services.get(api + "/v1/images/compose-1"));
                if (!"pending".equals(status.get("status").asString())) {
                    break;
                }
                Thread.sleep(250);
            }
            assertThat(status.get("status").asString()).isEqualTo("rendered");
            assertThat(status.get("variants")).hasSize(6);
            HttpResponse<byte[]> thumbnail = http.send(
                    HttpRequest.newBuilder(URI.create(s3 + "/thumbnails/compose-1/s150.jpg"))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(thumbnail.statusCode()).isEqualTo(200);
            assertThat(thumbnail.body()).startsWith((byte) 0xFF, (byte) 0xD8);

            // Straight into the bucket, as `mc cp` would: MinIO's notification renders it.
            byte[] photo = Files.readAllBytes(Services.fixture("catalog/DSCN0010-1024.jpg"));
            MinioClient minio = MinioClient.builder()
                    .endpoint(s3)
                    .credentials(MINIO_USER, MINIO_PASSWORD)
                    .build();
            minio.putObject(PutObjectArgs.builder().bucket("originals").object("lots/9/compose-2.jpg").stream(
                            new ByteArrayInputStream(photo), (long) photo.length, -1L)
                    .contentType("image/jpeg")
                    .build());
            assertThat(Services.awaitFinal(api, "compose-2").get("status").asString())
                    .isEqualTo("rendered");

            // A presigned upload (the compose file names MinIO as localhost:9000, its fixed host port).
            JsonNode upload = Services.json(Services.postJson(
                    api + "/v1/uploads",
                    "{\"contentType\": \"image/jpeg\", \"size\": " + photo.length + ", \"imageId\": \"compose-3\"}"));
            HttpRequest.Builder put = HttpRequest.newBuilder(
                            URI.create(upload.get("url").asString()))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(photo));
            upload.get("headers").properties().stream()
                    .filter(h -> !h.getKey().equals("Content-Length"))
                    .forEach(h -> put.header(h.getKey(), h.getValue().asString()));
            assertThat(http.send(put.build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
            assertThat(Services.awaitFinal(api, "compose-3").get("status").asString())
                    .isEqualTo("rendered");
        }
    }
}
