package com.miniatura.ingest.auth;

import java.util.Set;

/**
 * Who sent a request: the configured name of the key that authenticated it (never the key), what it may do and
 * how fast.
 */
public record Principal(String name, Set<Scope> scopes, AuthSettings.RateLimit rateLimit) {
    /** The request attribute holding the {@link Principal} of an authenticated request. */
    public static final String ATTRIBUTE = Principal.class.getName();
}
