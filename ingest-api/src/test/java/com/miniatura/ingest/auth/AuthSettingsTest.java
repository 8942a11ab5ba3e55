package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.miniatura.common.config.InvalidConfigurationException;
import com.miniatura.common.config.MiniaturaDefaults;
import com.miniatura.common.config.Problems;
import com.miniatura.common.testing.Environments;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** {@code miniatura.ingest.auth.*} and {@code miniatura.ingest.rate-limit.*}: read, defaulted, every problem at once. */
class AuthSettingsTest {
    static final String HASH = HexFormat.of().formatHex(AuthSettings.sha256("a-long-random-key-0001"));

    private static AuthSettings load(Map<String, Object> overrides) {
        StandardEnvironment env = new StandardEnvironment();
        Map<String, Object> values = new HashMap<>(overrides);
        values.putIfAbsent("miniatura.ingest.auth.dev-key", ""); // whatever this machine's environment says
        env.getPropertySources().addFirst(new MapPropertySource("test", values));
        MiniaturaDefaults.load("miniatura/ingest-api-defaults.yml").forEach(env.getPropertySources()::addLast);
        Problems problems = new Problems();
        AuthSettings settings = AuthSettings.load(env, problems);
        problems.throwIfAny();
        return settings;
    }

    private static List<String> problems(Map<String, Object> overrides) {
        return catchThrowableOfType(InvalidConfigurationException.class, () -> load(overrides))
                .problems();
    }

    @Test
    void keysWithScopesAndLimits() {
        AuthSettings s = load(Map.of(
                "miniatura.ingest.auth.api-keys.seller-hook.sha256", HASH.toUpperCase(),
                "miniatura.ingest.auth.api-keys.seller-hook.scopes", "upload, delete",
                "miniatura.ingest.auth.api-keys.minio.sha256", HASH,
                "miniatura.ingest.auth.api-keys.minio.scopes[0]", "notify",
                "miniatura.ingest.auth.api-keys.minio.requests-per-second", "500",
                "miniatura.ingest.auth.hmac-keys.legacy.secret", "x".repeat(32),
                "miniatura.ingest.auth.hmac-keys.legacy.scopes", "upload"));
        assertThat(s.apiKeys()).extracting(AuthSettings.ApiKey::name).containsExactly("minio", "seller-hook");
        assertThat(s.apiKeys().get(0).scopes()).containsExactly(Scope.NOTIFY);
        assertThat(s.apiKeys().get(0).rateLimit()).isEqualTo(new AuthSettings.RateLimit(500, 200));
        assertThat(s.apiKeys().get(1).scopes()).containsExactly(Scope.UPLOAD, Scope.DELETE);
        assertThat(s.apiKeys().get(1).rateLimit()).as("the defaults").isEqualTo(new AuthSettings.RateLimit(100, 200));
        assertThat(s.hmacKeys())
                .singleElement()
                .satisfies(k -> assertThat(k.scopes()).containsExactly(Scope.UPLOAD));
        assertThat(s.signatureMaxAge()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.devKeySet()).isFalse();
    }

