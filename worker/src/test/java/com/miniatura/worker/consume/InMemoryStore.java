package com.miniatura.worker.consume;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectHead;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.common.storage.StoredObject;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Object storage as a sorted map of {@code bucket/key} → bytes behind a mocked {@link ObjectStore}, with
 * S3's semantics where the worker relies on them (ETag = MD5, removing a missing object is fine, user metadata kept
 * with the object, the time of its last write), and a count of variant writes (every put that is not a manifest).
 * An object put straight into {@link #objects} was last written long ago ({@link Instant#EPOCH}). While
 * {@link #unavailable} is set, every request fails as an unreachable server's does
 * ({@link StorageUnavailableException}), counted in {@link #refused}.
 */
final class InMemoryStore {
    final Map<String, byte[]> objects = new ConcurrentSkipListMap<>(); // sorted, and variants are put concurrently
    /** User metadata by {@code bucket/key}, for the objects that have some. */
    final Map<String, Map<String, String>> metadata = new ConcurrentHashMap<>();
    /** When each object was last written by a put, by {@code bucket/key}. */
    final Map<String, Instant> modified = new ConcurrentHashMap<>();
    final AtomicInteger variantWrites = new AtomicInteger();
    final ObjectStore store = mock(ObjectStore.class);
    final AtomicBoolean unavailable = new AtomicBoolean();
    final AtomicInteger refused = new AtomicInteger();

    InMemoryStore() {
        when(store.get(anyString(), anyString(), anyLong())).thenAnswer(call -> {
            reachable(call.getArgument(0), call.getArgument(1));
            byte[] bytes = objects.get(call.getArgument(0) + "/" + call.getArgument(1));
            String name = call.getArgument(0) + "/" + call.getArgument(1);
            return Optional.ofNullable(bytes).map(b -> new StoredObject(b, etagOf(b), "application/octet-stream",
                    metadata.getOrDefault(name, Map.of())));
        });
        when(store.head(anyString(), anyString())).thenAnswer(call -> {
            reachable(call.getArgument(0), call.getArgument(1));
            String name = call.getArgument(0) + "/" + call.getArgument(1);
            return Optional.ofNullable(objects.get(name)).map(b -> new ObjectHead(etagOf(b), b.length,
                    "application/octet-stream", modified.getOrDefault(name, Instant.EPOCH), metadata.getOrDefault(name, Map.of())));
        });
        when(store.etag(anyString(), anyString())).thenAnswer(call -> {
            reachable(call.getArgument(0), call.getArgument(1));
            return Optional.ofNullable(objects.get(call.getArgument(0) + "/" + call.getArgument(1))).map(InMemoryStore::etagOf);
        });
        when(store.keys(anyString(), anyString())).thenAnswer(call -> {
            reachable(call.getArgument(0), call.getArgument(1));
            String prefix = call.getArgument(0) + "/" + call.getArgument(1);
            return objects.keySet().stream().filter(k -> k.startsWith(prefix))
                    .map(k -> k.substring(((String) call.getArgument(0)).length() + 1)).toList();
        });
        doAnswer(call -> {
            String key = call.getArgument(1);
            reachable(call.getArgument(0), key);
            if (!key.endsWith("manifest.json")) {
                variantWrites.incrementAndGet();
            }
            objects.put(call.getArgument(0) + "/" + key, call.getArgument(2));
            metadata.put(call.getArgument(0) + "/" + key, call.<PutOptions>getArgument(3).userMetadata());
            modified.put(call.getArgument(0) + "/" + key, Instant.now());
            return "etag";
        }).when(store).put(anyString(), anyString(), any(), any());
        doAnswer(call -> {
            reachable(call.getArgument(0), call.getArgument(1));
            metadata.remove(call.getArgument(0) + "/" + call.getArgument(1));
            modified.remove(call.getArgument(0) + "/" + call.getArgument(1));
            return objects.remove(call.getArgument(0) + "/" + call.getArgument(1));
        }).when(store).remove(anyString(), anyString());
    }

    /** Throws as an unreachable server does while {@link #unavailable} is set. */
    private void reachable(String bucket, String key) {
        if (unavailable.get()) {
            refused.incrementAndGet();
            throw new StorageUnavailableException("request " + bucket + "/" + key + " failed: java.net.ConnectException",
                    null);
        }
    }

    /** Puts an original as the API writes one: with the imageId it belongs to as metadata. */
    void original(String bucketAndKey, byte[] bytes, String imageId) {
        objects.put(bucketAndKey, bytes);
        metadata.put(bucketAndKey, Map.of("image-id", imageId));
    }

    Manifest manifest(String imageId) {
        byte[] json = objects.get("metadata/" + imageId + "/manifest.json");
        return json == null ? null : ManifestCodec.read(json);
    }

    /** A black baseline JPEG of this size: a real original for the renderer. */
    static byte[] jpeg(int width, int height) {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "jpeg", out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String etagOf(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
