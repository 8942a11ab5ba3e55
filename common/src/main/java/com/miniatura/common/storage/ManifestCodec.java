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

    public static Manifest read(byte[] json) {
        return JSON.readValue(json, Manifest.class);
    }
}
