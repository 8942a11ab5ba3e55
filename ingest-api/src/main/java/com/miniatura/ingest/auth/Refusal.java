package com.miniatura.ingest.auth;

import java.util.Map;

/**
 * Why a request was not let in: {@code 400} (a path this service does not take), {@code 401} (no valid
 * credentials), {@code 403} (valid, but not for this), {@code 404}/{@code 405} (no write goes there),
 * {@code 413} (a body past its route's limit), {@code 429} (too many requests from one key, or too many failed
 * authentications from one address) or {@code 503} (too many uploads or unverified bodies at once). {@code field} names the header or part at fault. Messages never
 * contain a credential.
 */
public final class Refusal extends RuntimeException {
    private final int status;
    private final String title;
    private final String field;
    private final long retryAfterSeconds;
    private final Map<String, String> headers;

    private Refusal(
            int status,
            String title,
            String field,
            String message,
            long retryAfterSeconds,
            Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.title = title;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
        this.headers = Map.copyOf(headers);
    }

    static Refusal invalidPath(String message) {
        return new Refusal(400, "Invalid request", "path", message, 0, Map.of());
    }

    static Refusal unauthenticated(String field, String message) {
        return new Refusal(401, "Authentication required", field, message, 0, Map.of());
    }

    static Refusal forbidden(String field, String message) {
        return new Refusal(403, "Forbidden", field, message, 0, Map.of());
    }

    static Refusal notFound(String method) {
        return new Refusal(404, "Not found", "path", "no endpoint takes " + method + " requests here", 0, Map.of());
    }

    static Refusal methodNotAllowed(String method, String allowed) {
        return new Refusal(
                405, "Method not allowed", "path", "takes " + allowed + ", not " + method, 0, Map.of("Allow", allowed));
    }

    static Refusal tooLarge(long limit) {
        return new Refusal(
                413, "Request too large", "body", new BodyTooLargeException(limit).getMessage(), 0, Map.of());
    }

    /** As the upload endpoint words it when the file itself is too large: the limit a client configures against. */
    static Refusal uploadTooLarge(long maxFileBytes) {
        return new Refusal(
                413, "Upload too large", "file", "is larger than the limit of " + maxFileBytes + " bytes", 0, Map.of());
    }

    static Refusal tooManyRequests(String message, long retryAfterSeconds) {
        return new Refusal(429, "Too many requests", null, message, retryAfterSeconds, Map.of());
    }

    /** An address that failed authentication too often; names neither the address nor any credential. */
    static Refusal tooManyFailures(int failures, long windowSeconds, long retryAfterSeconds) {
        return tooManyRequests(
                "this address failed authentication " + failures + " times within " + windowSeconds + " s; retry in "
                        + retryAfterSeconds + " s",
                retryAfterSeconds);
    }

    static Refusal busy(String message, long retryAfterSeconds) {
        return new Refusal(503, "Too busy", null, message, retryAfterSeconds, Map.of());
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The header or part at fault, or null. */
    public String field() {
        return field;
    }

    /** Seconds to wait before retrying, for {@code 429} and {@code 503}; else 0. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Response headers the refusal needs besides {@code Retry-After} ({@code Allow} for 405). */
    public Map<String, String> headers() {
        return headers;
    }
}
