package com.miniatura.common.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What storage says of an object without reading it (a HEAD request): the facts an event about it may carry, taken
 * from storage rather than from whoever tells of the object.
 *
 * @param etag         its ETag, without quotes
 * @param size         its length in bytes
 * @param contentType  its {@code Content-Type}, if any
 * @param lastModified when it was last written, if the server says
 * @param userMetadata its {@code x-amz-meta-*} headers, names lower case without the prefix
 */
public record ObjectHead(
        String etag, long size, String contentType, Instant lastModified, Map<String, String> userMetadata) {
    /** The user metadata that names the image an original belongs to ({@code x-amz-meta-image-id}). */
    public static final String IMAGE_ID = "image-id";

    public ObjectHead {
        userMetadata = Map.copyOf(userMetadata);
    }

    /** A user metadata value, stripped, if set and not blank. */
    public Optional<String> metadata(String name) {
        String value = userMetadata.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /**
     * The image the object is the original of: its {@code x-amz-meta-image-id}, else its key's file name without the
     * extension ({@link StorageLayout#imageIdOf}), as every writer of originals names them. Not validated.
     */
    public String imageId(String key) {
        return metadata(IMAGE_ID).orElseGet(() -> StorageLayout.imageIdOf(key));
    }
}
