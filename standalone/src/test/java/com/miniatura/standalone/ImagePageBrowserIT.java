package com.miniatura.standalone;

import static com.miniatura.standalone.Services.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.testing.ExternalTools;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /images/{imageId}} as a person sees it: a rendered photo's page opened in headless Chromium (driven over
 * the DevTools protocol) shows every variant, each thumbnail loaded at its size and drawn where the page lays it out,
 * with its name and size beside it. Skips where no Chromium is installed; fails under CI, where {@code .ci/run}
 * installs it.
 */
class ImagePageBrowserIT {
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /**
     * A detailed camera photo, 2725×2225: every variant has its own size, and z1600 is wider than the window, so the
     * page scales it down. (flowers.jpeg is a smooth vignette: a misplaced thumbnail would still match it.)
     */
    private static final String PHOTO = "photos/2569067123_aca715a2ee_o.jpg";

    private static final int WINDOW_WIDTH = 1280;
    /**
     * Mean absolute difference per channel (of 255) allowed between a thumbnail as drawn on screen and its file scaled
     * to the same size here. Measured: 0.0 where the page draws it at its own size (both decoders give the same
     * pixels) and 0.6 for z1600 scaled down to the window (Chromium's filter against area averaging); another JPEG
     * decoder or filter in a later Chromium may add a level or two. A broken image (the grey box and alt text) differs
     * by tens, and so does another variant in its place: the grayscale one where the colour one should be, 17 (the
     * negative control below).
     */
    private static final double MAX_MEAN_DIFFERENCE = 4;

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void pageShowsEveryVariantOfARenderedPhotoLoadedInChromium() throws Exception {
        Path chromium = requireChromium();
        try (StandaloneMain standalone = StandaloneMain.start(args())) {
            String api =
                    "http://localhost:" + standalone.ingest().getEnvironment().getProperty("local.server.port");
            String thumbnailsUrl = standalone.ingest().getEnvironment().getProperty("miniatura.ingest.thumbnails-url");
            String imageId = "page-" + UUID.randomUUID();
            Services.upload(
                    http, api, Path.of(System.getProperty("miniatura.fixtures")).resolve(PHOTO), imageId);
            JsonNode status = Services.awaitFinal(api, imageId);
            assertThat(status.get("status").asString())
                    .as("status of %s", imageId)
                    .isEqualTo("rendered");
            List<JsonNode> variants = new ArrayList<>();
            status.get("variants").forEach(variants::add);
            assertThat(variants).as("variants in the status").hasSize(6);

            JsonNode page;
            BufferedImage screenshot;
            try (Chromium browser = Chromium.launch(chromium)) {
                page = browser.open(api + "/images/" + imageId);
                screenshot = browser.screenshot();
            }
            Path saved = Path.of("target", "image-page-" + imageId + ".png").toAbsolutePath();
            ImageIO.write(screenshot, "png", saved.toFile());
            System.out.println("Screenshot of the image page: " + saved);

            // One loaded image per variant, at the variant's own size, captioned with its name and size.
            List<JsonNode> images = new ArrayList<>();
            page.get("images").forEach(images::add);
            assertThat(images).as("<img> elements on the page").hasSize(variants.size());
            String text = page.get("text").asString();
            Map<String, JsonNode> drawn = new LinkedHashMap<>();
            for (JsonNode variant : variants) {
                String name = variant.get("name").asString();
                int width = variant.get("width").asInt();
                int height = variant.get("height").asInt();
                String src = thumbnailsUrl + "/" + variant.get("key").asString();
                List<JsonNode> shown = images.stream()
                        .filter(i -> i.get("src").asString().equals(src))
                        .toList();
                assertThat(shown).as("<img> elements with src %s", src).hasSize(1);
                JsonNode image = shown.get(0);
                drawn.put(name, image);
                assertThat(image.get("complete").asBoolean())
                        .as("%s finished loading", name)
                        .isTrue();
                assertThat(image.get("naturalWidth").asInt() + "×"
                                + image.get("naturalHeight").asInt())
                        .as("%s as the browser decoded it", name)
                        .isEqualTo(width + "×" + height);
                assertThat(image.get("caption").asString())
                        .as("caption of %s", name)
                        .startsWith(name + " " + width + "×" + height + " · ");
                assertThat(text).as("page text").contains(name).contains(width + "×" + height);
            }

            // The screenshot: not blank, and each thumbnail drawn in its box is that variant's file.
            double painted = share(screenshot, 0xfafafa);
            System.out.printf(
                    Locale.ROOT,
                    "screenshot %d×%d, %.0f%% not the page background%n",
                    screenshot.getWidth(),
                    screenshot.getHeight(),
                    100 * painted);
            assertThat(painted)
                    .as("share of the screenshot that is not the page background")
                    .isGreaterThan(0.2);
            Map<String, BufferedImage> files = new HashMap<>();
            for (JsonNode variant : variants) {
                String name = variant.get("name").asString();
                JsonNode image = drawn.get(name);
                BufferedImage file =
                        fetchImage(thumbnailsUrl + "/" + variant.get("key").asString());
                files.put(name, file);
                double difference = meanDifference(screenshot, box(image), file);
                System.out.printf(
                        Locale.ROOT,
                        "%s: drawn at %s, mean difference %.2f per channel%n",
                        name,
                        box(image),
                        difference);
                assertThat(difference)
                        .as(
                                "mean difference per channel between %s as drawn at %s in %s and its file",
                                name, box(image), saved)
                        .isLessThan(MAX_MEAN_DIFFERENCE);
            }
            // Negative control: the colour s150 against where the grayscale g150 is drawn (same size) must not pass.
            double control = meanDifference(screenshot, box(drawn.get("g150")), files.get("s150"));
            System.out.printf(
                    Locale.ROOT,
                    "control: s150's file where g150 is drawn, mean difference %.2f per channel%n",
                    control);
            assertThat(control)
                    .as(
                            "mean difference per channel between s150's file and g150 as drawn (the check must tell them apart)")
                    .isGreaterThan(2 * MAX_MEAN_DIFFERENCE);
        }
    }

