package com.miniatura.common.storage;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A presigned S3 {@code PUT} URL (AWS Signature Version 4, query-string form, path-style) whose signature also
 * covers chosen headers: the client must send exactly those values, so the storage server itself refuses an
 * object of another size ({@code Content-Length}) or type ({@code Content-Type}), or without its imageId
 * ({@code x-amz-meta-image-id}). The SDK's presigner signs only {@code Host}, hence this small function.
 *
 * <pre>
 * URI url = PresignedPut.url(URI.create("https://s3.example.com"), "us-east-1", accessKey, secretKey,
 *         "originals", "lot-1.jpg", Map.of("Content-Type", "image/jpeg", "Content-Length", "48213"),
 *         Duration.ofMinutes(15), Instant.now());
 * </pre>
 * Spec: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
public final class PresignedPut {
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private PresignedPut() {}

    /**
     * @param endpoint the S3 endpoint as the client reaches it ({@code Host} is signed, so not an internal name)
     * @param headers  headers the client must send with exactly these values; names are case-insensitive
     * @param expiry   1 s .. 7 days, S3's bounds
     */
    public static URI url(
            URI endpoint,
            String region,
            String accessKey,
            String secretKey,
            String bucket,
            String key,
            Map<String, String> headers,
            Duration expiry,
            Instant now) {
        return presign("PUT", endpoint, region, accessKey, secretKey, bucket, key, headers, expiry, now);
    }

    /** Any method; {@code bucket} null when {@code endpoint} already names it (virtual-hosted style). */
    static URI presign(
            String method,
            URI endpoint,
            String region,
            String accessKey,
            String secretKey,
            String bucket,
            String key,
            Map<String, String> headers,
            Duration expiry,
            Instant now) {
        if (expiry.toSeconds() < 1 || expiry.toSeconds() > Duration.ofDays(7).toSeconds()) {
            throw new IllegalArgumentException("expiry must be 1 s to 7 days but was " + expiry);
        }
        String host =
                endpoint.getHost() + (endpoint.getPort() < 0 || defaultPort(endpoint) ? "" : ":" + endpoint.getPort());
        String basePath =
                endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
        String path = basePath + (bucket == null ? "" : "/" + encode(bucket, false)) + "/" + encode(key, true);
        String amzDate = AMZ_DATE.format(now);
        String scope = amzDate.substring(0, 8) + "/" + region + "/s3/aws4_request";

        TreeMap<String, String> signed = new TreeMap<>();
        headers.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), value.trim()));
        signed.put("host", host);
        String signedHeaders = String.join(";", signed.keySet());

        TreeMap<String, String> query = new TreeMap<>();
        query.put("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
        query.put("X-Amz-Credential", accessKey + "/" + scope);
        query.put("X-Amz-Date", amzDate);
        query.put("X-Amz-Expires", Long.toString(expiry.toSeconds()));
        query.put("X-Amz-SignedHeaders", signedHeaders);
        String canonicalQuery = query.entrySet().stream()
                .map(e -> encode(e.getKey(), false) + "=" + encode(e.getValue(), false))
                .collect(Collectors.joining("&"));

        String canonicalRequest = method + "\n" + path + "\n" + canonicalQuery + "\n"
                + signed.entrySet().stream()
                        .map(e -> e.getKey() + ":" + e.getValue() + "\n")
                        .collect(Collectors.joining())
                + "\n" + signedHeaders + "\nUNSIGNED-PAYLOAD";
        String stringToSign =
                "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + HEX.formatHex(sha256(canonicalRequest));
        byte[] signingKey = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), amzDate.substring(0, 8));
        signingKey = hmac(signingKey, region);
        signingKey = hmac(signingKey, "s3");
        signingKey = hmac(signingKey, "aws4_request");
        String signature = HEX.formatHex(hmac(signingKey, stringToSign));

        String origin = endpoint.getScheme() + "://" + host;
        return URI.create(origin + path + "?" + canonicalQuery + "&X-Amz-Signature=" + signature);
    }

    private static boolean defaultPort(URI endpoint) {
        return (endpoint.getScheme().equals("http") && endpoint.getPort() == 80)
                || (endpoint.getScheme().equals("https") && endpoint.getPort() == 443);
    }

    /** S3's URI encoding: every byte but the unreserved characters, and {@code /} too unless in a key's path. */
    static String encode(String value, boolean keepSlash) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || (keepSlash && c == '/')) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
