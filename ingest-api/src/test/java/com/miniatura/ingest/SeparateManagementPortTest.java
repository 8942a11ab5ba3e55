package com.miniatura.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.ingest.http.IngestServerTest;
import com.miniatura.ingest.http.WithTestApiKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * With {@code management.server.port} set, as deploy/ and docker-compose.yml set it, the API's port serves no
 * actuator endpoint at all (a Service or an ingress in front of it publishes the API alone), and the management
 * port answers the probes and Prometheus with the same read-only endpoints as ever.
 */
@IngestServerTest
@TestPropertySource(properties = "management.server.port=0")
class SeparateManagementPortTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int apiPort;

    @LocalManagementPort
    int managementPort;

    @Test
    void theApiPortServesNoActuatorAndTheManagementPortServesTheProbes() throws Exception {
        assertThat(managementPort).isNotEqualTo(apiPort);
        for (String path :
                List.of("/actuator", "/actuator/health", "/actuator/health/readiness", "/actuator/prometheus")) {
            assertThat(get(apiPort, path).statusCode()).as("API port %s", path).isEqualTo(404);
        }
        for (String path : List.of("/actuator/health/liveness", "/actuator/health/readiness", "/actuator/prometheus")) {
            assertThat(get(managementPort, path).statusCode())
                    .as("management port %s", path)
                    .isEqualTo(200);
        }
        for (String path : List.of("/actuator/env", "/actuator/metrics", "/actuator/heapdump")) {
            assertThat(get(managementPort, path).statusCode())
                    .as("management port %s", path)
                    .isEqualTo(404);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + WithTestApiKey.KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
