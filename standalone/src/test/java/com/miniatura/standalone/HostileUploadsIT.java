package com.miniatura.standalone;

import static com.miniatura.standalone.Services.awaitUp;
import static com.miniatura.standalone.Services.freePort;
import static com.miniatura.standalone.Services.launch;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.worker.render.LargeImages;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Uploads that used to take a worker down, sent through the ingest API to a worker process run as a small pod runs
 * it: {@code -Xmx320m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}, two render threads. Each hostile file (a
 * 10000×10000 RGBA PNG that decodes to 400 MB, a PNG of 8000 compressed text chunks that inflate to 2 GB, a
 * progressive JPEG of 5000 scans) ends {@code failed} with its own reason; the photos of 108 and 200 MP phone sensors
 * render every reference variant, their peak heap and upload-to-rendered time printed; the worker keeps its PID
 * throughout and renders the next upload.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileUploadsIT {
    private static final List<String> POD = List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

    @TempDir
    static Path dataDir;

    private static final List<Process> processes = new CopyOnWriteArrayList<>();
    private static Process worker;
    private static long workerPid;
    private static String workerUrl;
    private static String api;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final List<String> summary = new ArrayList<>();

    @BeforeAll
    static void startThePipelineWithASmallWorker() throws Exception {
        Services.Infrastructure infrastructure = Services.startInfrastructure(dataDir, processes);
        String bootstrap = "--spring.kafka.bootstrap-servers=" + infrastructure.bootstrap();
        String storage = "--miniatura.storage.endpoint=" + infrastructure.storage();
        int ingestPort = freePort();
        processes.add(launch(
                "ingest-api/target/miniatura-ingest-api.jar", "--server.port=" + ingestPort, bootstrap, storage));
        api = "http://localhost:" + ingestPort;
        int workerPort = freePort();
        worker = Services.launchWith(
                        POD, "worker/target/miniatura-worker.jar", "--server.port=" + workerPort, bootstrap, storage)
                .process();
        processes.add(worker);
        workerPid = worker.pid();
        workerUrl = "http://localhost:" + workerPort;
        awaitUp(workerUrl + "/actuator/health", List.of(worker));
        awaitUp(api + "/actuator/health", processes);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        System.out.println("hostile uploads against a -Xmx320m worker:");
        summary.forEach(line -> System.out.println("  " + line));
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).destroyForcibly().waitFor();
        }
    }

    @Test
    @Order(1)
    void a400MegabytePngFailsWithItsReasonAndTheWorkerStays() throws Exception {
        JsonNode status = upload("rgba-10000", LargeImages.rgbaPng(10_000, 10_000));

        assertThat(status.get("status").asString()).isEqualTo("failed");
        assertThat(status.get("reason").asString())
                .matches("image too large to render: decoding this 10000x10000 PNG"
                        + " with transparency needs about \\d+ MB of memory, more than the \\d+ MB this worker has for images"
                        + " \\(miniatura\\.worker\\.memory-budget\\)");
        assertTheSameWorker();
    }

    @Test
    @Order(2)
    void aPngOf2GigabytesOfCompressedTextFailsWithItsReason() throws Exception {
        JsonNode status = upload("text-bomb", LargeImages.textBombPng(8000, 256));

        assertThat(status.get("status").asString()).isEqualTo("failed");
        assertThat(status.get("reason").asString())
                .isEqualTo("too complex to render: the PNG's text, profile and other"
                        + " metadata chunks hold more than 16 MB once inflated");
        assertTheSameWorker();
    }

    @Test
    @Order(3)
    void aProgressiveJpegOf5000ScansFailsWithItsReason() throws Exception {
        JsonNode status = upload("scans-5000", LargeImages.manyScansJpeg(5000));

        assertThat(status.get("status").asString()).isEqualTo("failed");
        assertThat(status.get("reason").asString())
                .isEqualTo("too complex to render: the JPEG has more than 100 scans");
        assertTheSameWorker();
    }

    @Test
    @Order(4)
    void theNextUploadRenders() throws Exception {
        JsonNode status = upload("photo", Files.readAllBytes(Services.fixture("photos/iphone_hdr_NO.jpg")));

        assertThat(status.get("status").asString()).isEqualTo("rendered");
        assertThat(status.get("variants")).hasSize(6);
        assertTheSameWorker();
    }

    @Test
    @Order(5)
    void a108MegapixelPhotoRendersEveryVariant() throws Exception {
        renderHuge(12_000, 9_000);
    }

    @Test
    @Order(6)
    void a200MegapixelPhotoRendersEveryVariant() throws Exception {
        renderHuge(16_320, 12_240);
    }

    private void renderHuge(int width, int height) throws Exception {
        byte[] jpeg = Files.readAllBytes(LargeImages.photo(width, height));
        AtomicLong peakHeap = new AtomicLong();
        AtomicLong peakReserved = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(
                () -> {
                    while (sampling.get()) {
                        peakHeap.accumulateAndGet(metric("jvm_memory_used_bytes", "area=\"heap\""), Math::max);
                        peakReserved.accumulateAndGet(metric("miniatura_memory_reserved_bytes"), Math::max);
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "heap-sampler");
        sampler.start();
        long started = System.nanoTime();
        JsonNode status;
        try {
            status = upload("huge-" + width + "x" + height, jpeg);
        } finally {
            sampling.set(false);
            sampler.join();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(status.get("status").asString()).as(status.toString()).isEqualTo("rendered");
        List<String> sizes = new ArrayList<>();
        status.get("variants")
                .forEach(v -> sizes.add(v.get("name").asString() + " "
                        + v.get("width").asInt() + "x" + v.get("height").asInt()));
        double aspect = (double) height / width;
        assertThat(sizes)
                .containsExactlyInAnyOrder(
                        "s150 150x150",
                        "m300 300x" + Math.round(300 * aspect),
                        "c480 480x" + Math.round(480 * aspect),
                        "d800 800x" + Math.round(800 * aspect),
                        "z1600 1600x" + Math.round(1600 * aspect),
                        "g150 150x150");
        summary.add(String.format(
                Locale.ROOT,
                "%dx%d (%.0f MP, %.1f MB JPEG): rendered, upload to rendered %d ms,"
                        + " heap used at most %d MB (sampled), %d MB reserved in the budget",
                width,
                height,
                width * (double) height / 1e6,
                jpeg.length / 1048576.0,
                millis,
                peakHeap.get() >> 20,
                peakReserved.get() >> 20));
        assertTheSameWorker();
    }

    /** Uploads {@code bytes} through the ingest API and waits for the image's final status. */
    private JsonNode upload(String name, byte[] bytes) throws Exception {
        String imageId = "hostile-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path file = dataDir.resolve(imageId + ".bin");
        Files.write(file, bytes);
        long started = System.nanoTime();
        Services.upload(HTTP, api, file, imageId);
        JsonNode status = Services.awaitFinal(api, imageId);
        if (!name.startsWith("huge")) {
            summary.add(String.format(
                    Locale.ROOT,
                    "%s (%d KB): %s in %d ms%s",
                    name,
                    bytes.length >> 10,
                    status.get("status").asString(),
                    (System.nanoTime() - started) / 1_000_000,
                    status.has("reason") ? ": " + status.get("reason").asString() : ""));
        }
        return status;
    }

    private static void assertTheSameWorker() {
        assertThat(worker.isAlive()).as("the worker process is alive").isTrue();
        assertThat(worker.pid()).isEqualTo(workerPid);
    }

    private static long metric(String series, String... labels) {
        try {
            return (long) Services.scraped(workerUrl + "/actuator/prometheus", series, labels);
        } catch (Exception | AssertionError e) {
            return 0;
        }
    }
}
