package com.miniatura.ingest.auth;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.ConfigurationSection;
import com.miniatura.common.config.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Who may write, {@code miniatura.ingest.auth.*}, and how fast, {@code miniatura.ingest.rate-limit.*}.
 *
 * <pre>
 * miniatura.ingest.auth:
 *   api-keys:                  # Authorization: Bearer &lt;key&gt;; only the key's SHA-256 is configured
 *     seller-hook: {sha256: 9f86d0…, scopes: upload,delete}
 *     minio:       {sha256: 60303a…, scopes: notify, requests-per-second: 500}
 *   hmac-keys:                 # X-Miniatura-Signature; the shared secret itself (keep it in a Secret)
 *     legacy-hook: {secret: "…32+ characters…", scopes: upload}
 *   signature-max-age: 5m      # replay window
 *   max-unverified-bodies: 16  # signed bodies read at once before their signature is checked
 *   failures:                  # failed authentications per client address
 *     per-address: 20          # within the window; beyond, 429 until the window frees a slot
 *     window: 1m
 *     max-addresses: 100000    # addresses remembered at once
 *   dev-key: ${MINIATURA_DEV_API_KEY:}
 * </pre>
 *
 * Several keys may be active at once, so a key is rotated by adding the new one, moving clients, then removing
 * the old one.
 *
 * @param apiKeys         bearer keys, the dev key included
 * @param hmacKeys        signing keys
 * @param signatureMaxAge how far a signature's timestamp may be from the server's clock, and how long a used
 *                        signature is remembered to refuse its replay
 * @param devKeySet       whether {@code MINIATURA_DEV_API_KEY} added a key (logged as a warning)
 * @param rateLimit       the default limit of each key
 * @param maxUnverifiedBodies how many signed requests may have their body read at once before their signature is
 *                        checked (beyond, {@code 503}): what anyone who can reach the API may make it hold
 * @param failures        how many failed authentications a client address may make
 */
