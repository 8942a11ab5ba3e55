package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every credential rule, with a fixed clock: API keys, signatures, the replay window, scopes. */
class AuthenticatorTest {
    static final long NOW = 1_795_000_000L;
    static final String SECRET = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t";
    static final AuthSettings.RateLimit LIMIT = new AuthSettings.RateLimit(10, 10);
    static final AuthSettings SETTINGS = new AuthSettings(
            List.of(new AuthSettings.ApiKey("old-hook", AuthSettings.sha256("key-old-0123456789"), EnumSet.of(Scope.UPLOAD), LIMIT),
                    new AuthSettings.ApiKey("new-hook", AuthSettings.sha256("key-new-0123456789"),
                            EnumSet.of(Scope.UPLOAD, Scope.DELETE), LIMIT)),
            List.of(new AuthSettings.HmacKey("legacy", SECRET.getBytes(StandardCharsets.UTF_8), EnumSet.of(Scope.UPLOAD), LIMIT)),
            Duration.ofMinutes(5), false, LIMIT);
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
                new BadBearer("Bearer " + HexFormat.of().formatHex(AuthSettings.sha256("key-old-0123456789")),
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

    private Principal signed(String keyId, long timestamp, String signature, String method, String target, byte[] body) {
        Authenticator.PendingSignature pending = auth.signatureHeaders(keyId, Long.toString(timestamp), signature);
        return auth.verify(pending, method, target, body);
    }

    @Test
    void aValidSignatureIsAcceptedOnce() {
        String signature = Authenticator.sign(SECRET, NOW - 30, "POST", "/v1/events", BODY);
        assertThat(signed("legacy", NOW - 30, signature, "POST", "/v1/events", BODY).name()).isEqualTo("legacy");
        assertThatThrownBy(() -> signed("legacy", NOW - 30, signature, "POST", "/v1/events", BODY))
                .isInstanceOf(Refusal.class)
                .hasMessage("was already used; sign every request afresh");
    }

    /** What a client computes, pinned: HMAC-SHA256(secret, "1795000000.POST./v1/events." + body), in hex. */
    @Test
    void theSignedTextIsTimestampMethodTargetAndBody() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(
                ("1795000000.POST./v1/events." + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        assertThat(Authenticator.sign(SECRET, NOW, "POST", "/v1/events", BODY)).isEqualTo(expected);
    }

    record BadSignature(String name, String keyId, String timestamp, String signature, String method, String target,
            String body, String field, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String good(long ts) {
        return Authenticator.sign(SECRET, ts, "POST", "/v1/events", BODY);
    }

    static Stream<BadSignature> badSignatures() {
        String body = new String(BODY, StandardCharsets.UTF_8);
        String mismatch = "does not match the request; sign \"<timestamp>.<METHOD>.<path and query>.<body>\" with "
                + "HMAC-SHA256 and the key's secret";
        return Stream.of(
                new BadSignature("no key id", null, "" + NOW, good(NOW), "POST", "/v1/events", body,
                        "X-Miniatura-Key-Id", "is required with X-Miniatura-Signature"),
                new BadSignature("no timestamp", "legacy", null, good(NOW), "POST", "/v1/events", body,
                        "X-Miniatura-Timestamp", "is required with X-Miniatura-Signature"),
                new BadSignature("not hex", "legacy", "" + NOW, "sha256=xyz", "POST", "/v1/events", body,
                        "X-Miniatura-Signature", "must be sha256=<64 hex digits of the HMAC-SHA256>"),
                new BadSignature("no algorithm prefix", "legacy", "" + NOW, good(NOW).substring(7), "POST", "/v1/events",
                        body, "X-Miniatura-Signature", "must be sha256=<64 hex digits of the HMAC-SHA256>"),
                new BadSignature("unknown key", "nobody", "" + NOW, good(NOW), "POST", "/v1/events", body,
                        "X-Miniatura-Key-Id", "is not a known signing key"),
                new BadSignature("timestamp in milliseconds", "legacy", "1795000000000", good(NOW), "POST",
                        "/v1/events", body, "X-Miniatura-Timestamp",
                        "is 1793205000000 s away from the server's clock; signatures are accepted within 300 s of their timestamp"),
                new BadSignature("timestamp not a number", "legacy", "yesterday", good(NOW), "POST", "/v1/events",
                        body, "X-Miniatura-Timestamp", "must be the signing time in Unix seconds but was \"yesterday\""),
                new BadSignature("expired timestamp", "legacy", "" + (NOW - 301), good(NOW - 301), "POST",
                        "/v1/events", body, "X-Miniatura-Timestamp",
                        "is 301 s away from the server's clock; signatures are accepted within 300 s of their timestamp"),
                new BadSignature("timestamp in the future", "legacy", "" + (NOW + 400), good(NOW + 400), "POST",
                        "/v1/events", body, "X-Miniatura-Timestamp",
                        "is 400 s away from the server's clock; signatures are accepted within 300 s of their timestamp"),
                new BadSignature("tampered body", "legacy", "" + NOW, good(NOW), "POST", "/v1/events",
                        body.replace("\"a\"", "\"b\""), "X-Miniatura-Signature", mismatch),
                new BadSignature("another endpoint", "legacy", "" + NOW, good(NOW), "POST", "/v1/uploads", body,
                        "X-Miniatura-Signature", mismatch),
                new BadSignature("a query added", "legacy", "" + NOW, good(NOW), "POST", "/v1/events?imageId=x", body,
                        "X-Miniatura-Signature", mismatch),
                new BadSignature("another method", "legacy", "" + NOW, good(NOW), "DELETE", "/v1/events", body,
                        "X-Miniatura-Signature", mismatch),
                new BadSignature("timestamp moved", "legacy", "" + (NOW - 1), good(NOW), "POST", "/v1/events", body,
                        "X-Miniatura-Signature", mismatch));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSignatures")
    void aBadSignatureIsRefusedNamingTheHeader(BadSignature c) {
        Refusal r = catchThrowableOfType(Refusal.class, () -> {
            Authenticator.PendingSignature pending = auth.signatureHeaders(c.keyId(), c.timestamp(), c.signature());
            auth.verify(pending, c.method(), c.target(), c.body().getBytes(StandardCharsets.UTF_8));
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
        assertThat(signed("legacy", NOW, signature, "POST", "/v1/events", BODY).name()).isEqualTo("legacy");
    }

    @Test
    void aKeyWithoutTheScopeIsForbidden() {
        Principal old = auth.bearer("Bearer key-old-0123456789");
        Refusal r = catchThrowableOfType(Refusal.class, () -> Authenticator.authorize(old, Scope.DELETE, "Authorization"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.getMessage()).isEqualTo("the key \"old-hook\" may [upload] but this request needs the delete scope");
        Authenticator.authorize(auth.bearer("Bearer key-new-0123456789"), Scope.DELETE, "Authorization"); // no throw
    }

    @Test
    void theScopeFollowsTheMethodAndPath() {
        assertThat(AuthFilter.scopeOf("POST", "/v1/images")).isEqualTo(Scope.UPLOAD);
        assertThat(AuthFilter.scopeOf("POST", "/v1/events")).isEqualTo(Scope.UPLOAD);
        assertThat(AuthFilter.scopeOf("POST", "/v1/uploads")).isEqualTo(Scope.UPLOAD);
        assertThat(AuthFilter.scopeOf("DELETE", "/v1/images/a")).isEqualTo(Scope.DELETE);
        assertThat(AuthFilter.scopeOf("POST", "/v1/notifications/minio")).isEqualTo(Scope.NOTIFY);
        assertThat(AuthFilter.scopeOf("PUT", "/anything/new")).isEqualTo(Scope.UPLOAD);
    }
}
