package com.miniatura.ingest.auth;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a credential may do. A seller hook gets {@code upload} (and {@code delete} if it erases images); MinIO's
 * webhook target gets only {@code notify}, so a leaked MinIO token cannot push arbitrary events.
 */
public enum Scope {
    /** {@code POST /v1/images}, {@code POST /v1/events}, {@code POST /v1/uploads}. */
    UPLOAD("upload"),
    /** {@code DELETE /v1/images/{imageId}}. */
    DELETE("delete"),
    /** {@code POST /v1/notifications/minio}. */
    NOTIFY("notify");

    public final String label;

    Scope(String label) {
        this.label = label;
    }

    public static Optional<Scope> of(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst();
    }

    static String names() {
        return Arrays.stream(values()).map(s -> s.label).collect(Collectors.joining(", "));
    }
}
