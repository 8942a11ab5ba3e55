package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

/**
 * Regression tests for what fuzzing {@link ManifestCodec#read} found (docs/fuzzing.md, ManifestCodecFuzzTest): a
 * document that is not a usable manifest must fail as one that does not parse (a {@link JacksonException}, which
 * every caller that must survive a bad manifest catches), not come back as something the callers trip over.
 */
class ManifestCodecTest {

    @Test
    void theJsonNullDocumentIsRefusedNotReadAsNull() {
        assertThatThrownBy(() -> ManifestCodec.read(bytes("null"))).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> ManifestCodec.read(bytes("  null\n"))).isInstanceOf(JacksonException.class);
    }

    @Test
    void aManifestWithoutAStatusIsRefused() {
        assertThatThrownBy(() -> ManifestCodec.read(bytes("{}"))).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> ManifestCodec.read(bytes("{\"schema\":1,\"imageId\":\"lot-1\",\"status\":null}")))
                .isInstanceOf(JacksonException.class);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
