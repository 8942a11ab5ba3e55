package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every credential rule, with a fixed clock: API keys, signatures, the replay window, scopes. */
class AuthenticatorTest {
    static final long NOW = 1_795_000_000L;
    static final String SECRET = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t";
    static final AuthSettings.RateLimit LIMIT = new AuthSettings.RateLimit(10, 10);
    static final AuthSettings SETTINGS = new AuthSettings(
            List.of(
                    new AuthSettings.ApiKey(
                            "old-hook", AuthSettings.sha256("key-old-0123456789"), EnumSet.of(Scope.UPLOAD), LIMIT),
                    new AuthSettings.ApiKey(
                            "new-hook",
                            AuthSettings.sha256("key-new-0123456789"),
                            EnumSet.of(Scope.UPLOAD, Scope.DELETE),
                            LIMIT)),
            List.of(new AuthSettings.HmacKey(
                    "legacy", SECRET.getBytes(StandardCharsets.UTF_8), EnumSet.of(Scope.UPLOAD), LIMIT)),
            Duration.ofMinutes(5),
            false,
            LIMIT,
            16,
            new AuthSettings.FailureLimit(20, Duration.ofMinutes(1), 100_000));
    static final byte[] BODY = "{\"imageId\":\"a\"}".getBytes(StandardCharsets.UTF_8);

    final Authenticator auth = new Authenticator(SETTINGS, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    /** Rotation: the old and the new key both work until the old one is removed from the configuration. */
    @Test
    void severalKeysAreActiveAtOnce() {
        assertThat(auth.bearer("Bearer key-old-0123456789").name()).isEqualTo("old-hook");
        assertThat(auth.bearer("bearer   key-new-0123456789").name()).isEqualTo("new-hook");
    }

    record BadBearer(String header, String message) {}

    static Stream<BadBearer> badBearers() {
        return Stream.of(
                new BadBearer("key-old-0123456789", "must be \"Bearer <API key>\""),
                new BadBearer("Basic a2V5OnNlY3JldA==", "must be \"Bearer <API key>\""),
                new BadBearer("Bearer ", "must be \"Bearer <API key>\""),
                new BadBearer("Bearer key-old-012345678", "is not a valid API key"),
                new BadBearer(
                        "Bearer " + HexFormat.of().formatHex(AuthSettings.sha256("key-old-0123456789")),
                        "is not a valid API key")); // the configured hash is not itself a key
    }

    @ParameterizedTest
    @MethodSource("badBearers")
    void aWrongApiKeyIsRefusedNamingTheHeader(BadBearer c) {
        Refusal r = catchThrowableOfType(Refusal.class, () -> auth.bearer(c.header()));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.field()).isEqualTo("Authorization");
        assertThat(r.getMessage()).isEqualTo(c.message()).doesNotContain("key-old");
    }

    private Principal signed(
            String keyId, long timestamp, String signature, String method, String target, byte[] body) {
        Authenticator.PendingSignature pending = auth.signatureHeaders(keyId, Long.toString(timestamp), signature);
        return auth.verify(pending, method, target, sha256(body));
    }

    static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String sign(long timestamp, String method, String target, byte[] body) {
        return Authenticator.sign(SECRET, "legacy", timestamp, method, target, body);
    }

    @Test
    void aValidSignatureIsAcceptedOnce() {
        String signature = sign(NOW - 30, "POST", "/v1/events", BODY);
        assertThat(signed("legacy", NOW - 30, signature, "POST", "/v1/events", BODY)
                        .name())
                .isEqualTo("legacy");
        assertThatThrownBy(() -> signed("legacy", NOW - 30, signature, "POST", "/v1/events", BODY))
                .isInstanceOf(Refusal.class)
                .hasMessage("was already used; sign every request afresh");
    }

