package com.miniatura.standalone.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.storage.InMemoryObjectStore;
import com.miniatura.common.storage.MinioObjectStore;
import com.miniatura.common.storage.ObjectHead;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.ObjectTooLargeException;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageRejectedException;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StoredObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The in-memory store of {@code common}'s test jar answers as {@link MinioObjectStore} does against an S3 server
 * (S3Proxy, as the standalone runs it), on what the services' tests rely on: ETags, sizes, types and user metadata,
 * absent objects and buckets, the read limit, listing order, prefixes and {@code startAfter}, removals.
 */
class ObjectStoreContractTest {
    private static final String ORIGINALS = "originals";
    private static final String METADATA = "metadata";

    @TempDir
    static Path dataDir;

    private static EmbeddedS3Server s3;
    private static int run;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = EmbeddedS3Server.start(
                dataDir,
                "localhost",
                0,
                "minioadmin",
                "minioadmin",
                List.of(ORIGINALS, "thumbnails", METADATA),
                Set.of());
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    /** Each store, with buckets of its own for each test (S3Proxy's outlive a test). */
    static Stream<Named> stores() {
        return Stream.of(
                new Named("in memory", () -> new InMemoryObjectStore(InMemoryObjectStore.SETTINGS, Clock.systemUTC())),
                new Named("MinIO client against S3Proxy", () -> {
                    String suffix = "-" + ++run;
                    StorageSettings settings = new StorageSettings(
                            s3.endpoint(),
                            "us-east-1",
                            "minioadmin",
                            "minioadmin",
                            ORIGINALS + suffix,
                            "thumbnails" + suffix,
                            METADATA + suffix,
                            "no-cache",
                            false,
                            List.of());
                    MinioObjectStore store = new MinioObjectStore(settings);
                    store.ensureBucket(settings.originalsBucket());
                    store.ensureBucket(settings.thumbnailsBucket());
                    store.ensureBucket(settings.metadataBucket());
                    return store;
                }));
    }

