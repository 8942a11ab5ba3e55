package com.miniatura.ingest.http;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.EventValidator;
import com.miniatura.common.event.FieldError;
import com.miniatura.common.format.InputFormat;
import com.miniatura.common.storage.PresignedPut;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.ingest.IngestSettings;
import com.miniatura.ingest.UploadSettings;
import com.miniatura.ingest.auth.BodyLimit;
import com.miniatura.ingest.auth.RequiresScope;
import com.miniatura.ingest.auth.Scope;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/uploads}: a presigned {@code PUT} URL for one original in the originals bucket, so a browser or
 * a seller's system sends the bytes straight to object storage instead of through this API. The client declares
 * the image's type and exact size; the signature covers them, so storage refuses any other. The image is
 * rendered when storage's notification arrives ({@code POST /v1/notifications/minio}).
 *
 * <pre>
 * POST /v1/uploads {"contentType": "image/jpeg", "size": 48213, "imageId": "lot-7-1"}
 * → 201 {"imageId": "lot-7-1", "method": "PUT", "url": "https://s3…/originals/lot-7-1.jpg?X-Amz-…",
 *        "headers": {"Content-Type": "image/jpeg", "Content-Length": "48213", "x-amz-meta-image-id": "lot-7-1"}, …}
 * curl -X PUT -H 'Content-Type: image/jpeg' -H 'x-amz-meta-image-id: lot-7-1' -T photo.jpg "$url"
 * </pre>
 */
@RestController
class UploadsController {
    private static final Set<String> FIELDS = Set.of("imageId", "lotId", "contentType", "size");

    private final IngestSettings settings;
    private final UploadSettings uploads;
    private final StorageSettings storage;
    private final Clock clock = Clock.systemUTC();

    UploadsController(IngestSettings settings, UploadSettings uploads, MiniaturaSettings common) {
        this.settings = settings;
        this.uploads = uploads;
        this.storage = common.storage();
    }

    record Upload(
            String imageId,
            String bucket,
            String key,
            String method,
            String url,
            Map<String, String> headers,
            Instant expiresAt) {}

    @RequiresScope(value = Scope.UPLOAD, body = BodyLimit.JSON)
    @PostMapping(path = "/v1/uploads", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Upload> presign(HttpServletRequest request) throws IOException {
        JsonNode body = JsonBodies.read(
                request,
                settings.maxBodyBytes(),
                "{\"contentType\": \"image/jpeg\", \"size\": <bytes>, \"imageId\": <optional>, \"lotId\": <optional>}");
        List<FieldError> errors = new ArrayList<>();
        for (String name : body.propertyNames()) {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(
                        name,
                        "is not a known field; expected "
                                + FIELDS.stream().sorted().toList()));
            }
        }
        String imageId = string(body, "imageId", errors);
        String lotId = string(body, "lotId", errors);
        String contentType = string(body, "contentType", errors);
        if (imageId == null) {
            imageId = UUID.randomUUID().toString();
        } else if (EventValidator.imageIdProblem(imageId) != null) {
            errors.add(new FieldError("imageId", EventValidator.imageIdProblem(imageId)));
        }
        if (lotId != null && EventValidator.imageIdProblem(lotId) != null) {
            errors.add(new FieldError("lotId", EventValidator.imageIdProblem(lotId)));
        }
        Optional<InputFormat> format = Optional.empty();
        String accepted = Arrays.stream(InputFormat.values())
                .map(InputFormat::contentType)
                .collect(Collectors.joining(", "));
        if (contentType == null) {
            if (!body.has("contentType")) {
                errors.add(new FieldError("contentType", "is required: one of " + accepted));
            }
        } else {
            String type = contentType.trim();
            format = InputFormat.ofContentType(type);
            if (format.isEmpty()) {
                errors.add(new FieldError(
                        "contentType",
                        "must be one of " + accepted + " but was \"" + type.replaceAll("\\p{Cntrl}", "?") + "\""));
            }
        }
        JsonNode size = body.get("size");
        if (size == null || size.isNull()) {
            errors.add(new FieldError("size", "is required: the file's exact size in bytes"));
        } else if (!size.isIntegralNumber()) {
            errors.add(new FieldError("size", "must be a whole number of bytes"));
        } else if (size.asLong() < 1 || size.asLong() > settings.maxUploadBytes()) {
            errors.add(new FieldError(
                    "size", "must be 1.." + settings.maxUploadBytes() + " bytes but was " + size.asLong()));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }

        String key = StorageLayout.originalKey(imageId, format.get().extension());
        // Signed: storage refuses a PUT whose values differ. The metadata names the image in the notification.
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", format.get().contentType());
        headers.put("Content-Length", Long.toString(size.asLong()));
        headers.put("x-amz-meta-image-id", imageId);
        if (lotId != null) {
            headers.put("x-amz-meta-lot-id", lotId);
        }
        Instant now = clock.instant();
        URI endpoint = uploads.endpoint() != null ? uploads.endpoint() : URI.create(storage.endpoint());
        URI url = PresignedPut.url(
                endpoint,
                storage.region(),
                storage.accessKey(),
                storage.secretKey(),
                storage.originalsBucket(),
                key,
                headers,
                uploads.expiry(),
                now);
        return ResponseEntity.created(URI.create("/v1/images/" + imageId))
                .body(new Upload(
                        imageId,
                        storage.originalsBucket(),
                        key,
                        "PUT",
                        url.toString(),
                        headers,
                        now.plus(uploads.expiry())));
    }

    /** A string field, or null when absent; a non-string is an error. */
    private static String string(JsonNode body, String field, List<FieldError> errors) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        return value.asString();
    }
}
