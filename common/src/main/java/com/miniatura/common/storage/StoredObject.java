package com.miniatura.common.storage;

import java.util.Map;

/** An object read into memory with the headers that matter here. */
public record StoredObject(byte[] bytes, String etag, String contentType, Map<String, String> userMetadata) {
    public StoredObject {
        userMetadata = Map.copyOf(userMetadata);
    }
}