    /**
     * What a client computes, pinned: the hex HMAC-SHA256 of the scheme, method, target, timestamp, key id and the
     * body's hex SHA-256, one a line.
     */
    @Test
    void theSignedTextIsOneFieldALineEndingWithTheBodysHash() throws Exception {
        String text = "MINIATURA-HMAC-SHA256-V2\nPOST\n/v1/events\n1795000000\nlegacy\n"
                + HexFormat.of().formatHex(sha256(BODY));
        assertThat(Authenticator.text("POST", "/v1/events", "1795000000", "legacy", sha256(BODY)))
                .isEqualTo(text);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "v2=" + HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(sign(NOW, "POST", "/v1/events", BODY)).isEqualTo(expected);
    }

    /**
     * Regression: the retired text joined its fields with '.', which paths and bodies hold too, so the request
     * target "/v1/events" with body ".x" and the target "/v1/events." with body "x" were the same text and shared
     * a signature. One field a line (none can hold a line break) and the body by its hash keep them apart.
     */
    @Test
    void twoRequestsThatJoinedToOneTextSignDifferently() {
        assertThat(sign(NOW, "POST", "/v1/events", ".x".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(sign(NOW, "POST", "/v1/events.", "x".getBytes(StandardCharsets.UTF_8)));
        String signature = sign(NOW, "POST", "/v1/events", ".x".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() ->
                        signed("legacy", NOW, signature, "POST", "/v1/events.", "x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Refusal.class)
                .hasMessage(Authenticator.MISMATCH);
    }

    record BadSignature(
            String name,
            String keyId,
            String timestamp,
            String signature,
            String method,
            String target,
            String body,
            String field,
            String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String good(long ts) {
        return sign(ts, "POST", "/v1/events", BODY);
    }

    static Stream<BadSignature> badSignatures() {
        String body = new String(BODY, StandardCharsets.UTF_8);
        String mismatch = "does not match the request, or X-Miniatura-Key-Id names no signing key; sign "
                + "\"MINIATURA-HMAC-SHA256-V2\\n<METHOD>\\n<path and query>\\n<timestamp>\\n<key id>\\n<hex SHA-256 of the "
                + "body>\" with HMAC-SHA256 and the key's secret, and send v2=<hex>";
        return Stream.of(
                new BadSignature(
                        "no key id",
                        null,
                        "" + NOW,
                        good(NOW),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Key-Id",
                        "is required with X-Miniatura-Signature"),
                new BadSignature(
                        "no timestamp",
                        "legacy",
                        null,
                        good(NOW),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Timestamp",
                        "is required with X-Miniatura-Signature"),
                new BadSignature(
                        "not hex",
                        "legacy",
                        "" + NOW,
                        "v2=xyz",
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Signature",
                        "must be v2=<64 hex digits of the HMAC-SHA256>"),
                new BadSignature(
                        "no scheme prefix",
                        "legacy",
                        "" + NOW,
                        good(NOW).substring(3),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Signature",
                        "must be v2=<64 hex digits of the HMAC-SHA256>"),
                new BadSignature(
                        "the retired scheme",
                        "legacy",
                        "" + NOW,
                        "sha256=" + good(NOW).substring(3),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Signature",
                        "uses the retired scheme (sha256=<HMAC of "
                                + "\"<timestamp>.<METHOD>.<path>.<body>\">), which two different requests could share; "
                                + "sign \"MINIATURA-HMAC-SHA256-V2\\n<METHOD>\\n<path and query>\\n<timestamp>\\n<key id>"
                                + "\\n<hex SHA-256 of the body>\" and send v2=<hex>"),
                // one refusal for an unknown key and a wrong signature: neither tells which key ids exist
                new BadSignature(
                        "unknown key",
                        "nobody",
                        "" + NOW,
                        good(NOW),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Signature",
                        mismatch),
                new BadSignature(
                        "unknown key signed as itself",
                        "nobody",
                        "" + NOW,
                        Authenticator.sign(SECRET, "nobody", NOW, "POST", "/v1/events", BODY),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Signature",
                        mismatch),
                new BadSignature(
                        "another key id",
                        "legacy",
                        "" + NOW,
                        Authenticator.sign(SECRET, "other", NOW, "POST", "/v1/events", BODY),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Signature",
                        mismatch),
                new BadSignature(
                        "timestamp in milliseconds",
                        "legacy",
                        "1795000000000",
                        good(NOW),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Timestamp",
                        "is 1793205000000 s away from the server's clock; signatures are accepted within 300 s of their timestamp"),
                new BadSignature(
                        "timestamp not a number",
                        "legacy",
                        "yesterday",
                        good(NOW),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Timestamp",
                        "must be the signing time in Unix seconds but was \"yesterday\""),
                new BadSignature(
                        "timestamp with a sign",
                        "legacy",
                        "+" + NOW,
                        good(NOW),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Timestamp",
                        "must be the signing time in Unix seconds but was \"+" + NOW + "\""),
                new BadSignature(
                        "expired timestamp",
                        "legacy",
                        "" + (NOW - 301),
                        good(NOW - 301),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Timestamp",
                        "is 301 s away from the server's clock; signatures are accepted within 300 s of their timestamp"),
                new BadSignature(
                        "timestamp in the future",
                        "legacy",
                        "" + (NOW + 400),
                        good(NOW + 400),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Timestamp",
                        "is 400 s away from the server's clock; signatures are accepted within 300 s of their timestamp"),
                new BadSignature(
                        "tampered body",
                        "legacy",
                        "" + NOW,
                        good(NOW),
                        "POST",
                        "/v1/events",
                        body.replace("\"a\"", "\"b\""),
                        "X-Miniatura-Signature",
                        mismatch),
                new BadSignature(
                        "another endpoint",
                        "legacy",
                        "" + NOW,
                        good(NOW),
                        "POST",
                        "/v1/uploads",
                        body,
                        "X-Miniatura-Signature",
                        mismatch),
                new BadSignature(
                        "a query added",
                        "legacy",
                        "" + NOW,
                        good(NOW),
                        "POST",
                        "/v1/events?imageId=x",
                        body,
                        "X-Miniatura-Signature",
                        mismatch),
                new BadSignature(
                        "another method",
                        "legacy",
                        "" + NOW,
                        good(NOW),
                        "DELETE",
                        "/v1/events",
                        body,
                        "X-Miniatura-Signature",
                        mismatch),
                new BadSignature(
                        "timestamp moved",
                        "legacy",
                        "" + (NOW - 1),
                        good(NOW),
                        "POST",
                        "/v1/events",
                        body,
                        "X-Miniatura-Signature",
                        mismatch));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSignatures")
    void aBadSignatureIsRefusedNamingTheHeader(BadSignature c) {
        Refusal r = catchThrowableOfType(Refusal.class, () -> {
            Authenticator.PendingSignature pending = auth.signatureHeaders(c.keyId(), c.timestamp(), c.signature());
            auth.verify(pending, c.method(), c.target(), sha256(c.body().getBytes(StandardCharsets.UTF_8)));
        });
        assertThat(r).as("refused").isNotNull();
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.field()).isEqualTo(c.field());
        assertThat(r.getMessage()).isEqualTo(c.message()).doesNotContain(SECRET);
    }

    /** A refused attempt does not use the signature up: the genuine request still goes through. */
    @Test
    void aTamperedCopyDoesNotBurnTheGenuineSignature() {
        String signature = good(NOW);
        assertThatThrownBy(() -> signed("legacy", NOW, signature, "POST", "/v1/events", "{}".getBytes()))
                .isInstanceOf(Refusal.class);
        assertThat(signed("legacy", NOW, signature, "POST", "/v1/events", BODY).name())
                .isEqualTo("legacy");
    }

    @Test
    void aKeyWithoutTheScopeIsForbidden() {
        Principal old = auth.bearer("Bearer key-old-0123456789");
        Refusal r =
                catchThrowableOfType(Refusal.class, () -> Authenticator.authorize(old, Scope.DELETE, "Authorization"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.getMessage())
                .isEqualTo("the key \"old-hook\" may [upload] but this request needs the delete scope");
        Authenticator.authorize(auth.bearer("Bearer key-new-0123456789"), Scope.DELETE, "Authorization"); // no throw
    }
}
