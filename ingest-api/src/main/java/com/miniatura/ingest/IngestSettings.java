package com.miniatura.ingest;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.ConfigurationSection;
import com.miniatura.common.config.Problems;
import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.unit.DataSize;

/**
 * The ingest API's own settings, {@code miniatura.ingest.*}.
 *
 * @param source         {@code ce_source} of published events
 * @param maxBatch       most events in one {@code POST /v1/events}
 * @param maxBodyBytes   largest JSON body read
 * @param maxUploadBytes largest original accepted by {@code POST /v1/images}
 * @param maxConcurrentUploads uploads ({@code POST /v1/images}) this process takes at once; beyond, {@code 503}
 * @param publishTimeout how long to wait for Kafka's acknowledgement before answering 503
 * @param retryAfter     {@code Retry-After} sent with 503
 * @param thumbnailsUrl  where browsers fetch the thumbnails bucket's objects (the CDN in production), for the
 *                       image page {@code GET /images/{imageId}}
 */
public record IngestSettings(
        String source,
        int maxBatch,
        long maxBodyBytes,
        long maxUploadBytes,
        Duration publishTimeout,
        Duration retryAfter,
        String thumbnailsUrl,
        int maxConcurrentUploads) {

    public static final String PREFIX = "miniatura.ingest";
    public static final String DEFAULT_THUMBNAILS_URL = "http://localhost:9000/thumbnails";

    public static final int DEFAULT_MAX_CONCURRENT_UPLOADS = 8;

    /** Settings with the standalone's thumbnails address and the default number of uploads at once. */
    public IngestSettings(
            String source,
            int maxBatch,
            long maxBodyBytes,
            long maxUploadBytes,
            Duration publishTimeout,
            Duration retryAfter) {
        this(
                source,
                maxBatch,
                maxBodyBytes,
                maxUploadBytes,
                publishTimeout,
                retryAfter,
                DEFAULT_THUMBNAILS_URL,
                DEFAULT_MAX_CONCURRENT_UPLOADS);
    }

    public static IngestSettings load(ConfigurableEnvironment environment, Problems problems) {
        ConfigurationSection raw = new ConfigurationReader(environment).readFlat(PREFIX);
        String source = raw.get("source");
        if (source == null || source.isBlank()) {
            problems.expected(PREFIX + ".source", "a URI reference such as /miniatura/ingest-api", "not set");
        }
        int maxBatch = 0;
        try {
            maxBatch = Integer.parseInt(raw.getOrDefault("max-batch", "").trim());
        } catch (NumberFormatException e) {
            maxBatch = -1;
        }
        if (maxBatch < 1 || maxBatch > 10_000) {
            problems.expected(PREFIX + ".max-batch", "1..10000", Problems.show(raw.get("max-batch")));
        }
        String thumbnailsUrl =
                raw.getOrDefault("thumbnails-url", DEFAULT_THUMBNAILS_URL).trim();
        if (!thumbnailsUrl.matches("https?://[^\\s\"'<>]+")) {
            problems.expected(
                    PREFIX + ".thumbnails-url",
                    "an http(s) URL such as https://cdn.example.com/thumbnails",
                    Problems.show(thumbnailsUrl));
        }
        int maxConcurrentUploads = problems.parse(
                        PREFIX + ".max-concurrent-uploads",
                        raw.get("max-concurrent-uploads"),
                        "1..1000",
                        Integer::parseInt,
                        n -> n >= 1 && n <= 1000)
                .orElse(1);
        return new IngestSettings(
                source,
                maxBatch,
                size(raw, "max-body-size", problems),
                size(raw, "max-upload-size", problems),
                duration(raw, "publish-timeout", problems),
                duration(raw, "retry-after", problems),
                thumbnailsUrl.replaceAll("/+$", ""),
                maxConcurrentUploads);
    }

    private static long size(ConfigurationSection raw, String key, Problems problems) {
        String value = raw.get(key);
        try {
            long bytes = DataSize.parse(value.trim()).toBytes();
            if (bytes > 0) {
                return bytes;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        problems.expected(PREFIX + "." + key, "a positive size such as 50MB", Problems.show(value));
        return 1;
    }

    private static Duration duration(ConfigurationSection raw, String key, Problems problems) {
        String value = raw.get(key);
        try {
            Duration d = DurationStyle.detectAndParse(value.trim());
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        problems.expected(PREFIX + "." + key, "a positive duration such as 10s", Problems.show(value));
        return Duration.ofSeconds(1);
    }
}
