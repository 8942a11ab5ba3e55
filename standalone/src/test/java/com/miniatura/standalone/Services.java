package com.miniatura.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The service jars run as separate processes, as production runs them, for the integration tests. */
final class Services {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** What {@code StandaloneMain} prints once the components it was asked to run accept clients. */
    static final String STANDALONE_READY = "Miniatura standalone is ready";
    /** The API key every launched process accepts ({@code MINIATURA_DEV_API_KEY}), sent with every write. */
    static final String API_KEY = "it-dev-key-5be0cd19137e2179";

    static final String AUTHORIZATION = "Bearer " + API_KEY;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Services() {}

    /** Starts {@code java -Xmx512m -jar <jar> args…} with its output in {@code target/<jar>-<uuid>.log}. */
    static Process launch(String jar, String... args) throws IOException {
        return launch(jar, logFile(jar), args);
    }

    /**
     * Starts {@code java <jvmOptions…> -jar <jar> args…} (say, the heap and collector a pod runs with) with its output
     * in {@code target/<jar>-<uuid>.log}, returned as {@link Launched#log()}.
     */
    static Launched launchWith(List<String> jvmOptions, String jar, String... args) throws IOException {
        Path log = logFile(jar);
        return new Launched(launch(jvmOptions, jar, log, args), log);
    }

    /** A started process and the file its output goes to. */
    record Launched(Process process, Path log) {}

    /**
     * Starts {@code java -jar <jar> args…} like {@link #launch(String, String...)} and returns once its output
     * holds {@code readyLine} (the standalone prints {@value #STANDALONE_READY} when its components are up),
     * failing if the process exits first.
     */
    static Process launchAndAwaitOutput(String jar, String readyLine, String... args) throws Exception {
        Path log = logFile(jar);
        Process process = launch(jar, log, args);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)
                    && Files.readString(log, StandardCharsets.UTF_8).contains(readyLine)) {
                return process;
            }
            if (!process.isAlive()) {
                throw new AssertionError(jar + " exited with " + process.exitValue() + " before printing \"" + readyLine
                        + "\" (see " + log.toAbsolutePath() + ")");
            }
            Thread.sleep(100);
        }
        process.destroyForcibly().waitFor();
        throw new AssertionError(jar + " did not print \"" + readyLine + "\" within " + TIMEOUT + " (see " + log + ")");
    }

    private static Path logFile(String jar) {
        return Path.of("target", Path.of(jar).getFileName() + "-" + UUID.randomUUID() + ".log");
    }

    private static Process launch(String jar, Path log, String... args) throws IOException {
        return launch(List.of("-Xmx512m"), jar, log, args);
    }

    private static Process launch(List<String> jvmOptions, String jar, Path log, String... args) throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path path = root.resolve(jar);
        assertThat(path)
                .as("built by the reactor before this module's integration tests")
                .isRegularFile();
        List<String> command =
                new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", path.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("MINIATURA_DEV_API_KEY", API_KEY);
        return builder.start();
    }

    /** Kafka's bootstrap address and the S3 endpoint of infrastructure started by {@link #startInfrastructure}. */
    record Infrastructure(String bootstrap, String storage) {}

    /**
     * Kafka and S3 each in a standalone process of their own, on free ports, keeping their data in {@code dataDir};
     * both are added to {@code processes} (to be stopped by the caller).
     */
    static Infrastructure startInfrastructure(Path dataDir, List<Process> processes) throws Exception {
        int kafkaPort = freePort();
        int controllerPort = freePort();
        int s3Port = freePort();
        String standalone = "standalone/target/miniatura-standalone.jar";
        inParallel(
                () -> processes.add(launchAndAwaitOutput(
                        standalone,
                        STANDALONE_READY,
                        "--miniatura.standalone.components=kafka",
                        "--miniatura.standalone.data-dir=" + dataDir,
                        "--miniatura.standalone.kafka-port=" + kafkaPort,
                        "--miniatura.standalone.kafka-controller-port=" + controllerPort)),
                () -> processes.add(launchAndAwaitOutput(
                        standalone,
                        STANDALONE_READY,
                        "--miniatura.standalone.components=s3",
                        "--miniatura.standalone.data-dir=" + dataDir,
                        "--miniatura.standalone.s3-port=" + s3Port)));
        return new Infrastructure("localhost:" + kafkaPort, "http://localhost:" + s3Port);
    }

    /** Every record on {@code topic}, read from the beginning up to its end offsets. */
    static List<ConsumerRecord<byte[], byte[]>> records(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    /** Runs the tasks at the same time (say, starting processes that do not depend on each other). */
    @SafeVarargs
    static void inParallel(Callable<Object>... tasks) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(tasks.length);
        try {
            for (Future<?> result : executor.invokeAll(List.of(tasks))) {
                try {
                    result.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /** SIGKILL: the process gets no chance to shut down; returns once it is gone and its ports are free. */
    static void killHard(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS))
                .as("process %d gone after SIGKILL", process.pid())
                .isTrue();
    }

    /** Waits until {@code url} (an actuator health endpoint) says UP, failing if a process dies first. */
    static void awaitUp(String url, List<Process> processes) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process process : processes) {
                assertThat(process.isAlive())
                        .as("service process exited early (see target/*.log)")
                        .isTrue();
            }
            try {
                HttpResponse<String> response = get(url);
                if (response.statusCode() == 200
                        && json(response).get("status").asString().equals("UP")) {
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
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postJson(String url, String json) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .header("Authorization", AUTHORIZATION)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The sum of the samples of {@code series} in the Prometheus scrape at {@code url} (a service's
     * {@code /actuator/prometheus}: the one metrics endpoint it exposes) whose labels include each of {@code labels},
     * given as {@code name="value"}; 0 when there are none.
     */
    static double scraped(String url, String series, String... labels) throws IOException, InterruptedException {
        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        double sum = 0;
        for (String line : response.body().split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
            String labelText = brace >= 0 ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
            if (name.equals(series) && Arrays.stream(labels).allMatch(labelText::contains)) {
                sum += Double.parseDouble(line.substring(space + 1));
            }
        }
        return sum;
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** {@code POST /v1/images} of {@code file} as {@code imageId}, as a seller's upload hook sends it; expects 202. */
    static void upload(HttpClient http, String api, Path file, String imageId) throws Exception {
        String boundary = "b" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"imageId\"\r\n\r\n" + imageId
                        + "\r\n--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(file));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(api + "/v1/images"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .header("Authorization", AUTHORIZATION)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    /** Polls {@code GET /v1/images/{imageId}} until the image is known and no longer pending or deleting. */
    static JsonNode awaitFinal(String api, String imageId) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(api + "/v1/images/" + imageId);
            if (response.statusCode() == 200
                    && !json(response).get("status").asString().equals("pending")
                    && !json(response).get("status").asString().equals("deleting")) {
                return json(response);
            }
            Thread.sleep(100);
        }
        throw new AssertionError(imageId + " still pending after " + TIMEOUT);
    }

    /** A file of the shared fixtures (../shared/fixtures/images, see its README). */
    static Path fixture(String path) {
        return Path.of(System.getProperty("miniatura.fixtures")).resolve(path);
    }
}
