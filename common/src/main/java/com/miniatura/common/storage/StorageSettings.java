package com.miniatura.common.storage;

import com.miniatura.common.config.ConfigurationSection;
import com.miniatura.common.config.Problems;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to reach object storage, from {@code miniatura.storage.*} (defaults in {@code miniatura/defaults.yml}).
 *
 * @param endpoint         S3 endpoint URL, e.g. {@code http://localhost:9000}
 * @param region           region sent in signatures
 * @param accessKey        access key id
 * @param secretKey        secret key (never logged)
 * @param originalsBucket  bucket of uploaded originals
 * @param thumbnailsBucket bucket of rendered variants, served by the CDN: public, and nothing else lives there
 * @param metadataBucket   private bucket of what is about images rather than for buyers: manifests (status, source,
 *                         failure reasons) and re-render checkpoints; never served by the CDN
 * @param cacheControl     {@code Cache-Control} written on every variant
 * @param createBuckets    create missing buckets at startup (standalone, dev); off in production
 * @param extraSourceBuckets buckets besides the originals bucket whose objects an event may name as its original
 *                         ({@code miniatura.storage.extra-source-buckets}); no other bucket is ever read
 */
public record StorageSettings(
        String endpoint,
        String region,
        String accessKey,
        String secretKey,
        String originalsBucket,
        String thumbnailsBucket,
        String metadataBucket,
        String cacheControl,
        boolean createBuckets,
        List<String> extraSourceBuckets) {

    public static final String PREFIX = "miniatura.storage";
    /** The metadata bucket of the convenience constructors (the default of {@code metadata-bucket}). */
    public static final String DEFAULT_METADATA_BUCKET = "metadata";

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public StorageSettings {
        extraSourceBuckets = extraSourceBuckets == null ? List.of() : List.copyOf(extraSourceBuckets);
    }

    /** Settings whose only source of originals is the originals bucket, with the default metadata bucket. */
    public StorageSettings(
            String endpoint,
            String region,
            String accessKey,
            String secretKey,
            String originalsBucket,
            String thumbnailsBucket,
            String cacheControl,
            boolean createBuckets) {
        this(
                endpoint,
                region,
                accessKey,
                secretKey,
                originalsBucket,
                thumbnailsBucket,
                cacheControl,
                createBuckets,
                List.of());
    }

    /** Settings with the default metadata bucket. */
    public StorageSettings(
            String endpoint,
            String region,
            String accessKey,
            String secretKey,
            String originalsBucket,
            String thumbnailsBucket,
            String cacheControl,
            boolean createBuckets,
            List<String> extraSourceBuckets) {
        this(
                endpoint,
                region,
                accessKey,
                secretKey,
                originalsBucket,
                thumbnailsBucket,
                DEFAULT_METADATA_BUCKET,
                cacheControl,
                createBuckets,
                extraSourceBuckets);
    }

    /** The buckets an event may name as its original's: the originals bucket, then the extra ones. */
    public Set<String> sourceBuckets() {
        Set<String> buckets = new LinkedHashSet<>();
        buckets.add(originalsBucket);
        buckets.addAll(extraSourceBuckets);
        return buckets;
    }

    /** Whether an event may name an original in {@code bucket}. */
    public boolean isSourceBucket(String bucket) {
        return bucket != null && (bucket.equals(originalsBucket) || extraSourceBuckets.contains(bucket));
    }

    /** As {@link #from(ConfigurationSection, Problems)}, from relative keys such as {@code access-key}: for tests and tools. */
    public static StorageSettings from(Map<String, String> raw, Problems problems) {
        return from(ConfigurationSection.of(PREFIX, raw), problems);
    }

    /** Validates {@code miniatura.storage.*} (relative keys), adding a problem per bad key. */
    public static StorageSettings from(ConfigurationSection raw, Problems problems) {
        String endpoint = required(raw, "endpoint", problems);
        if (endpoint != null) {
            try {
                URI uri = URI.create(endpoint);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    problems.expected(
                            PREFIX + ".endpoint",
                            "an http(s) URL such as http://localhost:9000",
                            Problems.show(endpoint));
                }
            } catch (IllegalArgumentException e) {
                problems.expected(
                        PREFIX + ".endpoint", "an http(s) URL such as http://localhost:9000", Problems.show(endpoint));
            }
        }
        String originals = bucket(raw, "originals-bucket", problems);
        String thumbnails = bucket(raw, "thumbnails-bucket", problems);
        String metadata = bucket(raw, "metadata-bucket", problems);
        if (metadata != null && (metadata.equals(thumbnails) || metadata.equals(originals))) {
            problems.add(
                    PREFIX + ".metadata-bucket",
                    "must be a bucket of its own, not the "
                            + (metadata.equals(thumbnails)
                                    ? "thumbnails bucket (anyone can read it)"
                                    : "originals bucket")
                            + " " + metadata);
        }
        String create = raw.getOrDefault("create-buckets", "false").trim();
        if (!create.equals("true") && !create.equals("false")) {
            problems.expected(PREFIX + ".create-buckets", "true or false", Problems.show(create));
        }
        return new StorageSettings(
                endpoint,
                raw.getOrDefault("region", "us-east-1"),
                required(raw, "access-key", problems),
                required(raw, "secret-key", problems),
                originals,
                thumbnails,
                metadata,
                required(raw, "cache-control", problems),
                create.equals("true"),
                extraSourceBuckets(raw, thumbnails, metadata, problems));
    }

    /**
     * {@code extra-source-buckets: a,b} or a YAML list. The thumbnails bucket cannot be one: it holds what the workers
     * write and is served to anyone; nor can the metadata bucket, which holds what Miniatura writes about images.
     */
    private static List<String> extraSourceBuckets(
            ConfigurationSection raw, String thumbnails, String metadata, Problems problems) {
        String key = PREFIX + ".extra-source-buckets";
        List<String> buckets = new ArrayList<>();
        for (String value : raw.getList("extra-source-buckets")) {
            for (String bucket : value.split(",")) {
                String trimmed = bucket.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (!BUCKET.matcher(trimmed).matches()) {
                    problems.expected(
                            key,
                            "bucket names of 3-63 lower-case letters, digits, dots and dashes",
                            Problems.show(trimmed));
                } else if (trimmed.equals(thumbnails)) {
                    problems.add(
                            key,
                            "must not name the thumbnails bucket " + thumbnails
                                    + " (it holds what the workers write, and anyone can read it)");
                } else if (trimmed.equals(metadata)) {
                    problems.add(
                            key,
                            "must not name the metadata bucket " + metadata
                                    + " (it holds the manifests and checkpoints Miniatura writes)");
                } else if (!buckets.contains(trimmed)) {
                    buckets.add(trimmed);
                }
            }
        }
        return buckets;
    }

    private static String bucket(ConfigurationSection raw, String key, Problems problems) {
        String value = required(raw, key, problems);
        if (value != null && !BUCKET.matcher(value).matches()) {
            problems.expected(
                    PREFIX + "." + key,
                    "a bucket name of 3-63 lower-case letters, digits, dots and dashes",
                    Problems.show(value));
        }
        return value;
    }

    private static String required(ConfigurationSection raw, String key, Problems problems) {
        String value = raw.get(key);
        if (value == null || value.isBlank()) {
            problems.expected(PREFIX + "." + key, "a value", "not set");
            return null;
        }
        return value.trim();
    }

    @Override
    public String toString() {
        return "StorageSettings[endpoint=" + endpoint + ", region=" + region + ", accessKey=" + accessKey
                + ", secretKey=***, originalsBucket=" + originalsBucket + ", thumbnailsBucket=" + thumbnailsBucket
                + ", metadataBucket=" + metadataBucket + ", cacheControl=" + cacheControl + ", createBuckets="
                + createBuckets
                + ", extraSourceBuckets=" + extraSourceBuckets + "]";
    }
}
