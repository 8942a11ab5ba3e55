package com.miniatura.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.testing.Repository;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code docker-compose.yml} and the Dockerfiles it builds: valid against the Compose specification's JSON schema
 * ({@code ../shared/schemas/compose-spec.json}, a broken copy refused), and holding what the pipeline needs — both
 * lanes of workers, pinned images, Prometheus scraping every service, Grafana with the dashboard, and images that
 * run as non-root on Debian's OpenJDK (whose JPEG codec is the system libjpeg-turbo).
 */
class DockerComposeTest {
    private static final Path REPO = Repository.root();
    private static final Path SCHEMA =
            REPO.resolve("../shared/schemas/compose-spec.json").normalize();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theComposeFileIsValidAgainstTheComposeSpecification() throws IOException {
        assertThat(problems(compose())).isEmpty();
    }

    static Stream<Arguments> brokenComposeFiles() {
        return Stream.of(
                broken("a misspelled service key", c -> service(c, "worker").put("buidl", "worker"), "buidl"),
                broken("a string for a list", c -> service(c, "worker").put("ports", "8081"), "ports"),
                broken("an unknown top-level key", c -> c.put("service", Map.of()), "service"),
                broken(
                        "depends_on an unknown condition",
                        c -> service(c, "worker")
                                .put("depends_on", Map.of("kafka", Map.of("condition", "service_ready"))),
                        "condition"));
    }

    private static Arguments broken(String name, Consumer<Map<String, Object>> breakIt, String named) {
        return Arguments.of(name, breakIt, named);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenComposeFiles")
    void theSchemaCheckRefusesABrokenCopy(String name, Consumer<Map<String, Object>> breakIt, String named)
            throws IOException {
        Map<String, Object> copy = compose();
        breakIt.accept(copy);
        assertThat(problems(copy)).as(name).isNotEmpty().anyMatch(p -> p.contains(named));
    }

    @Test
    void bothWorkerLanesRunTheSameImageOnTheirOwnTopicAndGroup() throws IOException {
        Map<String, Object> compose = compose();
        Map<String, Object> live = service(compose, "worker");
        Map<String, Object> bulk = service(compose, "worker-bulk");
        assertThat(bulk.get("image")).isEqualTo(live.get("image"));
        assertThat(env(bulk))
                .containsEntry("MINIATURA_WORKER_TOPIC", "miniatura.images.bulk")
                .containsEntry("MINIATURA_WORKER_GROUP", "miniatura-worker-bulk");
        assertThat(env(live)).doesNotContainKeys("MINIATURA_WORKER_TOPIC", "MINIATURA_WORKER_GROUP");
        for (String name : List.of("ingest-api", "worker", "worker-bulk")) {
            Map<String, Object> s = service(compose, name);
            assertThat(env(s))
                    .as(name)
                    .containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                    .containsEntry("MINIATURA_STORAGE_ENDPOINT", "http://minio:9000");
            assertThat(s.get("read_only"))
                    .as(name + " read-only root filesystem")
                    .isEqualTo(true);
            assertThat(strings(s.get("tmpfs"))).as(name + " writable /tmp").contains("/tmp");
        }
    }

    @Test
    void everyImageIsPinnedAndTheServicesAreBuiltFromTheirDockerfiles() throws IOException {
        Map<String, Object> compose = compose();
        for (Map.Entry<String, Object> entry : services(compose).entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>) entry.getValue();
            String image = (String) s.get("image");
            assertThat(image).as(entry.getKey()).isNotNull().contains(":").doesNotEndWith(":latest");
            if (s.get("build") instanceof Map<?, ?> build) {
                assertThat(REPO.resolve((String) build.get("context")).resolve((String) build.get("dockerfile")))
                        .isRegularFile();
            }
        }
        assertThat(((Map<?, ?>) service(compose, "ingest-api").get("build")).get("dockerfile"))
                .isEqualTo("ingest-api/Dockerfile");
        assertThat(((Map<?, ?>) service(compose, "worker").get("build")).get("dockerfile"))
                .isEqualTo("worker/Dockerfile");
    }

    /** The worker decodes JPEGs at reduced scale through libjpeg-turbo's TurboJPEG API when the library is there. */
    @Test
    void theWorkerImageInstallsTurboJpeg() throws IOException {
        String dockerfile = Files.readString(REPO.resolve("worker").resolve("Dockerfile"));
        String runtime = dockerfile.substring(dockerfile.lastIndexOf("FROM "));
        assertThat(runtime).contains("libturbojpeg0");
    }

