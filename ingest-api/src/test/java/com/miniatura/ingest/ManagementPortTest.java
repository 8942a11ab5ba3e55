package com.miniatura.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.ingest.http.IngestServerTest;
import com.miniatura.ingest.http.WithTestApiKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Actuator on the API's port (its default; deploy/ moves it to a port of its own) serves health, info and
 * prometheus, read-only, and health says UP or DOWN without naming its components. Every request carries a valid
 * key with every scope, so a refusal here is actuator's, not the authentication's.
 */
@IngestServerTest
class ManagementPortTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("GET", "/actuator/env", null),
                Arguments.of("GET", "/actuator/configprops", null),
                Arguments.of("GET", "/actuator/heapdump", null),
                Arguments.of("GET", "/actuator/threaddump", null),
                Arguments.of("GET", "/actuator/beans", null),
                Arguments.of("GET", "/actuator/mappings", null),
                Arguments.of("GET", "/actuator/metrics", null),
                Arguments.of("GET", "/actuator/loggers", null),
                Arguments.of("POST", "/actuator/loggers/com.miniatura", "{\"configuredLevel\":\"OFF\"}"),
                Arguments.of("POST", "/actuator/shutdown", "{}"),
                Arguments.of("GET", "/actuator/health/kafka", null),
                Arguments.of("GET", "/actuator/health/storage", null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refused")
    void anythingButHealthInfoAndPrometheusIsRefused(String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(method, path, body);
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isIn(404, 405);
    }

    @Test
    void onlyHealthInfoAndPrometheusAreListed() throws Exception {
        JsonNode links = JSON.readTree(send("GET", "/actuator", null).body()).get("_links");
        assertThat(links.propertyNames()).allSatisfy(name -> assertThat(name).matches("self|health|health-path|info|prometheus"))
                .contains("health", "info", "prometheus");
    }

    @Test
    void healthSaysUpOrDownAndNothingElseWhileTheProbesStillAnswer() throws Exception {
        // Kafka is unreachable here, so the status is DOWN; which component is down is not said.
        HttpResponse<String> health = send("GET", "/actuator/health", null);
        assertThat(JSON.readTree(health.body()).propertyNames()).as(health.body()).containsExactlyInAnyOrder("status", "groups");
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            HttpResponse<String> response = send("GET", probe, null);
            assertThat(response.statusCode()).as(probe).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).propertyNames()).as(probe + ": " + response.body())
                    .containsExactly("status");
        }
        assertThat(send("GET", "/actuator/prometheus", null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + WithTestApiKey.KEY);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