public record AuthSettings(
        List<ApiKey> apiKeys,
        List<HmacKey> hmacKeys,
        Duration signatureMaxAge,
        boolean devKeySet,
        RateLimit rateLimit,
        int maxUnverifiedBodies,
        FailureLimit failures) {

    public static final String PREFIX = "miniatura.ingest";
    /** The name the dev key goes by in logs and problems. */
    public static final String DEV_KEY_NAME = "dev";

    static final int MIN_SECRET_LENGTH = 32;
    static final int MIN_DEV_KEY_LENGTH = 16;
    /** The settings of an API key and of a signing key, besides {@link #LIST_KEYS}, as the binder reads them. */
    private static final Set<String> API_KEY_KEYS = Set.of("sha256", "requests-per-second", "burst");

    private static final Set<String> HMAC_KEY_KEYS = Set.of("secret", "requests-per-second", "burst");
    /** {@code scopes: upload,delete} or a YAML list. */
    private static final Set<String> LIST_KEYS = Set.of("scopes");

    /** A bearer key, known by the SHA-256 of its text: the configuration never holds the key itself. */
    public record ApiKey(String name, byte[] sha256, Set<Scope> scopes, RateLimit rateLimit) {}

    /** A shared secret for HMAC-SHA256 signatures, looked up by {@code X-Miniatura-Key-Id}. */
    public record HmacKey(String id, byte[] secret, Set<Scope> scopes, RateLimit rateLimit) {}

    /** A token bucket: {@code requestsPerSecond} on average, {@code burst} at once. */
    public record RateLimit(double requestsPerSecond, int burst) {}

    /**
     * Failed authentications per client address ({@link FailedAuthentications}).
     *
     * @param perAddress   failures an address may make within {@code window}
     * @param window       the window, whole seconds
     * @param maxAddresses addresses remembered at once
     */
    public record FailureLimit(int perAddress, Duration window, int maxAddresses) {}

    public AuthSettings {
        apiKeys = List.copyOf(apiKeys);
        hmacKeys = List.copyOf(hmacKeys);
    }

    public static AuthSettings load(ConfigurableEnvironment environment, Problems problems) {
        ConfigurationReader reader = new ConfigurationReader(environment);
        ConfigurationSection auth = reader.readFlat(PREFIX + ".auth");
        ConfigurationSection limits = reader.readFlat(PREFIX + ".rate-limit");
        RateLimit defaults = new RateLimit(
                problems.parse(
                                PREFIX + ".rate-limit.requests-per-second",
                                limits.get("requests-per-second"),
                                "a number of requests per second, 0.01..100000",
                                Double::parseDouble,
                                r -> r >= 0.01 && r <= 100_000)
                        .orElse(1.0),
                problems.parse(
                                PREFIX + ".rate-limit.burst",
                                limits.get("burst"),
                                "1..100000",
                                Integer::parseInt,
                                b -> b >= 1 && b <= 100_000)
                        .orElse(1));
        Duration maxAge = problems.parse(
                        PREFIX + ".auth.signature-max-age",
                        auth.get("signature-max-age"),
                        "a duration from 10s to 1h such as 5m",
                        DurationStyle::detectAndParse,
                        d -> d.compareTo(Duration.ofSeconds(10)) >= 0 && d.compareTo(Duration.ofHours(1)) <= 0)
                .orElse(Duration.ofMinutes(5));
        int maxUnverified = problems.parse(
                        PREFIX + ".auth.max-unverified-bodies",
                        auth.get("max-unverified-bodies"),
                        "1..10000",
                        Integer::parseInt,
                        n -> n >= 1 && n <= 10_000)
                .orElse(1);
        FailureLimit failures = new FailureLimit(
                problems.parse(
                                PREFIX + ".auth.failures.per-address",
                                auth.get("failures.per-address"),
                                "1..1000000",
                                Integer::parseInt,
                                n -> n >= 1 && n <= 1_000_000)
                        .orElse(1),
                problems.parse(
                                PREFIX + ".auth.failures.window",
                                auth.get("failures.window"),
                                "a whole number of seconds from 1s to 1h such as 1m",
                                DurationStyle::detectAndParse,
                                d -> d.compareTo(Duration.ofSeconds(1)) >= 0
                                        && d.compareTo(Duration.ofHours(1)) <= 0
                                        && d.getNano() == 0)
                        .orElse(Duration.ofMinutes(1)),
                problems.parse(
                                PREFIX + ".auth.failures.max-addresses",
                                auth.get("failures.max-addresses"),
                                "100..10000000",
                                Integer::parseInt,
                                n -> n >= 100 && n <= 10_000_000)
                        .orElse(100));

        List<ApiKey> apiKeys = new ArrayList<>();
        new TreeMap<>(reader.readGroups(PREFIX + ".auth.api-keys", API_KEY_KEYS, LIST_KEYS, problems))
                .forEach((name, entry) -> {
                    String key = PREFIX + ".auth.api-keys." + name;
                    checkName(key, name, problems);
                    unknown(key, entry, Set.of("sha256", "scopes", "requests-per-second", "burst"), problems);
                    String hash = entry.get("sha256");
                    byte[] sha256 = null;
                    if (hash == null || !hash.trim().matches("[0-9a-fA-F]{64}")) {
                        problems.expected(
                                key + ".sha256",
                                "the SHA-256 of the key in 64 hex digits (printf %s \"$KEY\" | sha256sum)",
                                Problems.show(hash));
                    } else {
                        sha256 = HexFormat.of().parseHex(hash.trim().toLowerCase());
                    }
                    Set<Scope> scopes = scopes(key, entry, problems);
                    RateLimit limit = rateLimit(key, entry, defaults, problems);
                    if (sha256 != null) {
                        apiKeys.add(new ApiKey(name, sha256, scopes, limit));
                    }
                });

        List<HmacKey> hmacKeys = new ArrayList<>();
        new TreeMap<>(reader.readGroups(PREFIX + ".auth.hmac-keys", HMAC_KEY_KEYS, LIST_KEYS, problems))
                .forEach((id, entry) -> {
                    String key = PREFIX + ".auth.hmac-keys." + id;
                    checkName(key, id, problems);
                    unknown(key, entry, Set.of("secret", "scopes", "requests-per-second", "burst"), problems);
                    String secret = entry.get("secret");
                    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
                        // never echo a secret, not even a short one
                        problems.expected(
                                key + ".secret",
                                "a shared secret of at least " + MIN_SECRET_LENGTH + " characters",
                                secret == null ? "not set" : secret.length() + " characters");
                    }
                    Set<Scope> scopes = scopes(key, entry, problems);
                    RateLimit limit = rateLimit(key, entry, defaults, problems);
                    if (secret != null) {
                        hmacKeys.add(new HmacKey(id, secret.getBytes(StandardCharsets.UTF_8), scopes, limit));
                    }
                });

        String dev = auth.getOrDefault("dev-key", "").trim();
        if (!dev.isEmpty()) {
            if (dev.length() < MIN_DEV_KEY_LENGTH) {
                problems.expected(
                        PREFIX + ".auth.dev-key (MINIATURA_DEV_API_KEY)",
                        "a key of at least " + MIN_DEV_KEY_LENGTH + " characters",
                        dev.length() + " characters");
            } else if (apiKeys.stream().anyMatch(k -> k.name().equals(DEV_KEY_NAME))) {
                problems.add(
                        PREFIX + ".auth.api-keys." + DEV_KEY_NAME,
                        "the name \"dev\" is taken by MINIATURA_DEV_API_KEY; choose another");
            } else {
                apiKeys.add(new ApiKey(DEV_KEY_NAME, sha256(dev), EnumSet.allOf(Scope.class), defaults));
            }
        }
        if (apiKeys.isEmpty() && hmacKeys.isEmpty() && problems.isEmpty()) {
            problems.expected(
                    PREFIX + ".auth",
                    "at least one of api-keys, hmac-keys or dev-key (MINIATURA_DEV_API_KEY),"
                            + " since without a credential no write can succeed",
                    "none");
        }
        return new AuthSettings(apiKeys, hmacKeys, maxAge, !dev.isEmpty(), defaults, maxUnverified, failures);
    }

    /** The SHA-256 of a key's UTF-8 text, as configured in {@code api-keys.<name>.sha256}. */
    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void checkName(String key, String name, Problems problems) {
        if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            problems.expected(key, "a key name of lowercase letters, digits and dashes", Problems.show(name));
        }
    }

    private static void unknown(String key, Map<String, String> entry, Set<String> known, Problems problems) {
        entry.keySet().stream()
                .map(k -> k.replaceAll("\\[\\d+]$", ""))
                .distinct()
                .filter(k -> !known.contains(k))
                .forEach(k -> problems.add(
                        key + "." + k,
                        "is not a known setting; expected one of "
                                + known.stream().sorted().toList()));
    }

    /** {@code scopes: upload,delete} or a YAML list. */
    private static Set<Scope> scopes(String key, Map<String, String> entry, Problems problems) {
        List<String> labels = new ArrayList<>();
        entry.forEach((k, v) -> {
            if (k.equals("scopes") || k.matches("scopes\\[\\d+]")) {
                for (String label : v.split(",")) {
                    if (!label.isBlank()) {
                        labels.add(label.trim());
                    }
                }
            }
        });
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String label : labels) {
            Scope.of(label)
                    .ifPresentOrElse(
                            scopes::add,
                            () -> problems.expected(key + ".scopes", "some of " + Scope.names(), Problems.show(label)));
        }
        if (labels.isEmpty()) {
            problems.expected(key + ".scopes", "one or more of " + Scope.names(), "not set");
        }
        return scopes;
    }

    private static RateLimit rateLimit(String key, Map<String, String> entry, RateLimit defaults, Problems problems) {
        double rate = entry.containsKey("requests-per-second")
                ? problems.parse(
                                key + ".requests-per-second",
                                entry.get("requests-per-second"),
                                "a number of requests per second, 0.01..100000",
                                Double::parseDouble,
                                r -> r >= 0.01 && r <= 100_000)
                        .orElse(defaults.requestsPerSecond())
                : defaults.requestsPerSecond();
        int burst = entry.containsKey("burst")
                ? problems.parse(
                                key + ".burst",
                                entry.get("burst"),
                                "1..100000",
                                Integer::parseInt,
                                b -> b >= 1 && b <= 100_000)
                        .orElse(defaults.burst())
                : defaults.burst();
        return new RateLimit(rate, burst);
    }
}