    @Test
    void theImagesRunAsNonRootOnDebiansOpenJdkWithTheirLayersInCacheOrder() throws IOException {
        for (String module : List.of("ingest-api", "worker")) {
            String dockerfile = Files.readString(REPO.resolve(module).resolve("Dockerfile"));
            List<String> from =
                    dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();
            assertThat(from).as(module + ": a build stage and a runtime stage").hasSize(2);
            assertThat(from.get(1)).as(module + " runtime").startsWith("FROM debian:");
            assertThat(dockerfile)
                    .contains("openjdk-17-jre-headless")
                    .contains("libjpeg62-turbo")
                    .contains("USER 10001")
                    .contains("miniatura-" + module + ".jar")
                    .contains("ENV LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs");
            List<String> layers = dockerfile
                    .lines()
                    .filter(l -> l.startsWith("COPY --from=build"))
                    .toList();
            assertThat(layers)
                    .as(module + ": least to most often changed")
                    .containsExactly(
                            "COPY --from=build /app/dependencies/ ./",
                            "COPY --from=build /app/spring-boot-loader/ ./",
                            "COPY --from=build /app/snapshot-dependencies/ ./",
                            "COPY --from=build /app/application/ ./");
        }
        assertThat(Files.readString(REPO.resolve(".dockerignore")))
                .contains("**/target/")
                .contains(".git/");
    }

    @Test
    void prometheusScrapesEveryServiceAndGrafanaHasTheDashboard() throws IOException {
        Map<String, Object> prometheus =
                new Yaml().load(Files.readString(REPO.resolve("deploy/compose/prometheus.yml")));
        List<String> targets = new ArrayList<>();
        for (Object job : (List<?>) prometheus.get("scrape_configs")) {
            Map<?, ?> j = (Map<?, ?>) job;
            assertThat(j.get("metrics_path")).isEqualTo("/actuator/prometheus");
            for (Object config : (List<?>) j.get("static_configs")) {
                ((List<?>) ((Map<?, ?>) config).get("targets")).forEach(t -> targets.add((String) t));
            }
        }
        assertThat(targets).containsExactlyInAnyOrder("ingest-api:8081", "worker:8081", "worker-bulk:8081");
        JsonNode dashboard = JSON.readTree(Files.readString(REPO.resolve("deploy/grafana/miniatura.json")));
        assertThat(dashboard.get("uid").asString()).isEqualTo("miniatura");
        List<String> exprs = new ArrayList<>();
        dashboard
                .get("panels")
                .forEach(p ->
                        p.get("targets").forEach(t -> exprs.add(t.get("expr").asString())));
        assertThat(exprs)
                .anyMatch(e -> e.contains("miniatura_images_total"))
                .anyMatch(e -> e.contains("spring_cloud_stream_binder_kafka_offset"))
                // every pod reports the group's whole lag: the largest report, not the sum over pods
                .allSatisfy(e ->
                        assertThat(e).doesNotContain("sum by (group, topic) (spring_cloud_stream_binder_kafka_offset"))
                .anyMatch(e -> e.contains("http_server_requests_seconds"))
                .anyMatch(e ->
                        e.contains("histogram_quantile(0.99") && e.contains("miniatura_render_step_seconds_bucket"))
                .anyMatch(e -> e.contains("miniatura_dead_letters_total"));
        assertThat(strings(service(compose(), "grafana").get("volumes")))
                .contains("./deploy/grafana:/var/lib/grafana/dashboards:ro");
    }

    /**
     * MinIO notifies the API of the originals bucket (docs/api.md): its webhook target posts to the notification
     * endpoint with a key the API accepts, keeps a queue while the API is down, and minio-init subscribes the
     * bucket's put and delete events to that target.
     */
    @Test
    void minioNotifiesTheApiOfTheOriginalsBucketWithAKeyItAccepts() throws IOException {
        Map<String, Object> compose = compose();
        Map<String, String> minio = env(service(compose, "minio"));
        Map<String, String> api = env(service(compose, "ingest-api"));
        assertThat(minio)
                .containsEntry("MINIO_NOTIFY_WEBHOOK_ENABLE_INGEST", "on")
                .containsEntry("MINIO_NOTIFY_WEBHOOK_ENDPOINT_INGEST", "http://ingest-api:8080/v1/notifications/minio")
                .containsKey("MINIO_NOTIFY_WEBHOOK_QUEUE_DIR_INGEST");
        assertThat(minio.get("MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_INGEST"))
                .as("the token is the API's key")
                .isEqualTo(api.get("MINIATURA_DEV_API_KEY"))
                .startsWith("${MINIATURA_DEV_API_KEY:?");
        assertThat(strings(service(compose, "minio").get("volumes")))
                .anyMatch(v -> v.endsWith(":" + minio.get("MINIO_NOTIFY_WEBHOOK_QUEUE_DIR_INGEST")));
        assertThat(String.join(" ", strings(service(compose, "minio-init").get("command"))))
                .contains(
                        "mc event add --ignore-existing local/originals arn:minio:sqs::INGEST:webhook --event put,delete");
        assertThat(api).containsEntry("MINIATURA_INGEST_UPLOADS_ENDPOINT", "http://localhost:9000");
    }

