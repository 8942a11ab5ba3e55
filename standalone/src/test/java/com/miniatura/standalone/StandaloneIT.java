package com.miniatura.standalone;

import static com.miniatura.standalone.Services.awaitUp;
import static com.miniatura.standalone.Services.freePort;
import static com.miniatura.standalone.Services.get;
import static com.miniatura.standalone.Services.json;
import static com.miniatura.standalone.Services.launch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The standalone launcher itself: everything in one JVM, restarts, and the infrastructure-only mode. */
class StandaloneIT {
    private static final Duration TIMEOUT = Services.TIMEOUT;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void wholePipelineInOneJvmKeepsItsDataAcrossARestart() throws Exception {
        String[] args = args("kafka,s3,ingest,worker");
        String first = "standalone-" + UUID.randomUUID();
        try (StandaloneMain standalone = StandaloneMain.start(args)) {
            String api = api(standalone);
            assertThat(json(get(api + "/actuator/health")).get("status").asString())
                    .isEqualTo("UP");
            assertThat(standalone.banner())
                    .contains("curl -H \"Authorization: Bearer $MINIATURA_DEV_API_KEY\" -F file=@photo.jpg " + api
                            + "/v1/images")
                    .doesNotContain(Services.API_KEY); // a key the user chose is not printed
            Services.upload(http, api, Services.fixture("photos/nikon-e950.jpg"), first);
            assertThat(Services.awaitFinal(api, first).get("status").asString()).isEqualTo("rendered");

            // Thumbnails are readable without credentials (the CDN's origin); originals are not.
            String s3 = "http://localhost:" + value(args, "s3-port");
            HttpResponse<String> thumbnail = get(s3 + "/thumbnails/" + first + "/s150.jpg");
            assertThat(thumbnail.statusCode()).isEqualTo(200);
            assertThat(thumbnail.headers().firstValue("Content-Type")).hasValue("image/jpeg");
            assertThat(get(s3 + "/originals/" + first + ".jpg").statusCode()).isEqualTo(403);
            // Regression: the manifest (the original's bucket, key and ETag, failure reasons) was public beside the
            // variants. It is in the private metadata bucket, and the status API still answers from it.
            assertThat(get(s3 + "/thumbnails/" + first + "/manifest.json").statusCode())
                    .isEqualTo(404);
            assertThat(get(s3 + "/metadata/" + first + "/manifest.json").statusCode())
                    .isEqualTo(403);
            assertThat(json(get(api + "/v1/images/" + first)).get("variants")).hasSize(6);

            // The page for a person: all six variants, fetched from the public thumbnails bucket.
            HttpResponse<String> page = get(api + "/images/" + first);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body().split("class=\"variant\"", -1)).hasSize(7);
            assertThat(page.body()).contains("<img src=\"" + s3 + "/thumbnails/" + first + "/s150.jpg\"");

            // What Prometheus scrapes (deploy/, docker-compose.yml): the services' own metrics, in its format.
            String worker =
                    "http://localhost:" + standalone.worker().getEnvironment().getProperty("local.server.port");
            HttpResponse<String> scraped = get(worker + "/actuator/prometheus");
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.body())
                    .contains("miniatura_images_total{outcome=\"rendered\"} 1.0")
                    .contains("miniatura_render_step_seconds_bucket{step=\"decode\"")
                    .contains("miniatura_variant_bytes_count{format=\"jpeg\",variant=\"s150\"} 1")
                    .contains("spring_cloud_stream_binder_kafka_offset");
            assertThat(get(api + "/actuator/prometheus").body())
                    .contains("miniatura_events_published_total{type=\"image.uploaded\"} 1.0")
                    .contains("miniatura_publish_seconds_count 1")
                    .contains("miniatura_images_stuck 0.0");

            // The API's health covers the in-process worker: with the worker gone it is no longer UP. It says DOWN
            // and nothing more (no components, no details: the port answers anyone).
            standalone.worker().close();
            HttpResponse<String> health = get(api + "/actuator/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(json(health).get("status").asString()).isEqualTo("DOWN");
            assertThat(json(health).has("components")).as(health.body()).isFalse();
        }
        // Objects are plain files under the data directory.
        assertThat(dataDir.resolve("s3/thumbnails/" + first + "/s150.jpg")).isRegularFile();
        assertThat(dataDir.resolve("kafka")).isDirectory();

        try (StandaloneMain standalone = StandaloneMain.start(args)) {
            String api = api(standalone);
            JsonNode before = json(get(api + "/v1/images/" + first));
            assertThat(before.get("status").asString()).isEqualTo("rendered");
            assertThat(before.get("variants")).hasSize(6);
            String second = "standalone-" + UUID.randomUUID();
            Services.upload(http, api, Services.fixture("catalog/DSCN0010-1024.jpg"), second);
            assertThat(Services.awaitFinal(api, second).get("status").asString())
                    .isEqualTo("rendered");
        }
    }

    @Test
    void infrastructureOnlyServesTheServiceJarsRunAsSeparateProcesses() throws Exception {
        String[] args = args("kafka,s3");
        List<Process> processes = new ArrayList<>();
        try (StandaloneMain infra = StandaloneMain.start(args)) {
            assertThat(infra.ingest()).isNull();
            assertThat(infra.worker()).isNull();
            String bootstrap = "--spring.kafka.bootstrap-servers=localhost:" + value(args, "kafka-port");
            String storage = "--miniatura.storage.endpoint=http://localhost:" + value(args, "s3-port");
            int workerPort = freePort();
            int ingestPort = freePort();
            processes.add(
                    launch("worker/target/miniatura-worker.jar", "--server.port=" + workerPort, bootstrap, storage));
            processes.add(launch(
                    "ingest-api/target/miniatura-ingest-api.jar", "--server.port=" + ingestPort, bootstrap, storage));
            String api = "http://localhost:" + ingestPort;
            awaitUp(api + "/actuator/health", processes);
            awaitUp("http://localhost:" + workerPort + "/actuator/health", processes);

            String imageId = "processes-" + UUID.randomUUID();
            Services.upload(http, api, Services.fixture("photos/DSCN0010.jpg"), imageId);
            JsonNode status = Services.awaitFinal(api, imageId);
            assertThat(status.get("status").asString()).isEqualTo("rendered");
            assertThat(status.get("variants")).hasSize(6);
        } finally {
            for (Process process : processes) {
                process.destroy();
                process.waitFor();
            }
        }
    }

    private String[] args(String components) throws IOException {
        return new String[] {
            "--miniatura.standalone.components=" + components,
            "--miniatura.standalone.data-dir=" + dataDir,
            "--miniatura.standalone.kafka-port=" + freePort(),
            "--miniatura.standalone.kafka-controller-port=" + freePort(),
            "--miniatura.standalone.s3-port=" + freePort(),
            "--server.port=0",
            "--miniatura.ingest.auth.dev-key=" + Services.API_KEY
        };
    }

    private static String value(String[] args, String key) {
        for (String arg : args) {
            if (arg.startsWith("--miniatura.standalone." + key + "=")) {
                return arg.substring(arg.indexOf('=') + 1);
            }
        }
        throw new IllegalArgumentException(key);
    }

    private static String api(StandaloneMain standalone) {
        return "http://localhost:" + standalone.ingest().getEnvironment().getProperty("local.server.port");
    }
}
