package com.miniatura.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a service's actuator serves to anyone who reaches its port: health, info and prometheus, read-only, health
 * saying UP or DOWN without naming its components. Each service's {@code ManagementPortTest} checks its own port
 * with these, adding the endpoints only it has.
 */
public final class Actuator {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Actuator() {}

    /** Method, path and body (null for none) of the endpoints every service refuses (404 or 405). */
    public static Stream<Arguments> refusedByEveryService() {
        return Stream.of(
                Arguments.of("GET", "/actuator/env", null),
                Arguments.of("GET", "/actuator/configprops", null),
                Arguments.of("GET", "/actuator/heapdump", null),
                Arguments.of("GET", "/actuator/threaddump", null),
                Arguments.of("GET", "/actuator/beans", null),
                Arguments.of("GET", "/actuator/metrics", null),
                Arguments.of("GET", "/actuator/loggers", null),
                Arguments.of("POST", "/actuator/loggers/com.miniatura", "{\"configuredLevel\":\"OFF\"}"),
                Arguments.of("POST", "/actuator/shutdown", "{}"),
                Arguments.of("GET", "/actuator/health/storage", null));
    }

    /** Refused: 404 or 405. */
    public static void assertRefused(HttpResponse<String> response, String method, String path) {
        assertThat(response.statusCode())
                .as("%s %s: %s", method, path, response.body())
                .isIn(404, 405);
    }

    /** {@code GET /actuator} lists health, info and prometheus and nothing else. */
    public static void assertOnlyHealthInfoAndPrometheusListed(HttpResponse<String> actuator) {
        JsonNode links = JSON.readTree(actuator.body()).get("_links");
        assertThat(links.propertyNames())
                .allSatisfy(name -> assertThat(name).matches("self|health|health-path|info|prometheus"))
                .contains("health", "info", "prometheus");
    }

    /** Health names no component, and the liveness and readiness probes answer 200 with their status alone. */
    public static void assertHealthSaysUpOrDownAndNothingElse(String base, String... headers) throws Exception {
        HttpResponse<String> health = send(base, "GET", "/actuator/health", null, headers);
        assertThat(JSON.readTree(health.body()).propertyNames())
                .as(health.body())
                .containsExactlyInAnyOrder("status", "groups");
        assertThat(JSON.readTree(health.body()).get("groups").values())
                .extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("liveness", "readiness");
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            HttpResponse<String> response = send(base, "GET", probe, null, headers);
            assertThat(response.statusCode()).as(probe).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).propertyNames())
                    .as(probe + ": " + response.body())
                    .containsExactly("status");
        }
    }

    /** Sends the request to {@code base + path}, a JSON body when there is one, with the given header name/value pairs. */
    public static HttpResponse<String> send(String base, String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
