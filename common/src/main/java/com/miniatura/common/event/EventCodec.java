package com.miniatura.common.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes image events in CloudEvents 1.0 Kafka binary mode: {@code ce_*} headers plus a JSON value.
 * Parsing reports every bad field at once, with the path the caller gives ({@code events[2].}).
 */
public final class EventCodec {
    private static final Set<String> FIELDS =
            Set.of("imageId", "lotId", "bucket", "key", "etag", "size", "contentType", "variants");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EventCodec() {}

    /** The JSON record value for {@code data}; absent optional fields are left out. */
    public static byte[] payload(ImageEventData data) {
        if (data instanceof ImageDeleted deleted) {
            return JSON.writeValueAsBytes(JSON.createObjectNode().put("imageId", deleted.imageId()));
        }
        return payload((ImageUploaded) data);
    }

    private static byte[] payload(ImageUploaded data) {
        ObjectNode node = JSON.createObjectNode();
        node.put("imageId", data.imageId());
        putIfPresent(node, "lotId", data.lotId());
        node.put("bucket", data.bucket());
        node.put("key", data.key());
        putIfPresent(node, "etag", data.etag());
        if (data.size() != null) {
            node.put("size", data.size());
        }
        putIfPresent(node, "contentType", data.contentType());
        if (data.variants() != null) {
            data.variants().forEach(node.putArray("variants")::add);
        }
        return JSON.writeValueAsBytes(node);
    }

