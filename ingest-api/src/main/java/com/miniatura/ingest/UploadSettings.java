package com.miniatura.ingest;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.ConfigurationSection;
import com.miniatura.common.config.Problems;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Presigned uploads, {@code miniatura.ingest.uploads.*}.
 *
 * @param endpoint the S3 endpoint as clients reach it, which the presigned URL names (its host is signed); null:
 *                 {@code miniatura.storage.endpoint}, right when clients and the API see storage at one address
 * @param expiry   how long a presigned URL stays valid
 */
public record UploadSettings(URI endpoint, Duration expiry) {
    public static final String PREFIX = "miniatura.ingest.uploads";

    public static UploadSettings load(ConfigurableEnvironment environment, Problems problems) {
        ConfigurationSection raw = new ConfigurationReader(environment).readFlat(PREFIX);
        String endpoint = raw.getOrDefault("endpoint", "").trim();
        URI uri = null;
        if (!endpoint.isEmpty()) {
            uri = problems.parse(
                            PREFIX + ".endpoint",
                            endpoint,
                            "an http(s) URL such as https://s3.example.com",
                            URI::create,
                            u -> ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                                    && u.getHost() != null
                                    && u.getRawQuery() == null)
                    .orElse(null);
        }
        Duration expiry = problems.parse(
                        PREFIX + ".expiry",
                        raw.get("expiry"),
                        "a duration from 1m to 7d such as 15m",
                        DurationStyle::detectAndParse,
                        d -> d.compareTo(Duration.ofMinutes(1)) >= 0 && d.compareTo(Duration.ofDays(7)) <= 0)
                .orElse(Duration.ofMinutes(15));
        return new UploadSettings(uri, expiry);
    }
}
