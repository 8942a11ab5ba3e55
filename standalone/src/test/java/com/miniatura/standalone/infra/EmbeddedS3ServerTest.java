package com.miniatura.standalone.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.DeleteRequest;
import io.minio.messages.DeleteResult;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedS3ServerTest {

    private static final String ACCESS_KEY = "miniatura";
    private static final String SECRET_KEY = "miniatura-secret";
    private static final String ORIGINALS = "originals";
    private static final String THUMBNAILS = "thumbnails";

    @TempDir
    Path dataDir;

    @Test
    void storesObjectsWithMetadataOnDiskAcrossRestarts() throws Exception {
        int port = freePort();
        byte[] bytes = "not really a webp".getBytes(StandardCharsets.UTF_8);

        long t0 = System.nanoTime();
        try (EmbeddedS3Server s3 = start(port)) {
            System.out.printf("EmbeddedS3Server first start: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(s3.endpoint()).isEqualTo("http://localhost:" + port);
            MinioClient minio = client(s3);

            assertThat(minio.bucketExists(
                            BucketExistsArgs.builder().bucket(ORIGINALS).build()))
                    .isTrue();
            assertThat(minio.bucketExists(
                            BucketExistsArgs.builder().bucket(THUMBNAILS).build()))
                    .isTrue();
            assertThat(minio.bucketExists(
                            BucketExistsArgs.builder().bucket("nope").build()))
                    .isFalse();

            for (String bucket : List.of(ORIGINALS, THUMBNAILS)) {
                minio.putObject(PutObjectArgs.builder().bucket(bucket).object("img-42/w320.webp").stream(
                                new ByteArrayInputStream(bytes), (long) bytes.length, null)
                        .contentType("image/webp")
                        .headers(Map.of("Cache-Control", "public, max-age=31536000, immutable"))
                        .userMetadata(Map.of("image-id", "img-42"))
                        .build());
            }
            assertMetadataAndBytes(minio, ORIGINALS, bytes);

            // A missing key is an ErrorResponseException whose code is NoSuchKey.
            assertThatThrownBy(() -> minio.statObject(StatObjectArgs.builder()
                            .bucket(ORIGINALS)
                            .object("missing")
                            .build()))
                    .isInstanceOfSatisfying(
                            ErrorResponseException.class,
                            e -> assertThat(e.errorResponse().code()).isEqualTo("NoSuchKey"));
            assertThatThrownBy(() -> minio.getObject(GetObjectArgs.builder()
                            .bucket(ORIGINALS)
                            .object("missing")
                            .build()))
                    .isInstanceOfSatisfying(
                            ErrorResponseException.class,
                            e -> assertThat(e.errorResponse().code()).isEqualTo("NoSuchKey"));

            assertThatThrownBy(() -> minio.getObject(GetObjectArgs.builder()
                            .bucket("nope")
                            .object("missing")
                            .build()))
                    .isInstanceOfSatisfying(
                            ErrorResponseException.class,
                            e -> assertThat(e.errorResponse().code()).isEqualTo("NoSuchBucket"));

            // Objects are plain files.
            assertThat(dataDir.resolve("s3").resolve(ORIGINALS).resolve("img-42/w320.webp"))
                    .hasBinaryContent(bytes);
        }

        // The port is released and the data is still there after a restart.
        long t1 = System.nanoTime();
        try (EmbeddedS3Server s3 = start(port)) {
            System.out.printf("EmbeddedS3Server restart: %d ms%n", (System.nanoTime() - t1) / 1_000_000);
            assertMetadataAndBytes(client(s3), ORIGINALS, bytes);
            assertMetadataAndBytes(client(s3), THUMBNAILS, bytes);
        }
    }

    @Test
    void anonymousGetsReadThePublicBucketOnly() throws Exception {
        byte[] bytes = {1, 2, 3, 4};
        try (EmbeddedS3Server s3 = start(0)) {
            MinioClient minio = client(s3);
            for (String bucket : List.of(ORIGINALS, THUMBNAILS)) {
                minio.putObject(PutObjectArgs.builder().bucket(bucket).object("a/b.jpg").stream(
                                new ByteArrayInputStream(bytes), (long) bytes.length, null)
                        .contentType("image/jpeg")
                        .headers(Map.of("Cache-Control", "max-age=60"))
                        .build());
            }
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<byte[]> publicGet = get(http, s3.endpoint() + "/thumbnails/a/b.jpg");
            assertThat(publicGet.statusCode()).isEqualTo(200);
            assertThat(publicGet.body()).isEqualTo(bytes);
            assertThat(publicGet.headers().firstValue("Content-Type")).hasValue("image/jpeg");
            assertThat(publicGet.headers().firstValue("Cache-Control")).hasValue("max-age=60");

            HttpResponse<byte[]> head = http.send(
                    HttpRequest.newBuilder(URI.create(s3.endpoint() + "/thumbnails/a/b.jpg"))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(head.statusCode()).isEqualTo(200);

            assertThat(get(http, s3.endpoint() + "/thumbnails/a/missing.jpg").statusCode())
                    .isEqualTo(404);
            assertThat(get(http, s3.endpoint() + "/originals/a/b.jpg").statusCode())
                    .isEqualTo(403);
            assertThat(get(http, s3.endpoint() + "/originals/a/missing.jpg").statusCode())
                    .isEqualTo(403);
            // No anonymous listing, and no anonymous writes.
            assertThat(get(http, s3.endpoint() + "/thumbnails").statusCode()).isEqualTo(403);
            assertThat(get(http, s3.endpoint() + "/thumbnails/").statusCode()).isEqualTo(403);
            assertThat(get(http, s3.endpoint() + "/").statusCode()).isEqualTo(403);
            HttpResponse<byte[]> put = http.send(
                    HttpRequest.newBuilder(URI.create(s3.endpoint() + "/thumbnails/x.jpg"))
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(put.statusCode()).isEqualTo(403);
            HttpResponse<byte[]> delete = http.send(
                    HttpRequest.newBuilder(URI.create(s3.endpoint() + "/thumbnails/a/b.jpg"))
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(delete.statusCode()).isEqualTo(403);
            assertThat(get(http, s3.endpoint() + "/thumbnails/a/b.jpg").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void multipartUploadsAndBatchDeletesWork() throws Exception {
        // Exercises S3Proxy's XML request parsing (CompleteMultipartUpload, DeleteObjects), done with Jackson 3.
        byte[] big = new byte[11 * 1024 * 1024];
        new Random(42).nextBytes(big);
        try (EmbeddedS3Server s3 = start(0)) {
            MinioClient minio = client(s3);
            minio.putObject(PutObjectArgs.builder().bucket(ORIGINALS).object("big.bin").stream(
                            new ByteArrayInputStream(big), (long) big.length, 5L * 1024 * 1024)
                    .contentType("application/octet-stream")
                    .build());
            StatObjectResponse stat = minio.statObject(
                    StatObjectArgs.builder().bucket(ORIGINALS).object("big.bin").build());
            assertThat(stat.size()).isEqualTo(big.length);
            assertThat(stat.etag()).endsWith("-3");
            try (GetObjectResponse in = minio.getObject(
                    GetObjectArgs.builder().bucket(ORIGINALS).object("big.bin").build())) {
                assertThat(in.readAllBytes()).isEqualTo(big);
            }
            try (GetObjectResponse in = minio.getObject(GetObjectArgs.builder()
                    .bucket(ORIGINALS)
                    .object("big.bin")
                    .offset(10L)
                    .length(5L)
                    .build())) {
                assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(big, 10, 15));
            }

            minio.putObject(PutObjectArgs.builder()
                    .bucket(ORIGINALS)
                    .object("small.bin")
                    .data(new byte[] {7}, 1)
                    .build());
            List<String> listed = new ArrayList<>();
            for (Result<Item> item : minio.listObjects(
                    ListObjectsArgs.builder().bucket(ORIGINALS).recursive(true).build())) {
                listed.add(item.get().objectName());
            }
            assertThat(listed).containsExactlyInAnyOrder("big.bin", "small.bin");

            Iterable<Result<DeleteResult.Error>> errors = minio.removeObjects(RemoveObjectsArgs.builder()
                    .bucket(ORIGINALS)
                    .objects(List.of(new DeleteRequest.Object("big.bin"), new DeleteRequest.Object("small.bin")))
                    .build());
            for (Result<DeleteResult.Error> error : errors) {
                throw new AssertionError("delete failed: " + error.get());
            }
            minio.removeObject(RemoveObjectArgs.builder()
                    .bucket(ORIGINALS)
                    .object("never-existed")
                    .build());
            assertThat(minio.listObjects(
                            ListObjectsArgs.builder().bucket(ORIGINALS).build()))
                    .isEmpty();
        }
    }

    @Test
    void wrongCredentialsAndUnreachableServerAreErrors() throws Exception {
        int port;
        try (EmbeddedS3Server s3 = start(0)) {
            port = URI.create(s3.endpoint()).getPort();
            MinioClient wrong = MinioClient.builder()
                    .endpoint(s3.endpoint())
                    .credentials(ACCESS_KEY, "wrong")
                    .build();
            assertThatThrownBy(() -> wrong.bucketExists(
                            BucketExistsArgs.builder().bucket(ORIGINALS).build()))
                    .isInstanceOf(ErrorResponseException.class);
            assertThatThrownBy(() -> wrong.statObject(StatObjectArgs.builder()
                            .bucket(ORIGINALS)
                            .object("x")
                            .build()))
                    .isInstanceOfSatisfying(
                            ErrorResponseException.class,
                            e -> System.out.println("wrong secret on statObject -> "
                                    + e.errorResponse().code() + " / HTTP "
                                    + e.response().code()));
        }
        MinioClient down = MinioClient.builder()
                .endpoint("http://localhost:" + port)
                .credentials(ACCESS_KEY, SECRET_KEY)
                .build();
        // MinIO 9 reports a connection failure as an unchecked IllegalStateException, not a MinioException.
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> down.statObject(
                        StatObjectArgs.builder().bucket(ORIGINALS).object("x").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasCauseInstanceOf(ConnectException.class)
                .satisfies(e -> e.printStackTrace(System.out));
        System.out.printf(
                "unreachable server failed after %d ms (okhttp %s from %s)%n",
                (System.nanoTime() - t0) / 1_000_000,
                okhttp3.OkHttp.VERSION,
                okhttp3.OkHttp.class.getProtectionDomain().getCodeSource().getLocation());
    }

    @Test
    void aBusyPortFailsTheStart() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> start(busy.getLocalPort()).close()).hasRootCauseInstanceOf(BindException.class);
        }
    }

    private EmbeddedS3Server start(int port) throws Exception {
        return EmbeddedS3Server.start(
                dataDir.resolve("s3"),
                "localhost",
                port,
                ACCESS_KEY,
                SECRET_KEY,
                List.of(ORIGINALS, THUMBNAILS),
                Set.of(THUMBNAILS));
    }

    private static MinioClient client(EmbeddedS3Server s3) {
        return MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(ACCESS_KEY, SECRET_KEY)
                .build();
    }

    private static void assertMetadataAndBytes(MinioClient minio, String bucket, byte[] bytes) throws Exception {
        StatObjectResponse stat = minio.statObject(StatObjectArgs.builder()
                .bucket(bucket)
                .object("img-42/w320.webp")
                .build());
        assertThat(stat.size()).isEqualTo(bytes.length);
        assertThat(stat.contentType()).isEqualTo("image/webp");
        assertThat(stat.headers().get("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(stat.userMetadata().getFirst("image-id")).isEqualTo("img-42");
        assertThat(stat.headers().get("x-amz-meta-image-id")).isEqualTo("img-42");
        try (GetObjectResponse in = minio.getObject(GetObjectArgs.builder()
                .bucket(bucket)
                .object("img-42/w320.webp")
                .build())) {
            assertThat(in.headers().get("Content-Type")).isEqualTo("image/webp");
            assertThat(in.headers().get("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
            assertThat(in.headers().get("x-amz-meta-image-id")).isEqualTo("img-42");
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