    /** The Kafka headers of {@code event}, in the order they are written. */
    public static Map<String, byte[]> headers(ImageEvent event) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(EventContract.HEADER_SPEC_VERSION, utf8(EventContract.SPEC_VERSION));
        headers.put(EventContract.HEADER_ID, utf8(event.id()));
        headers.put(EventContract.HEADER_SOURCE, utf8(event.source()));
        headers.put(EventContract.HEADER_TYPE, utf8(event.type()));
        if (event.time() != null) {
            headers.put(EventContract.HEADER_TIME, utf8(event.time().toString()));
        }
        headers.put(EventContract.HEADER_SUBJECT, utf8(event.data().imageId()));
        headers.put(EventContract.HEADER_CONTENT_TYPE, utf8(EventContract.JSON));
        return headers;
    }

    /**
     * Parses an event as received from Kafka.
     *
     * @param headers header name → raw value (UTF-8), as on the record
     * @throws InvalidEventException naming every missing or bad attribute and field
     */
    public static ImageEvent decode(Map<String, byte[]> headers, byte[] value) {
        List<FieldError> errors = new ArrayList<>();
        String specVersion = header(headers, EventContract.HEADER_SPEC_VERSION);
        if (!EventContract.SPEC_VERSION.equals(specVersion)) {
            errors.add(new FieldError(
                    EventContract.HEADER_SPEC_VERSION,
                    "must be " + EventContract.SPEC_VERSION + " but was " + show(specVersion)));
        }
        String type = header(headers, EventContract.HEADER_TYPE);
        if (!EventContract.TYPE_UPLOADED.equals(type) && !EventContract.TYPE_DELETED.equals(type)) {
            errors.add(new FieldError(
                    EventContract.HEADER_TYPE,
                    "must be " + EventContract.TYPE_UPLOADED + " or " + EventContract.TYPE_DELETED + " but was "
                            + show(type)));
        }
        String id = header(headers, EventContract.HEADER_ID);
        if (id == null || id.isBlank()) {
            errors.add(new FieldError(EventContract.HEADER_ID, "is required"));
        }
        String source = header(headers, EventContract.HEADER_SOURCE);
        if (source == null || source.isBlank()) {
            errors.add(new FieldError(EventContract.HEADER_SOURCE, "is required"));
        }
        Instant time = null;
        String timeText = header(headers, EventContract.HEADER_TIME);
        if (timeText != null) {
            try {
                time = Instant.parse(timeText);
            } catch (DateTimeParseException e) {
                errors.add(new FieldError(
                        EventContract.HEADER_TIME, "must be an RFC 3339 timestamp but was " + show(timeText)));
            }
        }
        String contentType = header(headers, EventContract.HEADER_CONTENT_TYPE);
        if (contentType != null && !contentType.trim().toLowerCase().startsWith(EventContract.JSON)) {
            errors.add(new FieldError(
                    EventContract.HEADER_CONTENT_TYPE,
                    "must be " + EventContract.JSON + " but was " + show(contentType)));
        }
        ImageEventData data = null;
        try {
            data = EventContract.TYPE_DELETED.equals(type)
                    ? parseDeleted(value, errors)
                    : parseData(value, "", false, errors);
        } catch (InvalidEventException e) {
            errors.addAll(e.errors());
        }
        if (!errors.isEmpty()) {
            throw new InvalidEventException(errors);
        }
        return new ImageEvent(id, source, type, time, data);
    }

    /** The data of an {@code image.deleted} event: an object with an {@code imageId}; other fields are ignored. */
    private static ImageDeleted parseDeleted(byte[] json, List<FieldError> errors) {
        JsonNode node = readJson(json, "", errors);
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("data", "must be a JSON object"));
            return null;
        }
        int before = errors.size();
        String imageId = text(node, "imageId", "", errors);
        if (errors.size() == before) {
            String problem = EventValidator.imageIdProblem(imageId);
            if (problem != null) {
                errors.add(new FieldError("imageId", problem));
            }
        }
        return errors.size() == before ? new ImageDeleted(imageId) : null;
    }

    /** Parses JSON text into a payload; see {@link #parseData(JsonNode, String, boolean, List)}. */
    public static ImageUploaded parseData(byte[] json, String path, boolean strict, List<FieldError> errors) {
        JsonNode node = readJson(json, path, errors);
        return node == null ? null : parseData(node, path, strict, errors);
    }

    private static JsonNode readJson(byte[] json, String path, List<FieldError> errors) {
        if (json == null || json.length == 0) {
            errors.add(new FieldError(path.isEmpty() ? "data" : path, "is required (the record value is empty)"));
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JacksonException e) {
            errors.add(new FieldError(path.isEmpty() ? "data" : path, "is not valid JSON: " + e.getOriginalMessage()));
            return null;
        }
    }

    /**
     * Reads a payload object field by field, adding an error for each wrong type, unknown field
     * (when {@code strict}) and rule broken (see {@link EventValidator}); returns {@code null} if any.
     */
    public static ImageUploaded parseData(JsonNode node, String path, boolean strict, List<FieldError> errors) {
        int before = errors.size();
        if (node == null || !node.isObject()) {
            errors.add(new FieldError(path.isEmpty() ? "data" : stripDot(path), "must be a JSON object"));
            return null;
        }
        if (strict) {
            for (String name : node.propertyNames()) {
                if (!FIELDS.contains(name)) {
                    errors.add(new FieldError(
                            path + name,
                            "is not a known field (known: "
                                    + String.join(
                                            ", ",
                                            List.of(
                                                    "imageId",
                                                    "lotId",
                                                    "bucket",
                                                    "key",
                                                    "etag",
                                                    "size",
                                                    "contentType",
                                                    "variants"))
                                    + ")"));
                }
            }
        }
        String imageId = text(node, "imageId", path, errors);
        String lotId = text(node, "lotId", path, errors);
        String bucket = text(node, "bucket", path, errors);
        String key = text(node, "key", path, errors);
        String etag = text(node, "etag", path, errors);
        String contentType = text(node, "contentType", path, errors);
        Long size = null;
        JsonNode sizeNode = node.get("size");
        if (sizeNode != null && !sizeNode.isNull()) {
            if (sizeNode.isIntegralNumber() && sizeNode.canConvertToLong()) {
                size = sizeNode.longValue();
            } else {
                errors.add(new FieldError(path + "size", "must be a whole number of bytes"));
            }
        }
        List<String> variants = null;
        JsonNode variantsNode = node.get("variants");
        if (variantsNode != null && !variantsNode.isNull()) {
            if (variantsNode.isArray() && variantsNode.valueStream().allMatch(JsonNode::isString)) {
                variants = variantsNode.valueStream().map(JsonNode::stringValue).toList();
            } else {
                errors.add(new FieldError(path + "variants", "must be an array of variant names"));
            }
        }
        ImageUploaded data = new ImageUploaded(imageId, lotId, bucket, key, etag, size, contentType, variants);
        List<FieldError> ruleErrors = EventValidator.validate(data, path);
        // A field that already has a type error is not reported twice.
        ruleErrors.stream()
                .filter(r -> errors.subList(before, errors.size()).stream()
                        .noneMatch(e -> e.field().equals(r.field())))
                .forEach(errors::add);
        return errors.size() == before ? data : null;
    }

    private static String text(JsonNode node, String field, String path, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            errors.add(new FieldError(path + field, "must be a string"));
            return null;
        }
        return value.stringValue();
    }

    private static String header(Map<String, byte[]> headers, String name) {
        byte[] value = headers.get(name);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static String stripDot(String path) {
        return path.endsWith(".") ? path.substring(0, path.length() - 1) : path;
    }

    private static String show(String value) {
        return value == null ? "absent" : '"' + value + '"';
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
