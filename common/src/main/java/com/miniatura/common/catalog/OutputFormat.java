package com.miniatura.common.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Encodings a variant can be written in, with the file extension and content type each gets in storage. */
public enum OutputFormat {
    JPEG("jpg", "image/jpeg", false),
    PNG("png", "image/png", true),
    /** Lossy (with {@code quality}) or lossless (with {@code lossless: true}); keeps alpha. */
    WEBP("webp", "image/webp", true),
    /**
     * Lossy AV1 (with {@code quality} on libavif's and sharp's scale), opaque: needs libavif on the worker, and is
     * slow to encode, so a variant opts in (usually as a twin, {@code formats: [jpeg, avif]}).
     */
    AVIF("avif", "image/avif", false);

    private final String extension;
    private final String contentType;
    private final boolean supportsAlpha;

    OutputFormat(String extension, String contentType, boolean supportsAlpha) {
        this.extension = extension;
        this.contentType = contentType;
        this.supportsAlpha = supportsAlpha;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    public boolean supportsAlpha() {
        return supportsAlpha;
    }

    public static Optional<OutputFormat> parse(String value) {
        return Arrays.stream(values()).filter(f -> f.configName().equals(value)).findFirst();
    }
}
