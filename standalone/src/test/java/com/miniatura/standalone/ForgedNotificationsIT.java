package com.miniatura.standalone;

import static com.miniatura.standalone.Services.freePort;
import static com.miniatura.standalone.Services.get;
import static com.miniatura.standalone.Services.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The attacks confirmed against the standalone, replayed as an attacker sends them, and shown to fail: a notify-only
 * caller naming a victim image in forged MinIO notifications (a created object that does not exist, then its removal;
 * an existing object claimed for the victim), and an upload caller naming a bucket or an original that is not its own.
 * After each, the victim is as it was: the same status document and the same thumbnail, byte for byte. Each recipe has
 * images of its own, so that one recipe's damage (before the fix) cannot decide another's outcome.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForgedNotificationsIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;

    private StandaloneMain standalone;
    private String api;
    private String s3;
    private MinioClient storage;

    @BeforeAll
    void start() throws Exception {
        int s3Port = freePort();
        standalone = StandaloneMain.start(
                "--miniatura.standalone.data-dir=" + dataDir,
                "--miniatura.standalone.kafka-port=" + freePort(),
                "--miniatura.standalone.kafka-controller-port=" + freePort(),
                "--miniatura.standalone.s3-port=" + s3Port,
                "--miniatura.ingest.auth.dev-key=" + Services.API_KEY,
                "--server.port=0");
        api = "http://localhost:" + standalone.ingest().getEnvironment().getProperty("local.server.port");
        s3 = "http://localhost:" + s3Port;
        storage = MinioClient.builder()
                .endpoint(s3)
                .credentials("minioadmin", "minioadmin")
                .build();
    }

    @AfterAll
    void stop() {
        if (standalone != null) {
            standalone.close();
        }
    }

    /**
     * Regression: a created record for a key that does not exist, naming the victim in its userMetadata, repointed
     * the victim at that key (it ended failed, "original not found").
     */
    @Test
    void aCreatedNoticeOfAMissingObjectDoesNotRepointTheImageItNames() throws Exception {
        Image victim = rendered("victim-1", "photos/nikon-e950.jpg");

        JsonNode created = notify(notification("s3:ObjectCreated:Put", "forged/victim-1.jpg", "victim-1"));

        assertThat(created.get("accepted").asInt()).as(created.toString()).isZero();
        assertThat(created.get("ignored").get(0).get("reason").asString())
                .isEqualTo("storage has no such object (removed since, or never written)");
        untouched(victim);
    }

    /**
     * Regression: the removal matching that forged record then erased the victim (deleted, thumbnails gone). Nor does
     * a removal of the victim's own original erase it while storage still has it.
     */
    @Test
    void aRemovalNoticeDoesNotEraseTheImageItNames() throws Exception {
        Image victim = rendered("victim-2", "photos/nikon-e950.jpg");
        notify(notification("s3:ObjectCreated:Put", "forged/nothing-here.jpg", "victim-2"));

        JsonNode removed = notify(notification("s3:ObjectRemoved:Delete", "forged/nothing-here.jpg", "victim-2"));
        assertThat(removed.get("accepted").asInt()).as(removed.toString()).isZero();
        assertThat(removed.get("ignored").get(0).get("reason").asString())
                .isEqualTo("no image nothing-here was rendered from it");

        JsonNode notGone = notify(notification("s3:ObjectRemoved:Delete", "victim-2.jpg", "victim-2"));
        assertThat(notGone.get("accepted").asInt()).as(notGone.toString()).isZero();
        assertThat(notGone.get("ignored").get(0).get("reason").asString())
                .isEqualTo("storage still has the object (written again since its removal, or never removed)");
        untouched(victim);
    }

    /** Regression: an existing object claimed for the victim replaced the victim's thumbnails with that object. */
    @Test
    void anExistingObjectClaimedForAnotherImageDoesNotReplaceItsThumbnails() throws Exception {
        Image victim = rendered("victim-3", "photos/nikon-e950.jpg");
        Image owner = rendered("owner-3", "catalog/DSCN0010-1024.jpg");

        JsonNode claimed = notify(notification("s3:ObjectCreated:Put", "owner-3.jpg", "victim-3"));

        assertThat(claimed.get("accepted").asInt()).as(claimed.toString()).isZero();
        assertThat(claimed.get("ignored").get(0).get("reason").asString())
                .as("storage says whose the object is")
                .isEqualTo("image owner-3 is already rendered from this object");
        untouched(victim);
        untouched(owner);
    }

    /**
     * Regression: an upload event could name any bucket the workers' credentials read (here the thumbnails bucket's
     * unlisted objects), and its object was rendered into the public thumbnails bucket.
     */
    @Test
    void anEventNamingABucketThatIsNotASourceIsRefused() throws Exception {
        byte[] secret =
                read("thumbnails", rendered("victim-5", "photos/nikon-e950.jpg").id() + "/z1600.jpg");
        storage.putObject(PutObjectArgs.builder().bucket("thumbnails").object("private/ledger.jpg").stream(
                        new ByteArrayInputStream(secret), (long) secret.length, -1L)
                .build());

        HttpResponse<String> foreign = Services.postJson(
                api + "/v1/events",
                "{\"imageId\":\"stolen\",\"bucket\":\"thumbnails\",\"key\":\"private/ledger.jpg\"}");

        assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(400);
        assertThat(foreign.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(foreign).get("errors").get(0).get("field").asString()).isEqualTo("bucket");
        assertThat(json(foreign).get("errors").get(0).get("message").asString())
                .isEqualTo("must be one of the source buckets [originals]");
        assertThat(get(api + "/v1/images/stolen").statusCode())
                .as("nothing accepted")
                .isEqualTo(404);
    }

    /**
     * Regression: another image's original, rendered under an imageId of the caller's, was erased when the caller
     * deleted that image. Storage says whose an original is.
     */
    @Test
    void deletingAnImageRenderedFromAnotherImagesOriginalKeepsThatOriginal() throws Exception {
        Image owner = rendered("owner-6", "catalog/DSCN0010-1024.jpg");
        HttpResponse<String> borrowed = Services.postJson(
                api + "/v1/events", "{\"imageId\":\"mine-6\",\"bucket\":\"originals\",\"key\":\"owner-6.jpg\"}");
        assertThat(borrowed.statusCode()).as(borrowed.body()).isEqualTo(202);
        assertThat(Services.awaitFinal(api, "mine-6").get("status").asString()).isEqualTo("rendered");

        HttpResponse<String> deleted = http.send(
                HttpRequest.newBuilder(URI.create(api + "/v1/images/mine-6"))
                        .header("Authorization", Services.AUTHORIZATION)
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
        assertThat(Services.awaitFinal(api, "mine-6").get("status").asString()).isEqualTo("deleted");

        assertThat(exists("originals", "owner-6.jpg"))
                .as("the owner's original")
                .isTrue();
        untouched(owner);
    }

    /**
     * Regression: reasons, readable by anyone, named the original's bucket and key (telling which objects exist) and
     * quoted the first bytes of a file that is not an image.
     */
    @Test
    void publicFailureReasonsNameTheProblemNotStorage() throws Exception {
        HttpResponse<String> probe = Services.postJson(
                api + "/v1/events",
                "{\"imageId\":\"probe-7\",\"bucket\":\"originals\",\"key\":\"secrets/payroll-2026.jpg\"}");
        assertThat(probe.statusCode()).as(probe.body()).isEqualTo(202);
        assertThat(Services.awaitFinal(api, "probe-7").get("reason").asString()).isEqualTo("original not found");

        byte[] binary = {0x00, 0x01, (byte) 0xFE, 0x42, 'S', 'E', 'C', 'R', 'E', 'T'};
        storage.putObject(PutObjectArgs.builder().bucket("originals").object("blob-7.jpg").stream(
                        new ByteArrayInputStream(binary), (long) binary.length, -1L)
                .build());
        assertThat(Services.postJson(
                                api + "/v1/events",
                                "{\"imageId\":\"blob-7\",\"bucket\":\"originals\",\"key\":\"blob-7.jpg\"}")
                        .statusCode())
                .isEqualTo(202);
        assertThat(Services.awaitFinal(api, "blob-7").get("reason").asString())
                .isEqualTo("unsupported format: not a recognised image");
    }

    /** An image as a reader sees it: its status document and one thumbnail. */
    private record Image(String id, String status, byte[] thumbnail) {}

    /** Uploads a fixture as {@code imageId} through {@code POST /v1/images} and waits until it is rendered. */
    private Image rendered(String imageId, String fixture) throws Exception {
        Services.upload(http, api, Services.fixture(fixture), imageId);
        assertThat(Services.awaitFinal(api, imageId).get("status").asString()).isEqualTo("rendered");
        return new Image(imageId, get(api + "/v1/images/" + imageId).body(), read("thumbnails", imageId + "/s150.jpg"));
    }

    private void untouched(Image image) throws Exception {
        assertThat(get(api + "/v1/images/" + image.id()).body())
                .as(image.id() + "'s status")
                .isEqualTo(image.status());
        assertThat(read("thumbnails", image.id() + "/s150.jpg"))
                .as(image.id() + "'s thumbnail")
                .isEqualTo(image.thumbnail());
        assertThat(get(s3 + "/thumbnails/" + image.id() + "/s150.jpg").statusCode())
                .isEqualTo(200);
    }

    /** Posts a notification with the standalone's key (it has every scope, notify among them); expects 202. */
    private JsonNode notify(String body) throws Exception {
        HttpResponse<String> response = Services.postJson(api + "/v1/notifications/minio", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        // give the worker the time to act on whatever was published, before the caller looks at the victim
        for (JsonNode event : json(response).get("events")) {
            Services.awaitFinal(api, event.get("imageId").asString());
        }
        return json(response);
    }

    private byte[] read(String bucket, String key) throws Exception {
        try (InputStream in = storage.getObject(
                GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }

    private boolean exists(String bucket, String key) throws Exception {
        try {
            storage.statObject(
                    StatObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            return false;
        }
    }

    /**
     * A forged notification in MinIO's webhook format, one record of the originals bucket, whose body claims the
     * object is {@code claimedImageId}'s; a created record also claims a made-up size, ETag and type (a removal, as
     * MinIO sends one, names none).
     */
    private static String notification(String event, String key, String claimedImageId) {
        String claims = event.startsWith("s3:ObjectCreated:")
                ? "\"size\": 1, \"eTag\": \"00000000000000000000000000000000\", \"contentType\": \"image/jpeg\", "
                : "";
        return """
                {"EventName": "%1$s", "Key": "originals/%2$s", "Records": [{"eventVersion": "2.0",
                 "eventSource": "minio:s3", "eventTime": "2026-11-23T10:41:54.312Z", "eventName": "%1$s",
                 "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": "originals", "arn": "arn:aws:s3:::originals"},
                  "object": {"key": "%3$s", %4$s"userMetadata": {"X-Amz-Meta-Image-Id": "%5$s"}}}}]}
                """.formatted(event, key, URLEncoder.encode(key, StandardCharsets.UTF_8), claims, claimedImageId);
    }
}
