package com.miniatura.common.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON form of {@link Manifest}: absent fields left out, unknown fields ignored (newer writers). */
public final class ManifestCodec {
    private static final JsonMapper JSON = JsonMapper.builder()
            .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ManifestCodec() {}

    public static byte[] write(Manifest manifest) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
    }

    /**
     * The manifest in {@code json}. Manifests come from a bucket that can hold anything: a document that is not a
     * manifest (not an object, {@code null}, or without a {@code status}) is refused like malformed JSON, with a
     * {@link tools.jackson.core.JacksonException}, which every caller treats as an unreadable manifest.
     */
    public static Manifest read(byte[] json) {
        Manifest manifest = JSON.readValue(json, Manifest.class);
        if (manifest == null || manifest.status() == null || manifest.status().isBlank()) {
            throw tools.jackson.databind.exc.MismatchedInputException.from(
                    null,
                    Manifest.class,
                    manifest == null ? "a manifest must be a JSON object, not null" : "a manifest must have a status");
        }
        return manifest;
    }
}
