package com.miniatura.common.storage;

import java.util.Map;
import java.util.Objects;

/**
 * How an object is written: its {@code Content-Type}, its {@code Cache-Control} ({@code null}: none) and its user
 * metadata ({@code x-amz-meta-*}, names without the prefix).
 *
 * <pre>
 * store.put(bucket, key, json, PutOptions.of("application/json").withCacheControl("no-cache"));
 * </pre>
 */
public record PutOptions(String contentType, String cacheControl, Map<String, String> userMetadata) {
    public PutOptions {
        Objects.requireNonNull(contentType, "contentType");
        userMetadata = Map.copyOf(userMetadata);
    }

    /** An object of this type, without {@code Cache-Control} or user metadata. */
    public static PutOptions of(String contentType) {
        return new PutOptions(contentType, null, Map.of());
    }

    /** These options with this {@code Cache-Control} ({@code null}: none). */
    public PutOptions withCacheControl(String value) {
        return new PutOptions(contentType, value, userMetadata);
    }

    /** These options with this user metadata instead. */
    public PutOptions withUserMetadata(Map<String, String> metadata) {
        return new PutOptions(contentType, cacheControl, metadata);
    }
}