    /**
     * Regression: manifests lived in the public thumbnails bucket. minio-init creates the metadata bucket they live in
     * now and keeps it private; the thumbnails bucket is the only one anyone may read.
     */
    @Test
    void minioInitCreatesThePrivateMetadataBucketAndOnlyThumbnailsArePublic() throws IOException {
        String init = String.join(" ", strings(service(compose(), "minio-init").get("command")));
        assertThat(init)
                .containsPattern("mc mb --ignore-existing [^&]*local/metadata")
                .contains("mc anonymous set none local/metadata");
        assertThat(Pattern.compile("mc anonymous set (\\S+) (\\S+)")
                        .matcher(init)
                        .results()
                        .filter(m -> !m.group(1).equals("none"))
                        .map(m -> m.group(2))
                        .toList())
                .containsExactly("local/thumbnails");
    }

    /**
     * Regression: Kafka wrote its log to the image's default, /tmp/kraft-combined-logs, outside its volume, so
     * recreating the container lost every topic and committed offset. Its log and KRaft metadata directories are in a
     * named volume, and its cluster id is pinned so the storage formatted there matches it on every start.
     */
    @Test
    void kafkaKeepsItsLogAndMetadataInItsVolume() throws IOException {
        Map<String, Object> compose = compose();
        Map<String, Object> kafka = service(compose, "kafka");
        Map<String, String> env = env(kafka);
        assertThat(env)
                .as("KAFKA_LOG_DIRS (the image's default is /tmp/kraft-combined-logs)")
                .containsKey("KAFKA_LOG_DIRS")
                .containsKey("CLUSTER_ID");
        Map<String, String> volumes = new LinkedHashMap<>();
        for (String volume : strings(kafka.get("volumes"))) {
            String[] parts = volume.split(":");
            volumes.put(parts[1], parts[0]);
        }
        List<String> dirs = new ArrayList<>(List.of(env.get("KAFKA_LOG_DIRS").split(",")));
        if (env.containsKey("KAFKA_METADATA_LOG_DIR")) {
            dirs.add(env.get("KAFKA_METADATA_LOG_DIR"));
        }
        for (String dir : dirs) {
            String mount = volumes.keySet().stream()
                    .filter(target -> (dir + "/").startsWith(target.endsWith("/") ? target : target + "/"))
                    .findFirst()
                    .orElse(null);
            assertThat(mount)
                    .as("%s inside one of kafka's volumes %s", dir, volumes.keySet())
                    .isNotNull();
            assertThat(((Map<?, ?>) compose.get("volumes"))
                            .keySet().stream().map(String::valueOf).toList())
                    .as("%s: a named volume, kept across container recreation", dir)
                    .contains(volumes.get(mount));
        }
    }

    /** Every published port answers this machine only, never its network. */
    @Test
    void everyPublishedPortIsBoundToLoopback() throws IOException {
        List<String> published = new ArrayList<>();
        for (Map.Entry<String, Object> entry : services(compose()).entrySet()) {
            Object ports = ((Map<?, ?>) entry.getValue()).get("ports");
            if (ports == null) {
                continue;
            }
            for (Object port : (List<?>) ports) {
                String what = entry.getKey() + " publishes " + port;
                published.add(what);
                if (port instanceof Map<?, ?> long_) {
                    assertThat(long_.get("host_ip")).as(what).isEqualTo("127.0.0.1");
                } else {
                    assertThat(String.valueOf(port)).as(what).matches("127\\.0\\.0\\.1:\\d+:\\d+");
                }
            }
        }
        assertThat(published).hasSizeGreaterThanOrEqualTo(5);
    }

