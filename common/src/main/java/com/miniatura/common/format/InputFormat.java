package com.miniatura.common.format;

import java.util.Arrays;
import java.util.Optional;

/**
 * The source formats Miniatura accepts: what the worker decodes is exactly what the API takes in. Recognised
 * by {@link FormatSniffer} from a file's bytes, never from its name or a client's Content-Type.
 */
public enum InputFormat {
    JPEG("jpeg", "jpg", "image/jpeg"),
    PNG("png", "png", "image/png"),
    GIF("gif", "gif", "image/gif"),
    WEBP("webp", "webp", "image/webp"),
    BMP("bmp", "bmp", "image/bmp"),
    TIFF("tiff", "tif", "image/tiff");

    /** What we accept, in the words a seller reads in a refusal. */
    public static final String ACCEPTED = "we accept JPEG, PNG, GIF, WebP, BMP and TIFF";

    private final String id;
    private final String extension;
    private final String contentType;

    InputFormat(String id, String extension, String contentType) {
        this.id = id;
        this.extension = extension;
        this.contentType = contentType;
    }

    /** The lower-case name the worker reports a source's format by ({@code jpeg}, {@code tiff}, ...). */
    public String id() {
        return id;
    }

    /** The extension an original is stored under. */
    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    /** The format whose content type is {@code contentType}, ignoring case. */
    public static Optional<InputFormat> ofContentType(String contentType) {
        return Arrays.stream(values())
                .filter(f -> f.contentType.equalsIgnoreCase(contentType))
                .findFirst();
    }
}
