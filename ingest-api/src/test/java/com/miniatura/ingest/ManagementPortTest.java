package com.miniatura.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.testing.Actuator;
import com.miniatura.ingest.http.IngestServerTest;
import com.miniatura.ingest.http.WithTestApiKey;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Actuator on the API's port (its default; deploy/ moves it to a port of its own) serves health, info and
 * prometheus, read-only, and health says UP or DOWN without naming its components. Every request carries a valid
 * key with every scope, so a refusal here is actuator's, not the authentication's.
 */
@IngestServerTest
class ManagementPortTest {
    private static final String[] KEY = {"Authorization", "Bearer " + WithTestApiKey.KEY};

    @LocalServerPort
    int port;

    static Stream<Arguments> refused() {
        return Stream.concat(
                Actuator.refusedByEveryService(),
                Stream.of(
                        Arguments.of("GET", "/actuator/mappings", null),
                        Arguments.of("GET", "/actuator/health/kafka", null)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refused")
    void anythingButHealthInfoAndPrometheusIsRefused(String method, String path, String body) throws Exception {
        Actuator.assertRefused(send(method, path, body), method, path);
    }

    @Test
    void onlyHealthInfoAndPrometheusAreListed() throws Exception {
        Actuator.assertOnlyHealthInfoAndPrometheusListed(send("GET", "/actuator", null));
    }

    @Test
    void healthSaysUpOrDownAndNothingElseWhileTheProbesStillAnswer() throws Exception {
        // Kafka is unreachable here, so the status is DOWN; which component is down is not said.
        Actuator.assertHealthSaysUpOrDownAndNothingElse(base(), KEY);
        assertThat(send("GET", "/actuator/prometheus", null).statusCode()).isEqualTo(200);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return Actuator.send(base(), method, path, body, KEY);
    }
}
