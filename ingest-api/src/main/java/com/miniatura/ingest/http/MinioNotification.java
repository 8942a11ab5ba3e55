package com.miniatura.ingest.http;

import com.miniatura.common.event.EventValidator;
import com.miniatura.common.event.FieldError;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.StorageLayout;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * Reads MinIO's webhook notification (the S3 event format: {@code {"EventName", "Key", "Records": [{"eventName",
 * "s3": {"bucket": {"name"}, "object": {"key", "size", "eTag", "contentType", "userMetadata"}}}]}}) into the
 * changes it reports. A plain function: what to do with each change is {@link NotificationsController}'s.
 *
 * <p>Object keys arrive URL-encoded, as S3 sends them ({@code lot%2F1.jpg}, {@code a+b.jpg}). The imageId is the
 * object's {@code x-amz-meta-image-id} (what {@code POST /v1/uploads} asks the client to send), else the key's file
 * name without its extension, as {@code rerender} derives it.
 */
final class MinioNotification {
    private MinioNotification() {}

    /** What one record reports. */
    sealed interface Change permits Created, Removed, Ignored {
        String key();
    }

    /** An original was written: render it. */
    record Created(String key, ImageUploaded upload) implements Change {}

    /** An original was removed: erase its image, if the image still comes from it. */
    record Removed(String key, String imageId) implements Change {}

    /** Nothing to do, and why. */
    record Ignored(String key, String reason) implements Change {}

    static List<Change> parse(JsonNode body, String originalsBucket, List<FieldError> errors) {
        JsonNode records = body.get("Records");
        if (records == null || records.isNull()) {
            if (body.has("EventName")) {
                errors.add(new FieldError("Records", "is required: a MinIO notification lists its events in Records"));
            } else {
                errors.add(new FieldError("body", "is not a MinIO notification: expected {\"EventName\", \"Key\", "
                        + "\"Records\": [...]}"));
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
            errors.add(new FieldError(path + "s3.object.key", "is not URL-encoded as S3 sends keys: " + e.getMessage()));
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
        JsonNode object = record.path("s3").path("object");
        JsonNode meta = object.path("userMetadata");
        String imageId = metadata(meta, "image-id");
        if (imageId == null) {
            imageId = StorageLayout.imageIdOf(key);
        }
        String idProblem = EventValidator.imageIdProblem(imageId);
        if (idProblem != null) {
            errors.add(new FieldError(path + "s3.object.key",
                    "names the imageId \"" + printable(imageId) + "\", which " + idProblem));
            return null;
        }
        if (eventName.startsWith("s3:ObjectRemoved:")) {
            return new Removed(key, imageId);
        }
        if (!eventName.startsWith("s3:ObjectCreated:")) {
            return new Ignored(key, "event " + eventName + " is neither s3:ObjectCreated:* nor s3:ObjectRemoved:*");
        }
        if (key.endsWith("/")) {
            return new Ignored(key, "a folder marker is not an image");
        }
        String etag = text(object, "eTag");
        // a size beyond a long (which only a forged body has) is left out, not an exception: the key names the object
        Long size = object.path("size").isIntegralNumber() && object.path("size").canConvertToLong()
                ? object.path("size").asLong() : null;
        String contentType = text(object, "contentType");
        if (contentType == null) {
            contentType = metadata(meta, "content-type");
        }
        ImageUploaded upload = new ImageUploaded(imageId, metadata(meta, "lot-id"), bucket, key,
                etag == null ? null : etag.replace("\"", ""), size, contentType);
        List<FieldError> problems = EventValidator.validate(upload, "");
        for (FieldError problem : problems) {
            errors.add(new FieldError(path + "s3.object." + switch (problem.field()) {
                case "lotId" -> "userMetadata.X-Amz-Meta-Lot-Id";
                case "etag" -> "eTag";
                default -> problem.field();
            }, problem.message()));
        }
        return problems.isEmpty() ? new Created(key, upload) : null;
    }

    /** User metadata as MinIO lists it: {@code X-Amz-Meta-Image-Id}, any case; also the bare name. */
    private static String metadata(JsonNode meta, String name) {
        if (!meta.isObject()) {
            return null;
        }
        for (String field : meta.propertyNames()) {
            String lower = field.toLowerCase(Locale.ROOT);
            if (lower.equals("x-amz-meta-" + name) || lower.equals(name)) {
                JsonNode node = meta.get(field);
                // MinIO lists values as strings; an object or array (a forged body) names nothing
                String value = node.isValueNode() ? node.asString() : null;
                return value == null || value.isBlank() ? null : value.strip();
            }
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isString() || value.asString().isEmpty() ? null : value.asString();
    }

    private static String printable(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }
}