    /**
     * Regression: compose ran with minioadmin/minioadmin, a published all-scope API key and Grafana's admin/admin.
     * Every credential it interpolates is required ({@code ${NAME:?message}}: compose refuses to start without it),
     * none has a default, and .env.example lists exactly those variables with no secret filled in, for a .env that
     * git and the image build context both ignore.
     */
    @Test
    void everyCredentialIsRequiredAndNoneHasADefault() throws IOException {
        String text = Files.readString(REPO.resolve("docker-compose.yml"));
        Matcher interpolation =
                Pattern.compile("(?<!\\$)\\$\\{([A-Za-z0-9_]+)([^}]*)}").matcher(text);
        Set<String> required = new TreeSet<>();
        while (interpolation.find()) {
            String name = interpolation.group(1);
            String modifier = interpolation.group(2);
            if (name.matches(".*(USER|PASSWORD|KEY|SECRET|TOKEN).*")) {
                assertThat(modifier)
                        .as("${%s%s}: required, with a message", name, modifier)
                        .startsWith(":?")
                        .hasSizeGreaterThan(2);
                required.add(name);
            }
        }
        assertThat(required)
                .containsExactly("GRAFANA_PASSWORD", "MINIATURA_DEV_API_KEY", "MINIO_ROOT_PASSWORD", "MINIO_ROOT_USER");
        for (Map.Entry<String, Object> entry : services(compose()).entrySet()) {
            Object environment = ((Map<?, ?>) entry.getValue()).get("environment");
            if (environment != null) {
                ((Map<?, ?>) environment).forEach((k, v) -> {
                    assertThat(String.valueOf(v))
                            .as("%s: %s", entry.getKey(), k)
                            .doesNotContain("minioadmin")
                            .doesNotContain("compose-dev-key");
                    if (String.valueOf(k).matches(".*(PASSWORD|SECRET|KEY|TOKEN).*")) {
                        assertThat(String.valueOf(v))
                                .as("%s: %s, from the environment", entry.getKey(), k)
                                .startsWith("${");
                    }
                });
            }
        }

        Map<String, String> example = new LinkedHashMap<>();
        for (String line : Files.readAllLines(REPO.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                example.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        assertThat(example.keySet())
                .as(".env.example lists what compose requires")
                .containsExactlyInAnyOrderElementsOf(required);
        example.forEach((name, value) -> {
            if (!name.endsWith("_USER")) {
                assertThat(value)
                        .as(".env.example: %s is left for you to fill in", name)
                        .isEmpty();
            }
        });
        assertThat(Files.readAllLines(REPO.resolve(".gitignore"))).contains(".env");
        assertThat(Files.readAllLines(REPO.resolve(".dockerignore"))).contains(".env");
    }

    /** The API serves actuator on its management port, where Prometheus scrapes it; the published API port has none. */
    @Test
    void prometheusScrapesTheApisManagementPort() throws IOException {
        Map<String, String> api = env(service(compose(), "ingest-api"));
        Map<String, Object> prometheus =
                new Yaml().load(Files.readString(REPO.resolve("deploy/compose/prometheus.yml")));
        List<String> targets = new ArrayList<>();
        for (Object job : (List<?>) prometheus.get("scrape_configs")) {
            for (Object config : (List<?>) ((Map<?, ?>) job).get("static_configs")) {
                ((List<?>) ((Map<?, ?>) config).get("targets")).forEach(t -> targets.add((String) t));
            }
        }
        assertThat(targets).contains("ingest-api:" + api.get("MANAGEMENT_SERVER_PORT"));
        assertThat(strings(service(compose(), "ingest-api").get("ports")))
                .noneMatch(p -> p.endsWith(":" + api.get("MANAGEMENT_SERVER_PORT")));
    }

    private static List<String> problems(Map<String, Object> compose) throws IOException {
        // its "$id" is a bare file name, which the validator does not take for a base URI; its references are local
        tools.jackson.databind.node.ObjectNode spec =
                (tools.jackson.databind.node.ObjectNode) JSON.readTree(Files.readString(SCHEMA));
        spec.remove("$id");
        Schema schema = SchemaRegistry.withDefaultDialect(Dialects.getDraft7()).getSchema(spec);
        List<String> problems = new ArrayList<>();
        schema.validate(JSON.valueToTree(compose)).forEach(e -> problems.add(e.toString()));
        return problems;
    }

    /** The compose file as Docker Compose reads it: YAML anchors and merge keys resolved. */
    private static Map<String, Object> compose() throws IOException {
        return new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services(Map<String, Object> compose) {
        return (Map<String, Object>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(Map<String, Object> compose, String name) {
        Map<String, Object> s = (Map<String, Object>) services(compose).get(name);
        assertThat(s).as("service " + name).isNotNull();
        return s;
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    private static Map<String, String> env(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        ((Map<?, ?>) service.get("environment")).forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        return env;
    }
}
