package com.miniatura.ingest.http;

import com.miniatura.common.event.EventValidator;
import com.miniatura.common.event.FieldError;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Reads MinIO's webhook notification (the S3 event format: {@code {"EventName", "Key", "Records": [{"eventName",
 * "s3": {"bucket": {"name"}, "object": {"key", "eTag", …}}}]}}) into the changes it reports. A plain function: what to
 * do with each change is {@link NotificationsController}'s.
 *
 * <p>A notification is a hint that something happened to an object, from whoever holds a {@code notify} key: only its
 * event name, bucket and key are read. What the object is (its imageId, ETag, size, type) is asked of storage by the
 * controller; the body's {@code userMetadata}, {@code size} and {@code contentType} are never read. A removal's
 * {@code eTag} (S3 and MinIO send none) is kept only to narrow what it may erase.
 *
 * <p>Object keys arrive URL-encoded, as S3 sends them ({@code lot%2F1.jpg}, {@code a+b.jpg}).
 */
final class MinioNotification {
    private MinioNotification() {}

    /** What one record reports. */
    sealed interface Change permits Created, Removed, Ignored {
        String key();
    }

    /** An object of the originals bucket was written, the record says: render it, if storage agrees. */
    record Created(String key) implements Change {}

    /**
     * An object of the originals bucket was removed, the record says: erase its image, if storage and the image agree.
     *
     * @param etag the removed object's ETag if the record names one (a hint that can only narrow), else {@code null}
     */
    record Removed(String key, String etag) implements Change {}

    /** Nothing to do, and why. */
    record Ignored(String key, String reason) implements Change {}

    static List<Change> parse(JsonNode body, String originalsBucket, List<FieldError> errors) {
        JsonNode records = body.get("Records");
        if (records == null || records.isNull()) {
            if (body.has("EventName")) {
                errors.add(new FieldError("Records", "is required: a MinIO notification lists its events in Records"));
            } else {
                errors.add(new FieldError(
                        "body",
                        "is not a MinIO notification: expected {\"EventName\", \"Key\", " + "\"Records\": [...]}"));
            }
            return List.of();
        }
        if (!records.isArray()) {
            errors.add(new FieldError("Records", "must be an array"));
            return List.of();
        }
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Change change = record(records.get(i), "Records[" + i + "].", originalsBucket, errors);
            if (change != null) {
                changes.add(change);
            }
        }
        return changes;
    }

    private static Change record(JsonNode record, String path, String originalsBucket, List<FieldError> errors) {
        String eventName = text(record, "eventName");
        String bucket = text(record.path("s3").path("bucket"), "name");
        String rawKey = text(record.path("s3").path("object"), "key");
        int before = errors.size();
        if (eventName == null) {
            errors.add(new FieldError(path + "eventName", "is required"));
        }
        if (bucket == null) {
            errors.add(new FieldError(path + "s3.bucket.name", "is required"));
        }
        if (rawKey == null) {
            errors.add(new FieldError(path + "s3.object.key", "is required"));
        }
        if (errors.size() > before) {
            return null;
        }
        String key;
        try {
            key = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            errors.add(
                    new FieldError(path + "s3.object.key", "is not URL-encoded as S3 sends keys: " + e.getMessage()));
            return null;
        }
        String keyProblem = EventValidator.keyProblem(key);
        if (keyProblem != null) {
            errors.add(new FieldError(path + "s3.object.key", keyProblem));
            return null;
        }
        if (!bucket.equals(originalsBucket)) {
            // Never act on another bucket's events: thumbnails written by the workers would loop back.
            return new Ignored(key, "bucket " + bucket + " is not the originals bucket " + originalsBucket);
        }
        if (eventName.startsWith("s3:ObjectRemoved:")) {
            String etag = text(record.path("s3").path("object"), "eTag");
            return new Removed(key, etag == null ? null : etag.replace("\"", ""));
        }
        if (!eventName.startsWith("s3:ObjectCreated:")) {
            return new Ignored(key, "event " + eventName + " is neither s3:ObjectCreated:* nor s3:ObjectRemoved:*");
        }
        if (key.endsWith("/")) {
            return new Ignored(key, "a folder marker is not an image");
        }
        return new Created(key);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isString() || value.asString().isEmpty() ? null : value.asString();
    }
}
