package com.miniatura.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.storage.MinioObjectStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.ingest.rerender.RerenderCommand;
import com.miniatura.standalone.infra.EmbeddedS3Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rerender --move-metadata} against an S3 server (S3Proxy, as the standalone runs it): the manifests and
 * checkpoints an earlier version left in the public thumbnails bucket end up in the private metadata bucket and nowhere
 * else, a newer copy already there is kept, the variants stay, and a second run finds nothing to move.
 */
class MetadataMoveTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void movesWhatAnEarlierVersionLeftInTheThumbnailsBucketNeverOverANewerCopy() throws Exception {
        try (EmbeddedS3Server s3 = EmbeddedS3Server.start(
                dataDir,
                "localhost",
                0,
                "minioadmin",
                "minioadmin",
                List.of("originals", "thumbnails", "metadata"),
                Set.of("thumbnails"))) {
            ObjectStore store = new MinioObjectStore(new StorageSettings(
                    s3.endpoint(),
                    "us-east-1",
                    "minioadmin",
                    "minioadmin",
                    "originals",
                    "thumbnails",
                    "no-cache",
                    false));
            // the metadata bucket's copy of lot-3 is older than the public one an old worker wrote during the rollout;
            // its copy of lot-2 was written after the public one, by this version
            put(store, "metadata/lot-3/manifest.json", "{\"status\":\"pending\",\"imageId\":\"lot-3\"}");
            awaitLaterSecond(store, "metadata/lot-3/manifest.json");
            put(store, "thumbnails/lot-1/manifest.json", "{\"status\":\"rendered\",\"imageId\":\"lot-1\"}");
            put(store, "thumbnails/lot-1/s150.jpg", "variant");
            put(store, "thumbnails/lot-2/manifest.json", "{\"status\":\"pending\",\"imageId\":\"lot-2\"}");
            put(store, "thumbnails/lot-3/manifest.json", "{\"status\":\"rendered\",\"imageId\":\"lot-3\"}");
            put(store, "thumbnails/rerender~/missing-abc.json", "{\"run\":\"missing-abc\"}");
            put(store, "thumbnails/lots/7/manifest.json", "not one of ours: two levels deep");
            awaitLaterSecond(store, "thumbnails/lot-3/manifest.json");
            put(store, "metadata/lot-2/manifest.json", "{\"status\":\"rendered\",\"imageId\":\"lot-2\"}");
            Map<String, String> before = objects(store);
            long documentBytes = List.of(
                            "lot-1/manifest.json",
                            "lot-2/manifest.json",
                            "lot-3/manifest.json",
                            "rerender~/missing-abc.json")
                    .stream()
                    .mapToLong(k -> before.get("thumbnails/" + k).length())
                    .sum();

            int[] status = new int[1];
            String output = rerender(s3, status, "--move-metadata", "--dry-run");
            assertThat(status[0]).as(output).isZero();
            assertThat(output)
                    .contains("rerender: move-metadata completed in")
                    .contains("- dry run, nothing moved")
                    .contains("listed          6 objects of bucket thumbnails")
                    .contains("would move      3 manifests and 1 checkpoint, " + documentBytes + " B");
            assertThat(objects(store)).as("a dry run moves nothing").isEqualTo(before);

            output = rerender(s3, status, "--move-metadata", "--rate=1000");
            assertThat(status[0]).as(output).isZero();
            assertThat(output)
                    .contains("found           3 manifests and 1 checkpoint, " + documentBytes + " B")
                    .contains("moved           3 to bucket metadata")
                    .contains("kept            1 newer in bucket metadata (their public copies removed)");
            assertThat(objects(store))
                    .isEqualTo(new TreeMap<>(Map.of(
                            "metadata/lot-1/manifest.json", "{\"status\":\"rendered\",\"imageId\":\"lot-1\"}",
                            "metadata/lot-2/manifest.json", "{\"status\":\"rendered\",\"imageId\":\"lot-2\"}",
                            "metadata/lot-3/manifest.json", "{\"status\":\"rendered\",\"imageId\":\"lot-3\"}",
                            "metadata/rerender~/missing-abc.json", "{\"run\":\"missing-abc\"}",
                            "thumbnails/lot-1/s150.jpg", "variant",
                            "thumbnails/lots/7/manifest.json", "not one of ours: two levels deep")));
            HttpClient http = HttpClient.newHttpClient();
            assertThat(anonymousGet(http, s3.endpoint() + "/thumbnails/lot-1/manifest.json"))
                    .isEqualTo(404);
            assertThat(anonymousGet(http, s3.endpoint() + "/metadata/lot-1/manifest.json"))
                    .isEqualTo(403);
            assertThat(anonymousGet(http, s3.endpoint() + "/thumbnails/lot-1/s150.jpg"))
                    .isEqualTo(200);

            Map<String, String> moved = objects(store);
            output = rerender(s3, status, "--move-metadata");
            assertThat(status[0]).as(output).isZero();
            assertThat(output)
                    .contains("found           0 manifests and 0 checkpoints, 0 B")
                    .contains("moved           0 to bucket metadata")
                    .contains("nothing left in bucket thumbnails to move");
            assertThat(objects(store)).as("a second run moves nothing").isEqualTo(moved);
        }
    }

    private static String rerender(EmbeddedS3Server s3, int[] status, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--miniatura.storage.endpoint=" + s3.endpoint());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        status[0] = RerenderCommand.run(
                all.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String output = out.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        return output;
    }

    private static void put(ObjectStore store, String bucketAndKey, String text) {
        int slash = bucketAndKey.indexOf('/');
        store.put(
                bucketAndKey.substring(0, slash),
                bucketAndKey.substring(slash + 1),
                text.getBytes(StandardCharsets.UTF_8),
                PutOptions.of("application/json"));
    }

    /** Every object of the two buckets, {@code bucket/key} → its text. */
    private static Map<String, String> objects(ObjectStore store) {
        Map<String, String> objects = new TreeMap<>();
        for (String bucket : List.of("metadata", "thumbnails")) {
            for (String key : store.keys(bucket, "")) {
                objects.put(
                        bucket + "/" + key,
                        new String(store.get(bucket, key, 1 << 20).orElseThrow().bytes(), StandardCharsets.UTF_8));
            }
        }
        return objects;
    }

    /**
     * Waits until storage's clock is past the second {@code bucketAndKey} was written in, so that what is written next
     * is newer to the second (S3's HEAD gives times to the second): a probe object is written until its time is later.
     */
    private static void awaitLaterSecond(ObjectStore store, String bucketAndKey) throws InterruptedException {
        int slash = bucketAndKey.indexOf('/');
        Instant written = store.head(bucketAndKey.substring(0, slash), bucketAndKey.substring(slash + 1))
                .orElseThrow()
                .lastModified()
                .truncatedTo(ChronoUnit.SECONDS);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            store.put("originals", "clock-probe", new byte[1], PutOptions.of("application/octet-stream"));
            if (store.head("originals", "clock-probe")
                    .orElseThrow()
                    .lastModified()
                    .truncatedTo(ChronoUnit.SECONDS)
                    .isAfter(written)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("storage's clock did not pass " + written + " within " + TIMEOUT);
    }

    private static int anonymousGet(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
