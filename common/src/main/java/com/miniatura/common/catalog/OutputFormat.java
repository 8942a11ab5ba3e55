package com.miniatura.common.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Encodings a variant can be written in, with the file extension and content type each gets in storage. */
public enum OutputFormat {
    JPEG("jpg", "image/jpeg", false),
    PNG("png", "image/png", true),
    /** Lossy (with {@code quality}) or lossless (with {@code lossless: true}); keeps alpha. */
    WEBP("webp", "image/webp", true);

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
