package com.miniatura.standalone.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.testing.Fixtures;
import com.miniatura.common.testing.Pixels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The foundation's end-to-end scenarios — HTTP → Kafka → worker → S3 — written once and run against
 * each kind of infrastructure by a subclass that starts it and sets {@link #pipeline} and {@link #bootstrapServers}.
 */
abstract class PipelineScenarios {
    static final Duration RENDER_TIMEOUT = Duration.ofSeconds(90);
    static final List<String> VARIANTS = List.of("c480", "d800", "g150", "m300", "s150", "z1600");

    static Pipeline pipeline;
    static String bootstrapServers;
    private static final Map<String, String> uploaded = new LinkedHashMap<>(); // fixture → imageId

    /** A fixture, by its upright size: every one must come out upright with these dimensions. */
    record Fixture(String path, int width, int height) {
        @Override
        public String toString() {
            return path;
        }
    }

    static Stream<Fixture> renderable() {
        List<Fixture> fixtures = new ArrayList<>(List.of(
                new Fixture("photos/2569067123_aca715a2ee_o.jpg", 2725, 2225),
                new Fixture("photos/DSCN0010.jpg", 640, 480),
                new Fixture("photos/HMD_Nokia_8.3_5G.jpg", 4608, 1976),
                new Fixture("photos/flowers.jpeg", 1920, 1080),
                new Fixture("photos/iphone_hdr_NO.jpg", 3264, 2448),
                new Fixture("photos/nikon-e950.jpg", 800, 600)));
        for (int orientation = 1; orientation <= 8; orientation++) {
            fixtures.add(new Fixture("orientation/Landscape_" + orientation + ".jpg", 600, 450));
        }
        return fixtures.stream();
    }

    static Path fixtures() {
        return Fixtures.require(System.getProperty(Fixtures.PROPERTY, "../../shared/fixtures/images"));
    }

    /** Uploads every renderable fixture once, up front, so the worker renders them concurrently. */
    static synchronized String imageIdOf(Fixture fixture) throws Exception {
        if (uploaded.isEmpty()) {
            for (Fixture f : renderable().toList()) {
                String imageId = "it-" + f.path().replaceAll("[^A-Za-z0-9]", "-") + "-"
                        + UUID.randomUUID().toString().substring(0, 8);
                pipeline.uploadAccepted(fixtures().resolve(f.path()), imageId);
                uploaded.put(f.path(), imageId);
            }
        }
        return uploaded.get(fixture.path());
    }

    @BeforeAll
    static void forgetUploadsOfAnotherPipeline() {
        uploaded.clear();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderable")
    void uploadedPhotoIsRenderedUprightInEveryReferenceVariant(Fixture fixture) throws Exception {
        String imageId = imageIdOf(fixture);
        JsonNode status = pipeline.awaitFinalStatus(imageId, RENDER_TIMEOUT);
        assertThat(status.get("status").asString()).as("%s", status).isEqualTo("rendered");
        assertThat(status.get("variants"))
                .extracting(v -> v.get("name").asString())
                .containsExactlyElementsOf(VARIANTS);
        for (JsonNode variant : status.get("variants")) {
            String name = variant.get("name").asString();
            int[] expected = ExpectedSize.of(name, fixture.width(), fixture.height());
            assertThat(new int[] {
                        variant.get("width").asInt(), variant.get("height").asInt()
                    })
                    .as("%s %s", fixture, name)
                    .containsExactly(expected);
            String key = variant.get("key").asString();
            assertThat(key).isEqualTo(imageId + "/" + name + ".jpg");

            StatObjectResponse stat = pipeline.s3.statObject(
                    StatObjectArgs.builder().bucket("thumbnails").object(key).build());
            assertThat(stat.contentType()).isEqualTo("image/jpeg");
            assertThat(stat.size()).isEqualTo(variant.get("bytes").asLong());
            assertThat(stat.headers().get("Cache-Control")).isEqualTo("public, max-age=604800");

            BufferedImage image = ImageIO.read(new ByteArrayInputStream(pipeline.read("thumbnails", key)));
            assertThat(image).as("%s %s decodes", fixture, name).isNotNull();
            assertThat(new int[] {image.getWidth(), image.getHeight()}).containsExactly(expected);
            if (name.equals("g150")) {
                assertThat(Pixels.maxChannelSpread(image))
                        .as("g150 is grayscale")
                        .isLessThanOrEqualTo(2);
            }
        }
        if (fixture.path().startsWith("orientation/")) {
            // Same scene under EXIF orientations 1-8: once upright, each must look like orientation 1.
            String reference = imageIdOf(new Fixture("orientation/Landscape_1.jpg", 600, 450));
            pipeline.awaitFinalStatus(reference, RENDER_TIMEOUT);
            BufferedImage upright =
                    ImageIO.read(new ByteArrayInputStream(pipeline.read("thumbnails", reference + "/d800.jpg")));
            BufferedImage actual =
                    ImageIO.read(new ByteArrayInputStream(pipeline.read("thumbnails", imageId + "/d800.jpg")));
            assertThat(Pixels.meanAbsoluteDifference(upright, actual))
                    .as("%s upright", fixture)
                    .isLessThan(Pixels.UPRIGHT_TOLERANCE);
        }
        Map<String, Object> manifest =
                Pipeline.JSON.readValue(pipeline.read("metadata", imageId + "/manifest.json"), Map.class);
        assertThat(manifest).containsEntry("status", "rendered").containsKey("source");
    }

    /** An original that must end {@code failed} with exactly {@code reason}. */
    record Hostile(String label, byte[] bytes, String reason) {
        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * Hostile originals written straight to storage (as a bucket notification or a seller's own uploader
     * would, bypassing the upload endpoint's type check): each ends {@code failed} with its own reason, and
     * the photo queued right behind them, in the same batch, is still rendered.
     */
    @Test
    void hostileOriginalsFailWithDistinctReasonsWhileTheNextUploadRenders() throws Exception {
        List<Hostile> hostile = List.of(
                new Hostile(
                        "bomb",
                        Bombs.png(20_000, 20_000),
                        "source too large: 20000x20000 = 400000000 pixels exceeds the limit of 250000000"),
                new Hostile(
                        "truncated",
                        Files.readAllBytes(fixtures().resolve("invalid/truncated.jpg")),
                        "truncated image: the JPEG file stops after 10000 bytes, before the image is complete"),
                new Hostile("empty", new byte[0], "empty file"),
                new Hostile(
                        "text",
                        "Lot 4711: mint condition, no box.\n".getBytes(StandardCharsets.UTF_8),
                        "unsupported format: text, not an image"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder batch = new StringBuilder("{\"events\":[");
        for (Hostile h : hostile) {
            String imageId = "it-hostile-" + h.label() + "-" + run;
            pipeline.putOriginal(imageId + ".jpg", h.bytes());
            batch.append("{\"imageId\":\"")
                    .append(imageId)
                    .append("\",\"bucket\":\"originals\",\"key\":\"")
                    .append(imageId)
                    .append(".jpg\"},");
        }
        String next = "it-after-hostile-" + run;
        pipeline.putOriginal(next + ".jpg", Files.readAllBytes(fixtures().resolve("photos/nikon-e950.jpg")));
        batch.append("{\"imageId\":\"")
                .append(next)
                .append("\",\"bucket\":\"originals\",\"key\":\"")
                .append(next)
                .append(".jpg\"}]}");
        HttpResponse<String> response = pipeline.postJson("/v1/events", batch.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);

        List<String> reasons = new ArrayList<>();
        for (Hostile h : hostile) {
            JsonNode status = pipeline.awaitFinalStatus("it-hostile-" + h.label() + "-" + run, RENDER_TIMEOUT);
            assertThat(status.get("status").asString()).as(h.label()).isEqualTo("failed");
            assertThat(status.get("reason").asString()).as(h.label()).isEqualTo(h.reason());
            assertThat(status.get("variants")).as(h.label()).isEmpty();
            reasons.add(status.get("reason").asString());
        }
        assertThat(reasons).doesNotHaveDuplicates();
        JsonNode rendered = pipeline.awaitFinalStatus(next, RENDER_TIMEOUT);
        assertThat(rendered.get("status").asString()).isEqualTo("rendered");
        assertThat(rendered.get("blurhash").asString())
                .as("placeholder for pages")
                .hasSizeGreaterThanOrEqualTo(20);
        System.out.printf(
                "hostile originals: %s failed with distinct reasons; %s rendered after them%n",
                hostile.stream().map(Hostile::label).toList(), next);
    }

    /**
     * At-least-once delivery means duplicates: the same event delivered again (a redelivery after a crash,
     * a producer retry) must not render again or rewrite what is stored.
     */
    @Test
    void duplicateDeliveriesOfAnEventAreSkippedWithoutRewritingAnything() throws Exception {
        String imageId = "it-dup-" + UUID.randomUUID();
        pipeline.putOriginal(imageId + ".jpg", Files.readAllBytes(fixtures().resolve("catalog/flowers-1024.jpg")));
        Counter skipped = pipeline.worker
                .getBean(MeterRegistry.class)
                .get("miniatura.images")
                .tag("outcome", "skipped")
                .counter();
        int duplicates = 20;
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = rawUploadedEvent(imageId, "dup-1");
            producer.send(record).get();
            JsonNode first = pipeline.awaitFinalStatus(imageId, RENDER_TIMEOUT);
            assertThat(first.get("status").asString()).isEqualTo("rendered");
            byte[] manifest = pipeline.read("metadata", imageId + "/manifest.json");
            double before = skipped.count();
            for (int i = 0; i < duplicates; i++) {
                producer.send(record).get();
            }
            long deadline = System.nanoTime() + RENDER_TIMEOUT.toNanos();
            while (skipped.count() < before + duplicates && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(skipped.count() - before).as("duplicates skipped").isEqualTo(duplicates);
            assertThat(pipeline.read("metadata", imageId + "/manifest.json"))
                    .as("manifest untouched")
                    .isEqualTo(manifest);
            System.out.printf(
                    "duplicates: sent 1 + %d copies of one event -> rendered 1, skipped %.0f, manifest unchanged%n",
                    duplicates, skipped.count() - before);
        }
    }

    /**
     * {@code DELETE /v1/images/{id}} erases the variants and the original and leaves a {@code deleted} status;
     * the upload event published before the deletion, delivered again (a replay, a producer's retry), is
     * ignored even though its original is back; a new upload afterwards renders the image again.
     */
    @Test
    void aDeletedImageIsErasedAndALateUploadDoesNotBringItBack() throws Exception {
        String imageId = "it-delete-" + UUID.randomUUID();
        byte[] photo = Files.readAllBytes(fixtures().resolve("catalog/flowers-1024.jpg"));
        pipeline.uploadAccepted(fixtures().resolve("catalog/flowers-1024.jpg"), imageId);
        assertThat(pipeline.awaitFinalStatus(imageId, RENDER_TIMEOUT)
                        .get("status")
                        .asString())
                .isEqualTo("rendered");
        assertThat(pipeline.keys("thumbnails", imageId + "/"))
                .as("the variants, and not the manifest")
                .hasSize(VARIANTS.size());

        HttpResponse<String> accepted = pipeline.delete("/v1/images/" + imageId);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(Pipeline.JSON.readTree(accepted.body()).get("status").asString())
                .isEqualTo("deleting");
        JsonNode deleted = pipeline.awaitFinalStatus(imageId, RENDER_TIMEOUT);
        assertThat(deleted.get("status").asString()).isEqualTo("deleted");
        assertThat(deleted.get("variants")).isEmpty();
        Instant deletedAt = Instant.parse(deleted.get("deletedAt").asString());
        assertThat(pipeline.keys("thumbnails", imageId + "/")).isEmpty();
        assertThat(pipeline.keys("metadata", imageId + "/")).containsExactly(imageId + "/manifest.json");
        assertThat(pipeline.keys("originals", imageId)).isEmpty();

        Counter ignored = pipeline.worker
                .getBean(MeterRegistry.class)
                .get("miniatura.images")
                .tag("outcome", "ignored")
                .counter();
        double before = ignored.count();
        pipeline.putOriginal(imageId + ".jpg", photo);
        ProducerRecord<String, String> late = rawUploadedEvent(imageId, "late-1");
        late.headers().add("ce_time", bytes(deletedAt.minusSeconds(30).toString()));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(late).get();
        }
        long deadline = System.nanoTime() + RENDER_TIMEOUT.toNanos();
        while (ignored.count() < before + 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ignored.count() - before).as("late uploads ignored").isEqualTo(1);
        assertThat(pipeline.awaitFinalStatus(imageId, RENDER_TIMEOUT)
                        .get("status")
                        .asString())
                .isEqualTo("deleted");
        assertThat(pipeline.keys("thumbnails", imageId + "/")).isEmpty();
        assertThat(pipeline.keys("metadata", imageId + "/")).containsExactly(imageId + "/manifest.json");

        pipeline.uploadAccepted(fixtures().resolve("catalog/flowers-1024.jpg"), imageId);
        JsonNode again = pipeline.awaitFinalStatus(imageId, RENDER_TIMEOUT);
        assertThat(again.get("status").asString()).isEqualTo("rendered");
        assertThat(again.get("deletedAt").asString()).isEqualTo(deletedAt.toString());
        System.out.printf(
                "deletion: %s erased (%d variants and the original), 1 late upload ignored, re-upload rendered%n",
                imageId, VARIANTS.size());
    }

    @ParameterizedTest(name = "with content-type header: {0}")
    @ValueSource(booleans = {true, false})
    void eventFromARawProducerIsRendered(boolean withContentType) throws Exception {
        // Exactly what docs/events.md tells a non-Java producer to send: documented headers, JSON value.
        // Regression: without the optional content-type header, Spring Cloud Function renamed the ce_*
        // headers and such events were dead-lettered as having no CloudEvents attributes.
        String imageId = "it-raw-" + withContentType + "-" + UUID.randomUUID();
        pipeline.putOriginal(imageId + ".jpg", Files.readAllBytes(fixtures().resolve("photos/DSCN0010.jpg")));
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = rawUploadedEvent(imageId, "1");
            if (withContentType) {
                record.headers().add("content-type", bytes("application/json"));
            }
            producer.send(record).get();
        }
        JsonNode status = pipeline.awaitFinalStatus(imageId, RENDER_TIMEOUT);
        assertThat(status.get("status").asString()).isEqualTo("rendered");
        assertThat(status.get("variants")).hasSize(6);
    }

    @Test
    void batchOfEventsOverHttpIsRendered() throws Exception {
        List<String> ids = new ArrayList<>();
        StringBuilder batch = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 3; i++) {
            String imageId = "it-batch-" + i + "-" + UUID.randomUUID();
            pipeline.putOriginal(
                    "lots/77/" + imageId + ".jpg", Files.readAllBytes(fixtures().resolve("catalog/flowers-1024.jpg")));
            batch.append(i == 0 ? "" : ",")
                    .append("{\"imageId\":\"")
                    .append(imageId)
                    .append("\",\"lotId\":\"77\",\"bucket\":\"originals\",\"key\":\"lots/77/")
                    .append(imageId)
                    .append(".jpg\"}");
            ids.add(imageId);
        }
        HttpResponse<String> response =
                pipeline.postJson("/v1/events", batch.append("]}").toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        for (String imageId : ids) {
            JsonNode status = pipeline.awaitFinalStatus(imageId, RENDER_TIMEOUT);
            assertThat(status.get("status").asString()).isEqualTo("rendered");
            assertThat(status.get("variants").get(0).get("width").asInt()).isEqualTo(480); // c480 of 1024x576
        }
    }

    @Test
    void eventForAMissingOriginalFailsWithAReason() throws Exception {
        String imageId = "it-missing-" + UUID.randomUUID();
        HttpResponse<String> response = pipeline.postJson(
                "/v1/events",
                "{\"imageId\":\"" + imageId + "\",\"bucket\":\"originals\",\"key\":\"nowhere/" + imageId + ".jpg\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode status = pipeline.awaitFinalStatus(imageId, RENDER_TIMEOUT);
        assertThat(status.get("status").asString()).isEqualTo("failed");
        assertThat(status.get("reason").asString())
                .as("a public reason names no key")
                .isEqualTo("original not found");
    }

    @Test
    void unknownImageIs404AndHealthIsUp() throws Exception {
        HttpResponse<String> missing = pipeline.get("/v1/images/never-uploaded");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        HttpResponse<String> health = pipeline.get("/actuator/health");
        assertThat(Pipeline.JSON.readTree(health.body()).get("status").asString())
                .as(health.body())
                .isEqualTo("UP");
    }

    @Test
    void oversizedUploadIsRefusedBy413FromTheRealServer() throws Exception {
        byte[] big = new byte[51 * 1024 * 1024];
        big[0] = (byte) 0xFF;
        big[1] = (byte) 0xD8;
        big[2] = (byte) 0xFF;
        HttpResponse<String> response = pipeline.upload(big, "big.jpg", "it-big");
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body())
                .contains("\"field\":\"file\"")
                .contains("is larger than the limit of 52428800 bytes");
        assertThat(pipeline.get("/v1/images/it-big").statusCode()).isEqualTo(404);
    }

    /**
     * Exactly what docs/events.md tells a non-Java producer to send for an original at
     * {@code originals/<imageId>.jpg}: the documented {@code ce_*} headers and the JSON value.
     */
    static ProducerRecord<String, String> rawUploadedEvent(String imageId, String eventId) {
        ProducerRecord<String, String> record = new ProducerRecord<>(
                "miniatura.images",
                imageId,
                "{\"imageId\":\"" + imageId + "\",\"bucket\":\"originals\",\"key\":\"" + imageId + ".jpg\"}");
        record.headers().add("ce_specversion", bytes("1.0"));
        record.headers().add("ce_type", bytes("image.uploaded"));
        record.headers().add("ce_source", bytes("/marketplace/uploads"));
        record.headers().add("ce_id", bytes(eventId));
        return record;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
