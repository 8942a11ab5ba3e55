package com.miniatura.worker.consume;

import static org.mockito.Mockito.spy;

import com.miniatura.common.storage.InMemoryObjectStore;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageUnavailableException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * Object storage for the worker's tests: {@code common}'s {@link InMemoryObjectStore} (S3's semantics: ETag = MD5,
 * removing a missing object is fine, user metadata kept with the object, the time of its last write) behind a Mockito
 * spy, so that a test may still fail or watch one call; {@link #objects} shows it as a sorted map of
 * {@code bucket/key} → bytes, and counts the variant writes (every put that is not a manifest). An object put straight
 * into {@link #objects} was last written long ago ({@link Instant#EPOCH}). While {@link #unavailable} is set, every
 * request fails as an unreachable server's does ({@link StorageUnavailableException}), counted in {@link #refused}.
 */
final class InMemoryStore {
    final AtomicInteger variantWrites = new AtomicInteger();
    final AtomicBoolean unavailable = new AtomicBoolean();
    final AtomicInteger refused = new AtomicInteger();
    private final InMemoryObjectStore backing =
            new InMemoryObjectStore(InMemoryObjectStore.SETTINGS, Clock.systemUTC()) {
                @Override
                protected void request(String op, String bucket, String key) {
                    if (unavailable.get()) {
                        refused.incrementAndGet();
                        throw new StorageUnavailableException(
                                "request " + bucket + "/" + key + " failed: java.net.ConnectException", null);
                    }
                    super.request(op, bucket, key);
                }

                @Override
                public String put(String bucket, String key, byte[] bytes, PutOptions options) {
                    String etag = super.put(bucket, key, bytes, options);
                    if (!key.endsWith("manifest.json")) {
                        variantWrites.incrementAndGet();
                    }
                    return etag;
                }
            };
    final ObjectStore store = spy(backing);
    /** Every object as {@code bucket/key} → bytes; writing or removing here is not a request. */
    final Map<String, byte[]> objects = new ObjectMap();
    /** When each object was last written, by {@code bucket/key}; setting one here is not a request. */
    final Map<String, Instant> modified = new ModifiedMap();

    /** Puts an original as the API writes one: with the imageId it belongs to as metadata. */
    void original(String bucketAndKey, byte[] bytes, String imageId) {
        backing.seed(
                bucket(bucketAndKey),
                key(bucketAndKey),
                bytes,
                PutOptions.of("application/octet-stream").withUserMetadata(Map.of("image-id", imageId)));
    }

    Manifest manifest(String imageId) {
        byte[] json = objects.get("metadata/" + imageId + "/manifest.json");
        return json == null ? null : ManifestCodec.read(json);
    }

    private static String bucket(Object bucketAndKey) {
        String name = (String) bucketAndKey;
        return name.substring(0, name.indexOf('/'));
    }

    private static String key(Object bucketAndKey) {
        String name = (String) bucketAndKey;
        return name.substring(name.indexOf('/') + 1);
    }

    private final class ObjectMap extends AbstractMap<String, byte[]> {
        @Override
        public byte[] get(Object name) {
            return backing.object(bucket(name), key(name))
                    .map(InMemoryObjectStore.Stored::bytes)
                    .orElse(null);
        }

        @Override
        public boolean containsKey(Object name) {
            return get(name) != null;
        }

        @Override
        public byte[] put(String name, byte[] bytes) {
            byte[] previous = get(name);
            backing.seed(bucket(name), key(name), bytes, PutOptions.of("application/octet-stream"));
            return previous;
        }

        @Override
        public byte[] remove(Object name) {
            byte[] previous = get(name);
            backing.evict(bucket(name), key(name));
            return previous;
        }

        @Override
        public Set<Entry<String, byte[]>> entrySet() {
            Map<String, byte[]> all = new TreeMap<>();
            for (String bucket : backing.buckets()) {
                for (String key : backing.keys(bucket)) {
                    backing.object(bucket, key).ifPresent(o -> all.put(bucket + "/" + key, o.bytes()));
                }
            }
            return all.entrySet();
        }
    }

    private final class ModifiedMap extends AbstractMap<String, Instant> {
        @Override
        public Instant put(String name, Instant when) {
            InMemoryObjectStore.Stored o =
                    backing.object(bucket(name), key(name)).orElseThrow();
            backing.seed(
                    bucket(name),
                    key(name),
                    o.bytes(),
                    new PutOptions(o.contentType(), o.cacheControl(), o.userMetadata()),
                    when);
            return o.lastModified();
        }

        @Override
        public Set<Entry<String, Instant>> entrySet() {
            Map<String, Instant> all = new TreeMap<>();
            for (String bucket : backing.buckets()) {
                for (String key : backing.keys(bucket)) {
                    backing.object(bucket, key).ifPresent(o -> all.put(bucket + "/" + key, o.lastModified()));
                }
            }
            return all.entrySet();
        }
    }

    /** A black baseline JPEG of this size: a real original for the renderer. */
    static byte[] jpeg(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String etagOf(byte[] bytes) {
        return InMemoryObjectStore.etagOf(bytes);
    }
}
