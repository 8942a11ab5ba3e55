package com.miniatura.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.cloud.stream.endpoint.BindingsEndpoint;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker's port (8081, actuator only, reachable by anyone who reaches the pod) serves health, info and
 * prometheus, read-only, and says no more than UP or DOWN. Regression: Spring Cloud Stream's bindings endpoint was
 * exposed with its write operation, and {@code POST /actuator/bindings/images-in-0 {"state":"STOPPED"}} stopped the
 * consumer, unauthenticated.
 */
class ManagementPortTest {
    private static final String TOPIC = "management-it.images";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static EmbeddedKafkaKraftBroker kafka;
    static ConfigurableApplicationContext worker;
    static String base;

    @BeforeAll
    static void start() {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        kafka.addTopics(new NewTopic(TOPIC, 1, (short) 1), new NewTopic(DeadLetterContract.topicOf(TOPIC), 1, (short) 1));
        worker = new SpringApplicationBuilder(WorkerApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                "--miniatura.kafka.topic=" + TOPIC,
                "--miniatura.kafka.partitions=1",
                "--miniatura.storage.endpoint=http://127.0.0.1:9",
                "--miniatura.storage.create-buckets=false",
                "--spring.cloud.stream.bindings.images-in-0.consumer.concurrency=1");
        base = "http://127.0.0.1:" + worker.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("POST", "/actuator/bindings/images-in-0", "{\"state\":\"STOPPED\"}"),
                Arguments.of("POST", "/actuator/bindings/images-in-0", "{\"state\":\"PAUSED\"}"),
                Arguments.of("GET", "/actuator/bindings", null),
                Arguments.of("GET", "/actuator/bindings/images-in-0", null),
                Arguments.of("GET", "/actuator/env", null),
                Arguments.of("GET", "/actuator/configprops", null),
                Arguments.of("GET", "/actuator/heapdump", null),
                Arguments.of("GET", "/actuator/threaddump", null),
                Arguments.of("GET", "/actuator/beans", null),
                Arguments.of("GET", "/actuator/metrics", null),
                Arguments.of("GET", "/actuator/loggers", null),
                Arguments.of("POST", "/actuator/loggers/com.miniatura", "{\"configuredLevel\":\"OFF\"}"),
                Arguments.of("POST", "/actuator/shutdown", "{}"),
                Arguments.of("GET", "/actuator/health/binders", null),
                Arguments.of("GET", "/actuator/health/storage", null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refused")
    void anythingButHealthInfoAndPrometheusIsRefused(String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(method, path, body);
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isIn(404, 405);
    }

    @Test
    void stoppingTheBindingOverHttpIsRefusedAndTheConsumerRunsOn() throws Exception {
        assertThat(send("POST", "/actuator/bindings/images-in-0", "{\"state\":\"STOPPED\"}").statusCode()).isIn(404, 405);
        BindingsLifecycleController bindings = worker.getBean(BindingsLifecycleController.class);
        assertThat(bindings.queryState("images-in-0")).singleElement()
                .satisfies(binding -> assertThat(binding.isRunning()).as("the images-in-0 consumer").isTrue());
        assertThat(worker.getBeanNamesForType(BindingsEndpoint.class)).as("no bindings endpoint at all").isEmpty();
    }

    @Test
    void onlyHealthInfoAndPrometheusAreListed() throws Exception {
        JsonNode links = JSON.readTree(send("GET", "/actuator", null).body()).get("_links");
        List<String> names = links.propertyNames().stream().toList();
        assertThat(names).allSatisfy(name -> assertThat(name).matches("self|health|health-path|info|prometheus"))
                .contains("health", "info", "prometheus");
    }

    @Test
    void healthSaysUpOrDownAndNothingElseWhileTheProbesStillAnswer() throws Exception {
        // Storage is unreachable here, so the status is DOWN; which component is down is not said.
        HttpResponse<String> health = send("GET", "/actuator/health", null);
        assertThat(JSON.readTree(health.body()).propertyNames()).as(health.body()).containsExactlyInAnyOrder("status", "groups");
        assertThat(JSON.readTree(health.body()).get("groups").values()).extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("liveness", "readiness");
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            HttpResponse<String> response = send("GET", probe, null);
            assertThat(response.statusCode()).as(probe).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).propertyNames()).as(probe + ": " + response.body())
                    .containsExactly("status");
        }
        assertThat(send("GET", "/actuator/prometheus", null).body()).contains("spring_cloud_stream_binder_kafka_offset");
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
