package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
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

    @Test
    void anAutoQualityChoiceIsWrittenAndReadBackAndAFixedQualityWritesNone() {
        Manifest manifest = Manifest.rendered(
                "lot-1",
                new Manifest.Source("originals", "lot-1", "e", 10L, "image/jpeg", 640, 480, "jpeg"),
                List.of(
                        new Manifest.Variant("c480", "lot-1/c480.jpg", 480, 360, 4000, "image/jpeg", "h1", 71, 0.96512),
                        new Manifest.Variant("s150", "lot-1/s150.jpg", 150, 150, 900, "image/jpeg", "h2")),
                null,
                "ev",
                Instant.parse("2026-12-03T10:00:00Z"));
        String json = new String(ManifestCodec.write(manifest), StandardCharsets.UTF_8);
        assertThat(json).contains("\"quality\" : 71").contains("\"ssim\" : 0.96512");
        assertThat(json.split("\"quality\"", -1))
                .as("only the auto variant has a quality")
                .hasSize(2);
        assertThat(ManifestCodec.read(ManifestCodec.write(manifest))).isEqualTo(manifest);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
