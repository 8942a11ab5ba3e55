package com.miniatura.ingest.auth;

/**
 * Why a request was not let in: {@code 401} (no valid credentials), {@code 403} (valid, but not for this) or
 * {@code 429} (too many requests). {@code field} names the header at fault. Messages never contain a credential.
 */
public final class Refusal extends RuntimeException {
    private final int status;
    private final String title;
    private final String field;
    private final long retryAfterSeconds;

    private Refusal(int status, String title, String field, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.title = title;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static Refusal unauthenticated(String field, String message) {
        return new Refusal(401, "Authentication required", field, message, 0);
    }

    static Refusal forbidden(String field, String message) {
        return new Refusal(403, "Forbidden", field, message, 0);
    }

    static Refusal tooManyRequests(String message, long retryAfterSeconds) {
        return new Refusal(429, "Too many requests", null, message, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The header at fault, or null. */
    public String field() {
        return field;
    }

    /** Seconds to wait before retrying, for {@code 429}; else 0. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