    /** Kubernetes passes them as environment variables from a Secret (deploy/base/ingest-api.yaml). */
    @Test
    void keysFromEnvironmentVariables() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        "test-systemEnvironment",
                        Map.of( // the name tells Spring to map ENV_NAMES
                                "MINIATURA_INGEST_AUTH_APIKEYS_SELLERHOOK_SHA256", HASH,
                                "MINIATURA_INGEST_AUTH_APIKEYS_SELLERHOOK_SCOPES", "upload,delete",
                                "MINIATURA_INGEST_AUTH_HMACKEYS_LEGACY_SECRET", "y".repeat(40),
                                "MINIATURA_INGEST_AUTH_HMACKEYS_LEGACY_SCOPES", "upload",
                                "MINIATURA_INGEST_AUTH_DEVKEY", "")));
        MiniaturaDefaults.load("miniatura/ingest-api-defaults.yml").forEach(env.getPropertySources()::addLast);
        Problems problems = new Problems();
        AuthSettings s = AuthSettings.load(env, problems);
        assertThat(problems.messages()).isEmpty();
        assertThat(s.apiKeys()).singleElement().satisfies(k -> {
            assertThat(k.name()).isEqualTo("sellerhook");
            assertThat(k.scopes()).containsExactly(Scope.UPLOAD, Scope.DELETE);
        });
        assertThat(s.hmacKeys())
                .singleElement()
                .satisfies(k -> assertThat(k.id()).isEqualTo("legacy"));
    }

    /**
     * A key's multi-word settings were read as {@code requests.per.second} from {@code …_REQUESTS_PER_SECOND} and
     * refused as unknown; {@code API_KEYS}, which Spring also accepts for {@code api-keys}, was not read at all.
     * Both of Spring's forms are read: every dash as {@code _}, or none.
     */
    @Test
    void multiWordSettingsOfAKeyFromEnvironmentVariables() {
        StandardEnvironment env = Environments.withVariables(
                Map.of(
                        "MINIATURA_INGEST_AUTH_API_KEYS_MINIO_SHA256", HASH,
                        "MINIATURA_INGEST_AUTH_API_KEYS_MINIO_SCOPES", "notify",
                        "MINIATURA_INGEST_AUTH_API_KEYS_MINIO_REQUESTS_PER_SECOND", "500",
                        "MINIATURA_INGEST_AUTH_HMAC_KEYS_LEGACY_SECRET", "y".repeat(40),
                        "MINIATURA_INGEST_AUTH_HMACKEYS_LEGACY_REQUESTSPERSECOND", "9",
                        "MINIATURA_INGEST_AUTH_HMACKEYS_LEGACY_SCOPES_0", "upload",
                        "MINIATURA_INGEST_AUTH_HMACKEYS_LEGACY_SCOPES_1", "delete",
                        "MINIATURA_INGEST_AUTH_SIGNATURE_MAX_AGE", "30s",
                        "MINIATURA_INGEST_RATE_LIMIT_REQUESTS_PER_SECOND", "7"),
                "miniatura/ingest-api-defaults.yml");
        Problems problems = new Problems();
        AuthSettings s = AuthSettings.load(env, problems);
        assertThat(problems.messages()).isEmpty();
        assertThat(s.apiKeys()).singleElement().satisfies(k -> {
            assertThat(k.name()).isEqualTo("minio");
            assertThat(k.scopes()).containsExactly(Scope.NOTIFY);
            assertThat(k.rateLimit()).isEqualTo(new AuthSettings.RateLimit(500, 200));
        });
        assertThat(s.hmacKeys()).singleElement().satisfies(k -> {
            assertThat(k.scopes()).containsExactly(Scope.UPLOAD, Scope.DELETE);
            assertThat(k.rateLimit()).isEqualTo(new AuthSettings.RateLimit(9, 200));
        });
        assertThat(s.signatureMaxAge()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.rateLimit()).isEqualTo(new AuthSettings.RateLimit(7, 200));
    }

    /** Spring reads neither {@code APIKEYS_…_REQUESTS_PER_SECOND} nor its other mixtures: told how to write it. */
    @Test
    void aSettingOfAKeyInAFormSpringDoesNotReadIsReported() {
        StandardEnvironment env = Environments.withVariables(
                Map.of(
                        "MINIATURA_INGEST_AUTH_APIKEYS_MINIO_SHA256", HASH,
                        "MINIATURA_INGEST_AUTH_APIKEYS_MINIO_SCOPES", "notify",
                        "MINIATURA_INGEST_AUTH_APIKEYS_MINIO_REQUESTS_PER_SECOND", "500"),
                "miniatura/ingest-api-defaults.yml");
        Problems problems = new Problems();
        AuthSettings.load(env, problems);
        assertThat(problems.messages())
                .containsExactly("miniatura.ingest.auth.api-keys.minio.requests-per-second: set as "
                        + "MINIATURA_INGEST_AUTH_APIKEYS_MINIO_REQUESTS_PER_SECOND, which Spring does not read: write each dash of "
                        + "the key as _ (MINIATURA_INGEST_AUTH_API_KEYS_MINIO_REQUESTS_PER_SECOND) or leave it out "
                        + "(MINIATURA_INGEST_AUTH_APIKEYS_MINIO_REQUESTSPERSECOND)");
    }

    @Test
    void aMisspeltSettingOfAKeyFromAnEnvironmentVariableIsReported() {
        StandardEnvironment env = Environments.withVariables(
                Map.of(
                        "MINIATURA_INGEST_AUTH_APIKEYS_MINIO_SHA256", HASH,
                        "MINIATURA_INGEST_AUTH_APIKEYS_MINIO_SCOPES", "notify",
                        "MINIATURA_INGEST_AUTH_APIKEYS_MINIO_REQUEST_PER_SECOND", "500"),
                "miniatura/ingest-api-defaults.yml");
        Problems problems = new Problems();
        AuthSettings.load(env, problems);
        assertThat(problems.messages())
                .containsExactly("miniatura.ingest.auth.api-keys.minio.request.per.second: "
                        + "is not a known setting; expected one of [burst, requests-per-second, scopes, sha256]");
    }

    @Test
    void failedAuthenticationsPerAddressDefaultToTwentyAMinute() {
        assertThat(load(Map.of(
                                "miniatura.ingest.auth.api-keys.minio.sha256",
                                HASH,
                                "miniatura.ingest.auth.api-keys.minio.scopes",
                                "notify"))
                        .failures())
                .isEqualTo(new AuthSettings.FailureLimit(20, Duration.ofMinutes(1), 100_000));
    }

    @Test
    void failedAuthenticationsPerAddressFromEnvironmentVariables() {
        StandardEnvironment env = Environments.withVariables(
                Map.of(
                        "MINIATURA_INGEST_AUTH_APIKEYS_MINIO_SHA256", HASH,
                        "MINIATURA_INGEST_AUTH_APIKEYS_MINIO_SCOPES", "notify",
                        "MINIATURA_INGEST_AUTH_FAILURES_PER_ADDRESS", "5",
                        "MINIATURA_INGEST_AUTH_FAILURES_WINDOW", "10m",
                        "MINIATURA_INGEST_AUTH_FAILURES_MAXADDRESSES", "5000"),
                "miniatura/ingest-api-defaults.yml");
        Problems problems = new Problems();
        AuthSettings s = AuthSettings.load(env, problems);
        assertThat(problems.messages()).isEmpty();
        assertThat(s.failures()).isEqualTo(new AuthSettings.FailureLimit(5, Duration.ofMinutes(10), 5000));
    }

    @Test
    void everyProblemOfTheFailureLimitIsReportedNamingItsKey() {
        assertThat(problems(Map.of(
                        "miniatura.ingest.auth.dev-key", "dev-key-0123456789",
                        "miniatura.ingest.auth.failures.per-address", "0",
                        "miniatura.ingest.auth.failures.window", "1500ms",
                        "miniatura.ingest.auth.failures.max-addresses", "lots")))
                .containsExactly(
                        "miniatura.ingest.auth.failures.per-address: expected 1..1000000 but was \"0\"",
                        "miniatura.ingest.auth.failures.window: expected a whole number of seconds from 1s to 1h such as 1m but was \"1500ms\"",
                        "miniatura.ingest.auth.failures.max-addresses: expected 100..10000000 but was \"lots\"");
        assertThat(problems(Map.of(
                        "miniatura.ingest.auth.dev-key", "dev-key-0123456789",
                        "miniatura.ingest.auth.failures.window", "2h",
                        "miniatura.ingest.auth.failures.max-addresses", "99")))
                .containsExactly(
                        "miniatura.ingest.auth.failures.window: expected a whole number of seconds from 1s to 1h such as 1m but was \"2h\"",
                        "miniatura.ingest.auth.failures.max-addresses: expected 100..10000000 but was \"99\"");
    }

    @Test
    void theDevKeyIsOneMoreKeyWithEveryScope() {
        AuthSettings s = load(Map.of("miniatura.ingest.auth.dev-key", "dev-key-0123456789"));
        assertThat(s.devKeySet()).isTrue();
        assertThat(s.apiKeys()).singleElement().satisfies(k -> {
            assertThat(k.name()).isEqualTo("dev");
            assertThat(k.scopes()).isEqualTo(Set.of(Scope.values()));
            assertThat(k.sha256()).isEqualTo(AuthSettings.sha256("dev-key-0123456789"));
        });
    }

    @Test
    void withoutAnyCredentialTheServiceRefusesToStart() {
        assertThat(problems(Map.of()))
                .containsExactly(
                        "miniatura.ingest.auth: expected at least one of api-keys, "
                                + "hmac-keys or dev-key (MINIATURA_DEV_API_KEY), since without a credential no write can succeed but was none");
    }

    /** Every mistake at once, each naming its key (as Spring's relaxed binding names it); no secret is echoed. */
    @Test
    void everyProblemIsReportedAtOnceNamingItsKey() {
        assertThat(problems(Map.of(
                        "miniatura.ingest.auth.api-keys.Seller_Hook.sha256", "abc",
                        "miniatura.ingest.auth.api-keys.Seller_Hook.scope", "upload",
                        "miniatura.ingest.auth.hmac-keys.legacy.secret", "short-secret",
                        "miniatura.ingest.auth.hmac-keys.legacy.scopes", "upload,admin",
                        "miniatura.ingest.auth.signature-max-age", "2h",
                        "miniatura.ingest.auth.dev-key", "dev",
                        "miniatura.ingest.rate-limit.requests-per-second", "lots",
                        "miniatura.ingest.rate-limit.burst", "0")))
                .containsExactly(
                        "miniatura.ingest.rate-limit.requests-per-second: expected a number of requests per second, 0.01..100000 but was \"lots\"",
                        "miniatura.ingest.rate-limit.burst: expected 1..100000 but was \"0\"",
                        "miniatura.ingest.auth.signature-max-age: expected a duration from 10s to 1h such as 5m but was \"2h\"",
                        "miniatura.ingest.auth.api-keys.sellerhook.scope: is not a known setting; expected one of [burst, requests-per-second, scopes, sha256]",
                        "miniatura.ingest.auth.api-keys.sellerhook.sha256: expected the SHA-256 of the key in 64 hex digits (printf %s \"$KEY\" | sha256sum) but was \"abc\"",
                        "miniatura.ingest.auth.api-keys.sellerhook.scopes: expected one or more of upload, delete, notify but was not set",
                        "miniatura.ingest.auth.hmac-keys.legacy.secret: expected a shared secret of at least 32 characters but was 12 characters",
                        "miniatura.ingest.auth.hmac-keys.legacy.scopes: expected some of upload, delete, notify but was \"admin\"",
                        "miniatura.ingest.auth.dev-key (MINIATURA_DEV_API_KEY): expected a key of at least 16 characters but was 3 characters");
    }
}