    /** Chromium's path, or a skip (locally) / failure (CI), the convention of {@link ExternalTools#require}. */
    private static Path requireChromium() {
        Optional<Path> found = findChromium();
        if (found.isPresent()) {
            return found.get();
        }
        String given = System.getenv("CHROME_BIN");
        String message = (given == null || given.isBlank() ? "" : "CHROME_BIN (" + given + ") is not executable and ")
                + "none of chromium, chromium-browser, google-chrome is on PATH (apt-get install chromium; .ci/run does)";
        if (System.getenv("CI") != null) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    private static Optional<Path> findChromium() {
        String given = System.getenv("CHROME_BIN");
        if (given != null && !given.isBlank() && Files.isExecutable(Path.of(given))) {
            return Optional.of(Path.of(given));
        }
        return Stream.of("chromium", "chromium-browser", "google-chrome")
                .map(ExternalTools::find)
                .flatMap(Optional::stream)
                .findFirst();
    }

    private String[] args() throws IOException {
        return new String[] {
            "--miniatura.standalone.components=kafka,s3,ingest,worker",
            "--miniatura.standalone.data-dir=" + dataDir,
            "--miniatura.standalone.kafka-port=" + freePort(),
            "--miniatura.standalone.kafka-controller-port=" + freePort(),
            "--miniatura.standalone.s3-port=" + freePort(),
            "--miniatura.ingest.auth.dev-key=" + Services.API_KEY,
            "--server.port=0"
        };
    }

    private BufferedImage fetchImage(String url) throws Exception {
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image).as("%s decodes", url).isNotNull();
        return image;
    }

    /** Where the page drew an image, in screenshot pixels (device scale 1, page coordinates), rounded. */
    record Box(int x, int y, int width, int height) {
        @Override
        public String toString() {
            return width + "×" + height + "+" + x + "+" + y;
        }
    }

    private static Box box(JsonNode image) {
        return new Box(
                (int) Math.round(image.get("x").asDouble()),
                (int) Math.round(image.get("y").asDouble()),
                (int) Math.round(image.get("width").asDouble()),
                (int) Math.round(image.get("height").asDouble()));
    }

    /**
     * Mean absolute difference per channel between the screenshot inside {@code box} and {@code file} scaled to the
     * box's size (area averaging). A 2-pixel rim is left out: there the browser blends the image's edge with the
     * background at sub-pixel positions.
     */
    static double meanDifference(BufferedImage screenshot, Box box, BufferedImage file) {
        assertThat(box.width()).as("drawn width of an image at %s", box).isGreaterThan(8);
        assertThat(box.height()).as("drawn height of an image at %s", box).isGreaterThan(8);
        assertThat(box.x() + box.width() <= screenshot.getWidth() && box.y() + box.height() <= screenshot.getHeight())
                .as("%s inside the %d×%d screenshot", box, screenshot.getWidth(), screenshot.getHeight())
                .isTrue();
        BufferedImage scaled = new BufferedImage(box.width(), box.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.drawImage(file.getScaledInstance(box.width(), box.height(), Image.SCALE_AREA_AVERAGING), 0, 0, null);
        g.dispose();
        long sum = 0;
        long samples = 0;
        for (int y = 2; y < box.height() - 2; y++) {
            for (int x = 2; x < box.width() - 2; x++) {
                int a = screenshot.getRGB(box.x() + x, box.y() + y);
                int b = scaled.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs((a >> shift & 0xff) - (b >> shift & 0xff));
                }
                samples += 3;
            }
        }
        return (double) sum / samples;
    }

