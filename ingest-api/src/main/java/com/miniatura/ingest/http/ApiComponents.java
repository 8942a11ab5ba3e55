package com.miniatura.ingest.http;

import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shared parts of the OpenAPI description {@link ApiDocumentation} assembles: the security schemes, the
 * component schemas the handlers' signatures cannot show, the problem+json responses, and request bodies read by hand.
 */
final class ApiComponents {
    static final String API_KEY = "apiKey";
    static final String HMAC = "hmac";
    private static final String PROBLEM_JSON = "application/problem+json";

    private ApiComponents() {}

    static Map<String, SecurityScheme> securitySchemes() {
        Map<String, SecurityScheme> schemes = new LinkedHashMap<>();
        schemes.put(
                API_KEY,
                new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("An API key: `Authorization: Bearer <key>`."));
        schemes.put(
                HMAC,
                new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER)
                        .name("X-Miniatura-Signature")
                        .description("""
                        A signed webhook request, with three headers: `X-Miniatura-Key-Id` names the shared \
                        secret, `X-Miniatura-Timestamp` is the time of signing in Unix seconds, and \
                        `X-Miniatura-Signature: v2=<hex>` is the hex HMAC-SHA256, under that secret, of six lines \
                        joined by `\\n`: `MINIATURA-HMAC-SHA256-V2`, the method, the path with its query as sent, \
                        the timestamp, the key id, and the hex SHA-256 of the raw body. A timestamp too far from the \
                        server's clock is refused, and each signature is accepted once."""));
        return schemes;
    }

    static Map<String, Schema> schemas() {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        schemas.put(
                "Problem",
                object("An RFC 9457 problem detail, served as `application/problem+json`.")
                        .addProperty(
                                "type",
                                type("string")
                                        .format("uri-reference")
                                        .description(
                                                "Identifies the kind of problem; `about:blank` when only the status says it."))
                        .addProperty("title", type("string").description("Short summary of the kind of problem."))
                        .addProperty("status", type("integer").format("int32").description("The HTTP status code."))
                        .addProperty(
                                "detail",
                                type("string").description("What went wrong with this request, in plain words."))
                        .addProperty(
                                "instance",
                                type("string").format("uri-reference").description("The request path."))
                        .addProperty(
                                "errors",
                                type("array")
                                        .items(new JsonSchema().$ref("#/components/schemas/FieldError"))
                                        .description("Invalid input only: each bad field and what is wrong with it."))
                        .required(List.of("title", "status")));
        schemas.put(
                "FieldError",
                object("One bad field of the request.")
                        .addProperty(
                                "field", type("string").description("The field, e.g. `imageId` or `events[2].key`."))
                        .addProperty("message", type("string").description("What is wrong with it."))
                        .required(List.of("field", "message")));
        schemas.put(
                "ImageUploaded",
                object("An original is stored at `bucket`/`key`; every variant of `imageId` is (re)rendered from it.")
                        .addProperty(
                                "imageId",
                                type("string")
                                        .pattern("^[A-Za-z0-9._-]{1,128}$")
                                        .description("The image; also the Kafka record key."))
                        .addProperty("lotId", type("string").description("The marketplace lot the image belongs to."))
                        .addProperty(
                                "bucket",
                                type("string")
                                        .description("Bucket of the original: the originals bucket or one of "
                                                + "`miniatura.storage.extra-source-buckets`; any other is refused."))
                        .addProperty(
                                "key",
                                type("string")
                                        .description(
                                                "Object key of the original: relative, no `..`, at most 1024 bytes."))
                        .addProperty("etag", type("string").description("ETag of the original as stored."))
                        .addProperty(
                                "size", type("integer").format("int64").description("Size of the original in bytes."))
                        .addProperty("contentType", type("string").description("Media type of the original."))
                        .addProperty(
                                "variants",
                                type("array")
                                        .items(type("string"))
                                        .description(
                                                "Only these variants need rendering (a partial re-render); absent means every variant."))
                        .required(List.of("imageId", "bucket", "key"))
                        .additionalProperties(false));
        schemas.put(
                "UploadRequest",
                object("A presigned upload to ask for; the URL's signature covers the type, the size and the imageId.")
                        .addProperty(
                                "contentType",
                                type("string")
                                        ._enum(new ArrayList<>(List.of(
                                                "image/jpeg",
                                                "image/png",
                                                "image/gif",
                                                "image/webp",
                                                "image/bmp",
                                                "image/tiff")))
                                        .description("The original's media type."))
                        .addProperty(
                                "size",
                                type("integer")
                                        .format("int64")
                                        .minimum(BigDecimal.ONE)
                                        .description(
                                                "The original's exact size in bytes, at most `miniatura.ingest.max-upload-size`."))
                        .addProperty(
                                "imageId",
                                type("string")
                                        .pattern("^[A-Za-z0-9._-]{1,128}$")
                                        .description("Generated when left out."))
                        .addProperty("lotId", type("string").pattern("^[A-Za-z0-9._-]{1,128}$"))
                        .required(List.of("contentType", "size"))
                        .additionalProperties(false));
        Schema<Object> object = object(
                        "The object: `key` URL-encoded as S3 sends it. Only the key is read (and a "
                                + "removal's `eTag`, to narrow it): the imageId, lot, ETag, size and type are read from storage.")
                .addProperty("key", type("string"))
                .addProperty("size", type("integer").format("int64"))
                .addProperty("eTag", type("string"))
                .addProperty("contentType", type("string"))
                .addProperty("userMetadata", type("object").additionalProperties(type("string")))
                .required(List.of("key"));
        Schema<Object> record = object("One S3 event record; fields not listed here are accepted and ignored.")
                .addProperty(
                        "eventName",
                        type("string").description("`s3:ObjectCreated:*` or `s3:ObjectRemoved:*`; others are ignored."))
                .addProperty(
                        "s3",
                        object("Where it happened.")
                                .addProperty(
                                        "bucket",
                                        object("Only the originals bucket is acted on.")
                                                .addProperty("name", type("string"))
                                                .required(List.of("name")))
                                .addProperty("object", object)
                                .required(List.of("bucket", "object")))
                .required(List.of("eventName", "s3"));
        schemas.put(
                "MinioNotification",
                object("MinIO's webhook notification (the S3 event format).")
                        .addProperty("EventName", type("string"))
                        .addProperty("Key", type("string").description("`<bucket>/<key>`"))
                        .addProperty("Records", type("array").items(record))
                        .required(List.of("Records")));
        schemas.put(
                "ImageUploadedBatch",
                object("Several uploads, all accepted or none (at most `miniatura.ingest.max-batch`, 1000 by default).")
                        .addProperty(
                                "events",
                                type("array")
                                        .items(new JsonSchema().$ref("#/components/schemas/ImageUploaded"))
                                        .minItems(1))
                        .required(List.of("events"))
                        .additionalProperties(false));
        return schemas;
    }

    /** The status values and what a stuck image says, which the record {@code ImagesController.Status} cannot tell. */
    static void describeStatus(Schema<?> status) {
        if (status == null || status.getProperties() == null) {
            return;
        }
        status.description("How far an image got.");
        Map<String, String> properties = Map.of(
                "status",
                        "`pending` (accepted, not rendered yet), `rendered`, `failed` (`reason` says why), `deleting`"
                                + " or `deleted`.",
                "reason",
                        "Why it failed, or since when it is stuck, in plain words. An image whose event was"
                                + " dead-lettered after its retries says so, and names the replay operators run.",
                "stuck",
                        "`true` when the image has been `pending` for longer than `miniatura.ingest.stuck.after` (1 hour"
                                + " by default): its event was lost, or its failure could not be recorded. The status stays"
                                + " `pending`; `reason` says since when. Absent otherwise.");
        properties.forEach((name, description) -> {
            Schema<?> property = status.getProperties().get(name);
            if (property != null) {
                property.description(description);
            }
        });
    }

    static Map<String, ApiResponse> problemResponses() {
        Header retryAfter =
                new Header().description("Seconds to wait before retrying.").schema(type("integer"));
        Map<String, ApiResponse> responses = new LinkedHashMap<>();
        responses.put("BadRequest", problem("Invalid input: `errors` names each bad field."));
        responses.put(
                "Unauthorized",
                problem(
                        "No valid credentials: no key, an unknown key, or a missing, stale or wrong signature (an unknown key id included)."));
        responses.put("Forbidden", problem("The credentials are valid but lack the scope this operation needs."));
        responses.put("NotFound", problem("No such image was ever accepted."));
        responses.put(
                "ContentTooLarge",
                problem("The body is larger than this operation reads, or the uploaded file larger than the limit."));
        responses.put(
                "UnsupportedMediaType",
                problem("The Content-Type, or the uploaded file's image format, is not accepted."));
        responses.put(
                "TooManyRequests",
                problem(
                                "Too many requests from these credentials, or too many failed authentications from this client address (whose writes are then refused before their credentials are checked): retry after `Retry-After` seconds.")
                        .addHeaderObject("Retry-After", retryAfter));
        responses.put(
                "ServiceUnavailable",
                problem(
                                "Kafka or the object storage cannot be reached, or this instance takes no more uploads or signed requests at once: nothing was accepted, retry after `Retry-After` seconds.")
                        .addHeaderObject("Retry-After", retryAfter));
        return responses;
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content()
                        .addMediaType(
                                PROBLEM_JSON,
                                new MediaType().schema(new JsonSchema().$ref("#/components/schemas/Problem"))));
    }

    static void problem(ApiResponses responses, String status, String component) {
        responses.putIfAbsent(status, new ApiResponse().$ref("#/components/responses/" + component));
    }

    static ApiResponse html(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content().addMediaType("text/html", new MediaType().schema(type("string"))));
    }

    static RequestBody jsonBody(String schema, String description) {
        return new RequestBody()
                .required(true)
                .description(description)
                .content(new Content()
                        .addMediaType(
                                "application/json",
                                new MediaType().schema(new JsonSchema().$ref("#/components/schemas/" + schema))));
    }

    static RequestBody eventsBody() {
        Schema<Object> either = new JsonSchema()
                .oneOf(new ArrayList<>(List.of(
                        new JsonSchema().$ref("#/components/schemas/ImageUploaded"),
                        new JsonSchema().$ref("#/components/schemas/ImageUploadedBatch"))));
        return new RequestBody()
                .required(true)
                .description("One upload, or a batch of them.")
                .content(new Content().addMediaType("application/json", new MediaType().schema(either)));
    }

    private static Schema<Object> type(String type) {
        return new JsonSchema().types(Set.of(type));
    }

    private static Schema<Object> object(String description) {
        return type("object").description(description);
    }
}
