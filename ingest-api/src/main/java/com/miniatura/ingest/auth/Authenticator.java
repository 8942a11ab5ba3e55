package com.miniatura.ingest.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
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
 * X-Miniatura-Signature: v2=HEX(HMAC-SHA256(secret, text))
 *
 * text = "MINIATURA-HMAC-SHA256-V2\n" + method + "\n" + path and query + "\n" + timestamp + "\n" + key id + "\n"
 *        + HEX(SHA-256(body))
 * </pre>
 * None of the fields can hold a newline, so one text is one request: the signature binds the method, the request
 * target (path and query, as sent), the time and the key to the body's exact bytes, and cannot be moved to another
 * request, endpoint, time or key. The body enters by its hash, computed while it is read, so nothing but the
 * body's own bytes is ever buffered to verify it. A timestamp further than {@code signature-max-age} from the
 * server's clock is refused before the body is read, and within that window each signature is accepted once. An
 * unknown key id and a wrong signature are refused alike, after the same work, so neither tells which ids exist.
 */
public final class Authenticator {
    public static final String KEY_ID = "X-Miniatura-Key-Id";
    public static final String TIMESTAMP = "X-Miniatura-Timestamp";
    public static final String SIGNATURE = "X-Miniatura-Signature";
    public static final String AUTHORIZATION = "Authorization";
    /** The first line of the signed text: the signing scheme, so that a text signed another way never matches. */
    public static final String SCHEME = "MINIATURA-HMAC-SHA256-V2";
    /** What {@code X-Miniatura-Signature} starts with. */
    public static final String SIGNATURE_PREFIX = "v2=";
    /** The one refusal of a signature that does not verify, whether the key id is unknown or the MAC wrong. */
    static final String MISMATCH = "does not match the request, or " + KEY_ID + " names no signing key; "
            + "sign \"" + SCHEME
            + "\\n<METHOD>\\n<path and query>\\n<timestamp>\\n<key id>\\n<hex SHA-256 of the body>\" "
            + "with HMAC-SHA256 and the key's secret, and send v2=<hex>";

    private static final String HMAC = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final AuthSettings settings;
    private final Clock clock;
    private final ReplayGuard replays;
    /** Verifies against an unknown key id, so that it costs what a wrong signature costs; matches nothing. */
    private final byte[] decoySecret = new byte[32];

    public Authenticator(AuthSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.replays = new ReplayGuard(clock);
        new SecureRandom().nextBytes(decoySecret);
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

    /** Signature headers that passed every check that does not need the body (the key is looked up after it). */
    public record PendingSignature(String keyId, String timestamp, long seconds, byte[] mac) {}

    /**
     * Checks the signature headers before the body is read: all present and well-formed, the timestamp inside the
     * window. Whether the key id exists is not told here: see {@link #verify}.
     */
    public PendingSignature signatureHeaders(String keyId, String timestamp, String signature) {
        if (keyId == null || keyId.isBlank()) {
            throw Refusal.unauthenticated(KEY_ID, "is required with " + SIGNATURE);
        }
        if (timestamp == null || timestamp.isBlank()) {
            throw Refusal.unauthenticated(TIMESTAMP, "is required with " + SIGNATURE);
        }
        String value = signature.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("sha256=")) {
            throw Refusal.unauthenticated(
                    SIGNATURE,
                    "uses the retired scheme (sha256=<HMAC of \"<timestamp>.<METHOD>."
                            + "<path>.<body>\">), which two different requests could share; sign \"" + SCHEME
                            + "\\n<METHOD>\\n<path and query>\\n<timestamp>\\n<key id>\\n<hex SHA-256 of the body>\" and send "
                            + "v2=<hex>");
        }
        if (!value.matches("v2=[0-9a-f]{64}")) {
            throw Refusal.unauthenticated(SIGNATURE, "must be v2=<64 hex digits of the HMAC-SHA256>");
        }
        String time = timestamp.trim();
        if (!time.matches("[0-9]{1,18}")) {
            throw Refusal.unauthenticated(
                    TIMESTAMP, "must be the signing time in Unix seconds but was \"" + printable(timestamp) + "\"");
        }
        long seconds = Long.parseLong(time);
        long skew = Math.abs(clock.millis() / 1000 - seconds);
        long window = settings.signatureMaxAge().toSeconds();
        if (skew > window) {
            throw Refusal.unauthenticated(
                    TIMESTAMP,
                    "is " + skew + " s away from the server's clock; signatures are " + "accepted within " + window
                            + " s of their timestamp");
        }
        return new PendingSignature(
                keyId.trim(), time, seconds, HEX.parseHex(value.substring(SIGNATURE_PREFIX.length())));
    }

    /**
     * Verifies the MAC over the request, once: a second use of the same signature is a replay.
     *
     * @param bodySha256 the SHA-256 of the body's bytes as received
     */
    public Principal verify(PendingSignature pending, String method, String target, byte[] bodySha256) {
        AuthSettings.HmacKey key = null;
        for (AuthSettings.HmacKey candidate : settings.hmacKeys()) {
            if (candidate.id().equals(pending.keyId())) {
                key = candidate;
            }
        }
        byte[] expected = mac(
                key == null ? decoySecret : key.secret(),
                text(method, target, pending.timestamp(), pending.keyId(), bodySha256));
        if (!MessageDigest.isEqual(expected, pending.mac()) || key == null) {
            throw Refusal.unauthenticated(SIGNATURE, MISMATCH);
        }
        long forgetAfter = (pending.seconds() + settings.signatureMaxAge().toSeconds() + 1) * 1000;
        if (!replays.firstUse(HEX.formatHex(pending.mac()), forgetAfter)) {
            throw Refusal.unauthenticated(SIGNATURE, "was already used; sign every request afresh");
        }
        return new Principal(key.id(), key.scopes(), key.rateLimit());
    }

    /** Refuses with {@code 403} unless {@code principal} holds {@code needed}. */
    public static void authorize(Principal principal, Scope needed, String field) {
        if (!principal.scopes().contains(needed)) {
            throw Refusal.forbidden(
                    field,
                    "the key \"" + principal.name() + "\" may "
                            + principal.scopes().stream().map(s -> s.label).toList() + " but this request needs the "
                            + needed.label + " scope");
        }
    }

    /** The {@code X-Miniatura-Signature} value for a request, as a client computes it. */
    public static String sign(String secret, String keyId, long timestamp, String method, String target, byte[] body) {
        return SIGNATURE_PREFIX
                + HEX.formatHex(mac(
                        secret.getBytes(StandardCharsets.UTF_8),
                        text(method, target, Long.toString(timestamp), keyId, sha256(body))));
    }

    /** {@link #sign}, for a body too large to hold: its SHA-256 instead. */
    public static String signBodyHash(
            String secret, String keyId, long timestamp, String method, String target, byte[] bodySha256) {
        return SIGNATURE_PREFIX
                + HEX.formatHex(mac(
                        secret.getBytes(StandardCharsets.UTF_8),
                        text(method, target, Long.toString(timestamp), keyId, bodySha256)));
    }

    /** The text a signature is the HMAC of: one field a line, none of which can hold a line break. */
    public static String text(String method, String target, String timestamp, String keyId, byte[] bodySha256) {
        return SCHEME + "\n" + method + "\n" + target + "\n" + timestamp + "\n" + keyId + "\n"
                + HEX.formatHex(bodySha256);
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] mac(byte[] secret, String text) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret, HMAC));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
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
