package com.miniatura.worker.consume;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectHead;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StoredObject;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Object storage as a sorted map of {@code bucket/key} → bytes behind a mocked {@link ObjectStore}, with
 * S3's semantics where the worker relies on them (ETag = MD5, removing a missing object is fine, user metadata kept
 * with the object), and a count of variant writes (every put that is not a manifest).
 */
final class InMemoryStore {
    final Map<String, byte[]> objects = new ConcurrentSkipListMap<>(); // sorted, and variants are put concurrently
    /** User metadata by {@code bucket/key}, for the objects that have some. */
    final Map<String, Map<String, String>> metadata = new ConcurrentHashMap<>();
    final AtomicInteger variantWrites = new AtomicInteger();
    final ObjectStore store = mock(ObjectStore.class);

    InMemoryStore() {
        when(store.get(anyString(), anyString(), anyLong())).thenAnswer(call -> {
            byte[] bytes = objects.get(call.getArgument(0) + "/" + call.getArgument(1));
            String name = call.getArgument(0) + "/" + call.getArgument(1);
            return Optional.ofNullable(bytes).map(b -> new StoredObject(b, etagOf(b), "application/octet-stream",
                    metadata.getOrDefault(name, Map.of())));
        });
        when(store.head(anyString(), anyString())).thenAnswer(call -> {
            String name = call.getArgument(0) + "/" + call.getArgument(1);
            return Optional.ofNullable(objects.get(name)).map(b -> new ObjectHead(etagOf(b), b.length,
                    "application/octet-stream", null, metadata.getOrDefault(name, Map.of())));
        });
        when(store.getIfExists(anyString(), anyString(), anyLong())).thenAnswer(call -> store.get(call.getArgument(0), call.getArgument(1),
                (long) call.getArgument(2)));
        when(store.etag(anyString(), anyString())).thenAnswer(call ->
                Optional.ofNullable(objects.get(call.getArgument(0) + "/" + call.getArgument(1))).map(InMemoryStore::etagOf));
        when(store.keys(anyString(), anyString())).thenAnswer(call -> {
            String prefix = call.getArgument(0) + "/" + call.getArgument(1);
            return objects.keySet().stream().filter(k -> k.startsWith(prefix))
                    .map(k -> k.substring(((String) call.getArgument(0)).length() + 1)).toList();
        });
        doAnswer(call -> {
            String key = call.getArgument(1);
            if (!key.endsWith("manifest.json")) {
                variantWrites.incrementAndGet();
            }
            objects.put(call.getArgument(0) + "/" + key, call.getArgument(2));
            metadata.put(call.getArgument(0) + "/" + key, Map.copyOf(call.<Map<String, String>>getArgument(5)));
            return "etag";
        }).when(store).put(anyString(), anyString(), any(), anyString(), any(), anyMap());
        doAnswer(call -> {
            metadata.remove(call.getArgument(0) + "/" + call.getArgument(1));
            return objects.remove(call.getArgument(0) + "/" + call.getArgument(1));
        }).when(store).remove(anyString(), anyString());
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
