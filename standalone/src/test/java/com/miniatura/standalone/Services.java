package com.miniatura.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The service jars run as separate processes, as production runs them, for the integration tests. */
final class Services {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Services() {
    }

    /** Starts {@code java -jar <jar> args…} with its output in {@code target/<jar>-<uuid>.log}. */
    static Process launch(String jar, String... args) throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path path = root.resolve(jar);
        assertThat(path).as("built by the reactor before this module's integration tests").isRegularFile();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-jar", path.toString()));
        command.addAll(List.of(args));
        File log = Path.of("target", path.getFileName() + "-" + UUID.randomUUID() + ".log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    /** Waits until {@code url} (an actuator health endpoint) says UP, failing if a process dies first. */
    static void awaitUp(String url, List<Process> processes) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process process : processes) {
                assertThat(process.isAlive()).as("service process exited early (see target/*.log)").isTrue();
            }
            try {
                HttpResponse<String> response = get(url);
                if (response.statusCode() == 200 && json(response).get("status").asString().equals("UP")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(url + " not UP within " + TIMEOUT);
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postJson(String url, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