    /** The share of pixels whose colour is not {@code rgb}. */
    private static double share(BufferedImage image, int rgb) {
        long other = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) != rgb) {
                    other++;
                }
            }
        }
        return (double) other / ((long) image.getWidth() * image.getHeight());
    }

    /**
     * Headless Chromium in a throw-away profile, driven over the DevTools protocol on a WebSocket. {@link #close}
     * closes the browser (killing it and its helper processes if it does not exit) and deletes the profile.
     */
    static final class Chromium implements AutoCloseable {
        private final Process process;
        private final Path profile;
        private final Path log;
        private final Cdp browser;
        private final Cdp page;

        private Chromium(Process process, Path profile, Path log, Cdp browser, Cdp page) {
            this.process = process;
            this.profile = profile;
            this.log = log;
            this.browser = browser;
            this.page = page;
        }

        static Chromium launch(Path binary) throws Exception {
            Path profile = Files.createTempDirectory("miniatura-chromium-");
            Path log =
                    Path.of("target", "chromium-" + UUID.randomUUID() + ".log").toAbsolutePath();
            Process process = new ProcessBuilder(
                            binary.toString(),
                            "--headless",
                            // Chromium refuses to sandbox as root, and containers often lack the user namespaces it
                            // needs.
                            "--no-sandbox",
                            "--disable-gpu",
                            // /dev/shm is often tiny in containers; shared memory there crashes the renderer.
                            "--disable-dev-shm-usage",
                            // Screenshot pixels are compared with the files: no colour conversion to a monitor profile.
                            "--force-color-profile=srgb",
                            "--hide-scrollbars",
                            "--no-first-run",
                            "--no-default-browser-check",
                            "--disable-extensions",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--user-data-dir=" + profile,
                            "--remote-debugging-port=0",
                            "about:blank")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                // Chromium writes its port and the browser's WebSocket path there once it listens.
                Path activePort = profile.resolve("DevToolsActivePort");
                long deadline = System.nanoTime() + BROWSER_TIMEOUT.toNanos();
                List<String> lines = List.of();
                while (lines.size() < 2) {
                    if (!process.isAlive()) {
                        throw new AssertionError(binary + " exited with " + process.exitValue()
                                + " before writing DevToolsActivePort (see " + log + ")");
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError(binary + " wrote no DevToolsActivePort within " + BROWSER_TIMEOUT
                                + " (see " + log + ")");
                    }
                    Thread.sleep(50);
                    lines = Files.exists(activePort) ? Files.readAllLines(activePort) : List.of();
                }
                String base = "ws://127.0.0.1:" + lines.get(0).trim();
                Cdp browser = Cdp.connect(base + lines.get(1).trim());
                String target = browser.send("Target.createTarget", params("url", "about:blank"))
                        .get("targetId")
                        .asString();
                Cdp page = Cdp.connect(base + "/devtools/page/" + target);
                return new Chromium(process, profile, log, browser, page);
            } catch (Throwable e) {
                stop(process, null);
                deleteTree(profile);
                throw e;
            }
        }

        /**
         * Opens {@code url} in a window {@value #WINDOW_WIDTH} pixels wide, grown to the page's height so that the
         * lazily loaded images all load as someone scrolling would see them, waits until every image has loaded or
         * failed, and returns what the page shows: its text and, for every {@code <img>}, its state and box.
         */
        JsonNode open(String url) throws Exception {
            metrics(900);
            JsonNode navigated = page.send("Page.navigate", params("url", url));
            assertThat(navigated.path("errorText").asString(""))
                    .as("Chromium navigating to %s", url)
                    .isEmpty();
            await(
                    "document.readyState === 'complete' && location.href === " + JSON.writeValueAsString(url),
                    "the page loaded");
            metrics(evaluate("document.documentElement.scrollHeight").asInt());
            await("[...document.images].every(i => i.complete)", "every image loaded or failed");
            metrics(evaluate("document.documentElement.scrollHeight").asInt());
            String info = evaluate("""
                    JSON.stringify({text: document.body.innerText, images: [...document.images].map(i => {
                      const r = i.getBoundingClientRect(), caption = i.closest('figure')?.querySelector('figcaption');
                      return {src: i.currentSrc || i.src, alt: i.alt, complete: i.complete, naturalWidth: i.naturalWidth,
                              naturalHeight: i.naturalHeight, x: r.x + scrollX, y: r.y + scrollY, width: r.width,
                              height: r.height, caption: caption ? caption.innerText : ''};
                    })})""").asString();
            return JSON.readTree(info);
        }

        /** The whole page as PNG pixels. */
        BufferedImage screenshot() throws Exception {
            ObjectNode params = params("format", "png");
            params.put("captureBeyondViewport", true);
            byte[] png = Base64.getDecoder()
                    .decode(page.send("Page.captureScreenshot", params)
                            .get("data")
                            .asString());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image).as("Page.captureScreenshot's PNG decodes").isNotNull();
            return image;
        }

        private void metrics(int height) throws Exception {
            ObjectNode params = params("width", WINDOW_WIDTH);
            params.put("height", Math.min(Math.max(height, 600), 8000));
            params.put("deviceScaleFactor", 1);
            params.put("mobile", false);
            page.send("Emulation.setDeviceMetricsOverride", params);
        }

        private JsonNode evaluate(String expression) throws Exception {
            ObjectNode params = params("expression", expression);
            params.put("returnByValue", true);
            JsonNode result = page.send("Runtime.evaluate", params);
            assertThat(result.path("exceptionDetails").isMissingNode())
                    .as("%s threw %s", expression, result.path("exceptionDetails"))
                    .isTrue();
            return result.get("result").path("value");
        }

        private void await(String condition, String what) throws Exception {
            long deadline = System.nanoTime() + BROWSER_TIMEOUT.toNanos();
            while (!evaluate(condition).asBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "Chromium: not " + what + " within " + BROWSER_TIMEOUT + " (" + condition + "; "
                                    + evaluate(
                                                    "JSON.stringify([...document.images].map(i => [i.src, i.complete, i.naturalWidth]))")
                                            .asString()
                                    + "; see " + log + ")");
                }
                Thread.sleep(100);
            }
        }

        @Override
        public void close() throws Exception {
            page.close();
            try {
                stop(process, browser);
            } finally {
                deleteTree(profile);
            }
        }

        /** Asks the browser to quit, then kills whatever of it is left: the browser and its helper processes. */
        private static void stop(Process process, Cdp browser) throws InterruptedException {
            List<ProcessHandle> helpers = process.descendants().toList(); // once the browser is gone they are orphans
            if (browser != null) {
                try {
                    browser.send("Browser.close", JSON.createObjectNode());
                } catch (Exception | AssertionError e) {
                    // killed below
                }
                browser.close();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            helpers.forEach(ProcessHandle::destroyForcibly);
            assertThat(process.waitFor(10, TimeUnit.SECONDS))
                    .as("Chromium (pid %d) gone", process.pid())
                    .isTrue();
        }

        private static void deleteTree(Path dir) throws IOException {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private static ObjectNode params(String key, Object value) {
        ObjectNode node = JSON.createObjectNode();
        node.set(key, JSON.valueToTree(value));
        return node;
    }

    /** One DevTools protocol connection: commands answered by id; events are ignored (the page is polled instead). */
    static final class Cdp implements WebSocket.Listener, AutoCloseable {
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final StringBuilder message = new StringBuilder();
        private WebSocket socket;

        static Cdp connect(String url) throws Exception {
            Cdp cdp = new Cdp();
            cdp.socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .connectTimeout(BROWSER_TIMEOUT)
                    .buildAsync(URI.create(url), cdp)
                    .get(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return cdp;
        }

        /** Sends a command and returns its result, failing with the protocol's error or after {@link #BROWSER_TIMEOUT}. */
        JsonNode send(String method, ObjectNode params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            ObjectNode command = JSON.createObjectNode();
            command.put("id", id);
            command.put("method", method);
            command.set("params", params);
            synchronized (this) { // one message at a time on the socket
                socket.sendText(JSON.writeValueAsString(command), true)
                        .get(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            JsonNode response;
            try {
                response = answer.get(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("Chromium did not answer " + method + " within " + BROWSER_TIMEOUT);
            } finally {
                pending.remove(id);
            }
            if (response.has("error")) {
                throw new AssertionError("Chromium refused " + method + ": " + response.get("error"));
            }
            return response.get("result");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                JsonNode received = JSON.readTree(message.toString());
                message.setLength(0);
                if (received.has("id")) {
                    CompletableFuture<JsonNode> answer =
                            pending.get(received.get("id").asInt());
                    if (answer != null) {
                        answer.complete(received);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            pending.values()
                    .forEach(answer ->
                            answer.completeExceptionally(new IOException("DevTools socket closed: " + reason)));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(answer -> answer.completeExceptionally(error));
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
