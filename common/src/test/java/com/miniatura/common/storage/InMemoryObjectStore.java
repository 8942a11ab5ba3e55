package com.miniatura.common.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Object storage in memory, with S3's semantics where the services rely on them: buckets that exist or not (reading
 * from a missing one finds nothing, writing to one is refused), ETags that are the MD5 of the bytes, keys listed in
 * S3's order (UTF-8 bytes) after a {@code startAfter} under a prefix, user metadata kept with the object (names lower
 * case), the time of the last write, {@code maxBytes} refused with {@link ObjectTooLargeException}, removing what is
 * not there is fine. {@code ObjectStoreContractTest} (standalone) holds it to what the MinIO client does.
 *
 * <p>For tests: {@link #object} reads what is stored, {@link #seed} stores without a request, {@link #requests} tells
 * what was asked in order ({@code "get metadata/img-1/manifest.json"}), and while {@link #unavailable} is on every
 * request fails as an unreachable server's does. A subclass may override an operation to fail it otherwise.
 */
public class InMemoryObjectStore implements ObjectStore {
    /** The buckets of {@link #InMemoryObjectStore()}: originals, thumbnails and metadata, created empty. */
    public static final StorageSettings SETTINGS = new StorageSettings(
            "http://storage.invalid",
            "us-east-1",
            "test",
            "test",
            "originals",
            "thumbnails",
            "public, max-age=31536000, immutable",
            false);

    /** An object as stored. */
    public record Stored(
            byte[] bytes,
            String etag,
            String contentType,
            String cacheControl,
            Map<String, String> userMetadata,
            Instant lastModified) {}

    /** S3 lists keys in the order of their UTF-8 bytes, i.e. of code points (not of UTF-16 units). */
    private static final Comparator<String> S3_ORDER =
            (a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());

    private final StorageSettings settings;
    private final Clock clock;
    private final Map<String, ConcurrentSkipListMap<String, Stored>> buckets = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean unavailable;

    /** A store with the buckets of {@link #SETTINGS}. */
    public InMemoryObjectStore() {
        this(SETTINGS, Clock.systemUTC());
    }

    /** A store with the originals, thumbnails, metadata and extra source buckets of {@code settings}, empty. */
    public InMemoryObjectStore(StorageSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        createBucket(settings.originalsBucket());
        createBucket(settings.thumbnailsBucket());
        createBucket(settings.metadataBucket());
        settings.extraSourceBuckets().forEach(this::createBucket);
    }

    /** Creates {@code bucket} unless it exists; not a request. */
    public final void createBucket(String bucket) {
        buckets.computeIfAbsent(bucket, b -> new ConcurrentSkipListMap<>(S3_ORDER));
    }

    /** Removes {@code bucket} and everything in it; not a request. */
    public final void dropBucket(String bucket) {
        buckets.remove(bucket);
    }

    /** What is stored at {@code bucket/key}; not a request. */
    public final Optional<Stored> object(String bucket, String key) {
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        return Optional.ofNullable(objects == null ? null : objects.get(key));
    }

    /** The keys in {@code bucket}, in order; not a request. */
    public final List<String> keys(String bucket) {
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        return objects == null ? List.of() : List.copyOf(objects.keySet());
    }

    /** Stores an object as if written long ago ({@link Instant#EPOCH}); not a request. The bucket is created. */
    public final void seed(String bucket, String key, byte[] bytes, PutOptions options) {
        seed(bucket, key, bytes, options, Instant.EPOCH);
    }

    /** Stores an object as if written at {@code written}; not a request. The bucket is created. */
    public final void seed(String bucket, String key, byte[] bytes, PutOptions options, Instant written) {
        createBucket(bucket);
        buckets.get(bucket).put(key, stored(bytes, options, written));
    }

    /** Removes {@code bucket/key} if there; not a request. */
    public final void evict(String bucket, String key) {
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        if (objects != null) {
            objects.remove(key);
        }
    }

    /** The buckets that exist, in order; not a request. */
    public final List<String> buckets() {
        return buckets.keySet().stream().sorted().toList();
    }

    /** Every request so far, in order: its operation, then {@code bucket/key} (or the bucket, or the prefix). */
    public final List<String> requests() {
        return List.copyOf(requests);
    }

    /** While on, every request fails as an unreachable server's does ({@link StorageUnavailableException}). */
    public final void unavailable(boolean on) {
        unavailable = on;
    }

    /** How many requests failed while {@link #unavailable}. */
    public final int refused() {
        return refused.get();
    }

    @Override
    public StorageSettings settings() {
        return settings;
    }

    @Override
    public Optional<StoredObject> get(String bucket, String key, long maxBytes) {
        request("get", bucket, key);
        Optional<Stored> found = object(bucket, key);
        if (found.isPresent() && found.get().bytes().length > maxBytes) {
            throw new ObjectTooLargeException(bucket, key, found.get().bytes().length, maxBytes);
        }
        return found.map(o -> new StoredObject(o.bytes().clone(), o.etag(), o.contentType(), o.userMetadata()));
    }

    @Override
    public Optional<String> etag(String bucket, String key) {
        request("head", bucket, key);
        return object(bucket, key).map(Stored::etag);
    }

    @Override
    public Optional<ObjectHead> head(String bucket, String key) {
        request("head", bucket, key);
        return object(bucket, key)
                .map(o -> new ObjectHead(
                        o.etag(), o.bytes().length, o.contentType(), o.lastModified(), o.userMetadata()));
    }

    @Override
    public String put(String bucket, String key, byte[] bytes, PutOptions options) {
        request("put", bucket, key);
        Stored stored = stored(bytes.clone(), options, clock.instant());
        existing(bucket, "put", key).put(key, stored);
        return stored.etag();
    }

    @Override
    public String putFile(String bucket, String key, Path file, PutOptions options) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("put " + bucket + "/" + key + ": cannot read " + file, e);
        }
        return put(bucket, key, bytes, options);
    }

    @Override
    public List<String> keys(String bucket, String prefix) {
        request("list", bucket, prefix == null ? "" : prefix);
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        if (objects == null) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        under(objects, prefix, null).forEach(e -> keys.add(e.getKey()));
        return keys;
    }

    @Override
    public Iterator<Listed> list(String bucket, String prefix, String startAfter, boolean withMetadata) {
        request("list", bucket, prefix == null ? "" : prefix);
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        if (objects == null) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Listed next() {
                    throw new StorageRejectedException("list " + bucket + " refused: NoSuchBucket", null);
                }
            };
        }
        Iterator<Map.Entry<String, Stored>> entries =
                under(objects, prefix, startAfter).iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public Listed next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Map.Entry<String, Stored> e = entries.next();
                Stored o = e.getValue();
                return new Listed(
                        e.getKey(),
                        o.etag(),
                        o.bytes().length,
                        o.lastModified(),
                        withMetadata && !o.userMetadata().isEmpty() ? o.userMetadata() : null);
            }
        };
    }

    @Override
    public Optional<String> firstKey(String bucket, String prefix, String startAfter) {
        request("list", bucket, prefix == null ? "" : prefix);
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        return objects == null
                ? Optional.empty()
                : under(objects, prefix, startAfter).stream().findFirst().map(Map.Entry::getKey);
    }

    @Override
    public void remove(String bucket, String key) {
        request("remove", bucket, key);
        existing(bucket, "remove", key).remove(key);
    }

    @Override
    public Map<String, String> removeAll(String bucket, Collection<String> keys) {
        request("remove", bucket, String.join(",", keys));
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        if (objects != null) {
            keys.forEach(objects::remove);
        }
        return new LinkedHashMap<>();
    }

    @Override
    public boolean bucketExists(String bucket) {
        request("check bucket", bucket, "");
        return buckets.containsKey(bucket);
    }

    @Override
    public void ensureBucket(String bucket) {
        request("create bucket", bucket, "");
        createBucket(bucket);
    }

    @Override
    public void ensureBucketsIfConfigured(String... buckets) {
        if (settings.createBuckets()) {
            for (String bucket : buckets) {
                ensureBucket(bucket);
            }
        }
    }

    /** The MD5 of {@code bytes} in hex, as S3 tags an object written in one PUT. */
    public static String etagOf(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Stored stored(byte[] bytes, PutOptions options, Instant when) {
        Map<String, String> metadata = new LinkedHashMap<>();
        options.userMetadata().forEach((name, value) -> metadata.put(name.toLowerCase(Locale.ROOT), value));
        return new Stored(
                bytes, etagOf(bytes), options.contentType(), options.cacheControl(), Map.copyOf(metadata), when);
    }

    private static Collection<Map.Entry<String, Stored>> under(
            NavigableMap<String, Stored> objects, String prefix, String startAfter) {
        String from = prefix == null ? "" : prefix;
        NavigableMap<String, Stored> view =
                startAfter != null && !startAfter.isEmpty() && S3_ORDER.compare(startAfter, from) >= 0
                        ? objects.tailMap(startAfter, false)
                        : objects.tailMap(from, true);
        List<Map.Entry<String, Stored>> found = new ArrayList<>();
        for (Map.Entry<String, Stored> e : view.entrySet()) {
            if (!e.getKey().startsWith(from)) {
                break;
            }
            found.add(e);
        }
        return found;
    }

    private NavigableMap<String, Stored> existing(String bucket, String op, String key) {
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        if (objects == null) {
            throw new StorageRejectedException(
                    op + " " + bucket + "/" + key + " refused: NoSuchBucket The specified bucket does not exist", null);
        }
        return objects;
    }

    /**
     * Called first by every request: records it, and fails it while {@link #unavailable}. A subclass may fail requests
     * otherwise.
     */
    protected void request(String op, String bucket, String key) {
        String what = op + " " + bucket + (key.isEmpty() ? "" : "/" + key);
        requests.add(what);
        if (unavailable) {
            refused.incrementAndGet();
            throw new StorageUnavailableException(
                    what + " failed: java.net.ConnectException: Connection refused", null);
        }
    }
}