    record Named(String name, Supplier<ObjectStore> store) {
        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void anObjectIsReadAsItWasWritten(Named named) throws Exception {
        ObjectStore store = named.store().get();
        String bucket = store.settings().originalsBucket();
        byte[] bytes = "a photo".getBytes(StandardCharsets.UTF_8);
        String etag = store.put(
                bucket,
                "lots/7/a.jpg",
                bytes,
                PutOptions.of("image/jpeg").withCacheControl("no-cache").withUserMetadata(Map.of("image-id", "img-1")));

        assertThat(etag).isEqualTo(InMemoryObjectStore.etagOf(bytes));
        StoredObject read = store.get(bucket, "lots/7/a.jpg", bytes.length).orElseThrow();
        assertThat(read.bytes()).isEqualTo(bytes);
        assertThat(read.etag()).isEqualTo(etag);
        assertThat(read.contentType()).isEqualTo("image/jpeg");
        assertThat(read.userMetadata()).isEqualTo(Map.of("image-id", "img-1"));
        ObjectHead head = store.head(bucket, "lots/7/a.jpg").orElseThrow();
        assertThat(head.etag()).isEqualTo(etag);
        assertThat(head.size()).isEqualTo(bytes.length);
        assertThat(head.contentType()).isEqualTo("image/jpeg");
        assertThat(head.lastModified()).isNotNull();
        assertThat(head.imageId("lots/7/a.jpg")).isEqualTo("img-1");
        assertThat(store.etag(bucket, "lots/7/a.jpg")).hasValue(etag);
        assertThat(store.metadata(bucket, "lots/7/a.jpg")).hasValue(Map.of("image-id", "img-1"));

        Path file = Files.writeString(dataDir.resolve("upload-" + named.name().length() + ".jpg"), "a file");
        String fileEtag = store.putFile(bucket, "b.jpg", file, PutOptions.of("image/jpeg"));
        assertThat(fileEtag).isEqualTo(InMemoryObjectStore.etagOf(Files.readAllBytes(file)));
        assertThat(store.get(bucket, "b.jpg", 100).orElseThrow().bytes()).isEqualTo(Files.readAllBytes(file));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void whatIsNotThereIsAbsentNotAnError(Named named) {
        ObjectStore store = named.store().get();
        for (String bucket :
                List.of(store.settings().originalsBucket(), store.settings().metadataBucket(), "no-such-bucket")) {
            assertThat(store.get(bucket, "img-1/manifest.json", 100)).as(bucket).isEmpty();
            assertThat(store.head(bucket, "img-1/manifest.json")).as(bucket).isEmpty();
            assertThat(store.etag(bucket, "img-1/manifest.json")).as(bucket).isEmpty();
            assertThat(store.keys(bucket, "img-1/")).as(bucket).isEmpty();
            assertThat(store.firstKey(bucket, "img-1/", null)).as(bucket).isEmpty();
        }
        store.remove(store.settings().metadataBucket(), "img-1/manifest.json");
        assertThat(store.removeAll(store.settings().metadataBucket(), List.of("a", "b")))
                .isEmpty();
        assertThat(store.bucketExists("no-such-bucket")).isFalse();
        assertThat(store.bucketExists(store.settings().metadataBucket())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aMissingBucketRefusesWritesAndListings(Named named) {
        ObjectStore store = named.store().get();
        assertThatThrownBy(() -> store.put("no-such-bucket", "a", new byte[1], PutOptions.of("image/jpeg")))
                .isInstanceOf(StorageRejectedException.class)
                .hasMessageStartingWith("put no-such-bucket/a refused: NoSuchBucket");
        Iterator<ObjectStore.Listed> listing = store.list("no-such-bucket", "", null, false);
        assertThatThrownBy(() -> {
                    listing.hasNext();
                    listing.next();
                })
                .isInstanceOf(StorageRejectedException.class)
                .hasMessage("list no-such-bucket refused: NoSuchBucket");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void anObjectOverTheLimitIsRefused(Named named) {
        ObjectStore store = named.store().get();
        String bucket = store.settings().originalsBucket();
        store.put(bucket, "a.jpg", new byte[1001], PutOptions.of("image/jpeg"));
        assertThat(store.get(bucket, "a.jpg", 1001)).isPresent();
        assertThatThrownBy(() -> store.get(bucket, "a.jpg", 1000))
                .isInstanceOf(ObjectTooLargeException.class)
                .hasMessage("source too large: " + bucket + "/a.jpg has 1001 bytes, over the limit of 1000");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void listingsAreInKeyOrderUnderAPrefixAfterAKey(Named named) {
        ObjectStore store = named.store().get();
        String bucket = store.settings().metadataBucket();
        for (String key : List.of(
                "img-2/manifest.json",
                "img-10/manifest.json",
                "img-1/manifest.json",
                "pending~/img-1",
                "img-1/extra/deep.json")) {
            store.put(
                    bucket,
                    key,
                    key.getBytes(StandardCharsets.UTF_8),
                    PutOptions.of("application/json")
                            .withUserMetadata(Map.of("image-id", key.substring(0, key.indexOf('/')))));
        }
        assertThat(keys(store.list(bucket, null, null, false)))
                .containsExactly(
                        "img-1/extra/deep.json",
                        "img-1/manifest.json",
                        "img-10/manifest.json",
                        "img-2/manifest.json",
                        "pending~/img-1");
        assertThat(keys(store.list(bucket, "img-1", null, false)))
                .containsExactly("img-1/extra/deep.json", "img-1/manifest.json", "img-10/manifest.json");
        assertThat(keys(store.list(bucket, "img-", "img-1/manifest.json", false)))
                .containsExactly("img-10/manifest.json", "img-2/manifest.json");
        assertThat(keys(store.list(bucket, "pending~/", "img-9", false))).containsExactly("pending~/img-1");
        assertThat(keys(store.list(bucket, "img-", "zzz", false))).isEmpty();
        assertThat(store.keys(bucket, "img-1/")).containsExactly("img-1/extra/deep.json", "img-1/manifest.json");
        assertThat(store.firstKey(bucket, "img-", "img-10/manifest.json")).hasValue("img-2/manifest.json");
        assertThat(store.firstKey(bucket, null, null)).hasValue("img-1/extra/deep.json");

        ObjectStore.Listed first = store.list(bucket, "img-2/", null, true).next();
        byte[] bytes = "img-2/manifest.json".getBytes(StandardCharsets.UTF_8);
        assertThat(first.etag()).isEqualTo(InMemoryObjectStore.etagOf(bytes));
        assertThat(first.size()).isEqualTo(bytes.length);
        assertThat(first.lastModified()).isNotNull();
        assertThat(first.userMetadata())
                .as("listed where the server lists it (MinIO), else null")
                .isIn(null, Map.of("image-id", "img-2"));

        assertThat(store.removeAll(bucket, List.of("img-1/manifest.json", "img-2/manifest.json", "nothing")))
                .isEmpty();
        store.remove(bucket, "pending~/img-1");
        assertThat(store.keys(bucket, "")).containsExactly("img-1/extra/deep.json", "img-10/manifest.json");
    }

    private static List<String> keys(Iterator<ObjectStore.Listed> listing) {
        List<String> keys = new ArrayList<>();
        listing.forEachRemaining(listed -> keys.add(listed.key()));
        return keys;
    }
}
