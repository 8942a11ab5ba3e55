package com.miniatura.ingest.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks credentials; no servlet types, so every rule is tested directly.
 *
 * <p><b>API keys</b>: {@code Authorization: Bearer <key>}. The key's SHA-256 is compared, in constant time, with
 * every configured hash; API keys are long random strings, so a fast hash is enough (nothing to brute-force).
 *
 * <p><b>Signatures</b> (webhook style), three headers:
 * <pre>
 * X-Miniatura-Key-Id:    legacy-hook
 * X-Miniatura-Timestamp: 1795000000                          (Unix seconds)
 * X-Miniatura-Signature: sha256=HEX(HMAC-SHA256(secret, "1795000000.POST./v1/events." + body))
 * </pre>
 * The signed text binds the timestamp, the method and the request target (path and query, as sent) to the raw
 * body bytes, so a signature cannot be moved to another request, another endpoint or another time. A timestamp
 * further than {@code signature-max-age} from the server's clock is refused, and within that window each
 * signature is accepted once.
 */
public final class Authenticator {
    public static final String KEY_ID = "X-Miniatura-Key-Id";
    public static final String TIMESTAMP = "X-Miniatura-Timestamp";
    public static final String SIGNATURE = "X-Miniatura-Signature";
    public static final String AUTHORIZATION = "Authorization";
    private static final String HMAC = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final AuthSettings settings;
    private final Clock clock;
    private final ReplayGuard replays;

    public Authenticator(AuthSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.replays = new ReplayGuard(clock);
    }

    /** Whether any credential is configured at all; without one, no write can succeed. */
    public boolean anyCredentialConfigured() {
        return !settings.apiKeys().isEmpty() || !settings.hmacKeys().isEmpty();
    }

    /** The key an {@code Authorization} header names. */
    public Principal bearer(String authorization) {
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            throw Refusal.unauthenticated(AUTHORIZATION, "must be \"Bearer <API key>\"");
        }
        byte[] hash = AuthSettings.sha256(parts[1].trim());
        AuthSettings.ApiKey match = null;
        for (AuthSettings.ApiKey key : settings.apiKeys()) { // every hash is compared: no early exit to time
            if (MessageDigest.isEqual(hash, key.sha256())) {
                match = key;
            }
        }
        if (match == null) {
            throw Refusal.unauthenticated(AUTHORIZATION, "is not a valid API key");
        }
        return new Principal(match.name(), match.scopes(), match.rateLimit());
    }

    /** Signature headers that passed every check that does not need the body. */
    public record PendingSignature(AuthSettings.HmacKey key, long timestamp, byte[] mac) {}

    /**
     * Checks the signature headers before the body is read: all present and well-formed, the key known, the
     * timestamp inside the window.
     */
    public PendingSignature signatureHeaders(String keyId, String timestamp, String signature) {
        if (keyId == null || keyId.isBlank()) {
            throw Refusal.unauthenticated(KEY_ID, "is required with " + SIGNATURE);
        }
        if (timestamp == null || timestamp.isBlank()) {
            throw Refusal.unauthenticated(TIMESTAMP, "is required with " + SIGNATURE);
        }
        String hex = signature.trim().toLowerCase(Locale.ROOT);
        if (!hex.matches("sha256=[0-9a-f]{64}")) {
            throw Refusal.unauthenticated(SIGNATURE, "must be sha256=<64 hex digits of the HMAC-SHA256>");
        }
        AuthSettings.HmacKey key = settings.hmacKeys().stream()
                .filter(k -> k.id().equals(keyId.trim()))
                .findFirst()
                .orElseThrow(() -> Refusal.unauthenticated(KEY_ID, "is not a known signing key"));
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw Refusal.unauthenticated(TIMESTAMP, "must be the signing time in Unix seconds but was \""
                    + printable(timestamp) + "\"");
        }
        long skew = Math.abs(clock.millis() / 1000 - seconds);
        long window = settings.signatureMaxAge().toSeconds();
        if (skew > window) {
            throw Refusal.unauthenticated(TIMESTAMP, "is " + skew + " s away from the server's clock; signatures are "
                    + "accepted within " + window + " s of their timestamp");
        }
        return new PendingSignature(key, seconds, HEX.parseHex(hex.substring("sha256=".length())));
    }

    /** Verifies the MAC over the request, once: a second use of the same signature is a replay. */
    public Principal verify(PendingSignature pending, String method, String target, byte[] body) {
        byte[] expected = mac(pending.key().secret(), pending.timestamp(), method, target, body);
        if (!MessageDigest.isEqual(expected, pending.mac())) {
            throw Refusal.unauthenticated(SIGNATURE, "does not match the request; sign \"<timestamp>.<METHOD>."
                    + "<path and query>.<body>\" with HMAC-SHA256 and the key's secret");
        }
        long forgetAfter = (pending.timestamp() + settings.signatureMaxAge().toSeconds() + 1) * 1000;
        if (!replays.firstUse(HEX.formatHex(pending.mac()), forgetAfter)) {
            throw Refusal.unauthenticated(SIGNATURE, "was already used; sign every request afresh");
        }
        AuthSettings.HmacKey key = pending.key();
        return new Principal(key.id(), key.scopes(), key.rateLimit());
    }

    /** Refuses with {@code 403} unless {@code principal} holds {@code needed}. */
    public static void authorize(Principal principal, Scope needed, String field) {
        if (!principal.scopes().contains(needed)) {
            throw Refusal.forbidden(field, "the key \"" + principal.name() + "\" may "
                    + principal.scopes().stream().map(s -> s.label).toList() + " but this request needs the "
                    + needed.label + " scope");
        }
    }

    /** The {@code X-Miniatura-Signature} value for a request, as a client computes it. */
    public static String sign(String secret, long timestamp, String method, String target, byte[] body) {
        return "sha256=" + HEX.formatHex(mac(secret.getBytes(StandardCharsets.UTF_8), timestamp, method, target, body));
    }

    private static byte[] mac(byte[] secret, long timestamp, String method, String target, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret, HMAC));
            mac.update((timestamp + "." + method + "." + target + ".").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has " + HMAC, e);
        }
    }

    /** A header value fit for a message: short and without control characters. */
    private static String printable(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 20 ? clean.substring(0, 20) + "…" : clean;
    }
}
