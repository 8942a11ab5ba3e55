package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A deletion is remembered through later states, and tells stale uploads from new ones. */
class ManifestDeletionTest {
    private static final Instant DELETED_AT = Instant.parse("2026-11-23T10:00:00Z");
    private static final Manifest TOMBSTONE = Manifest.deleted("img-1", "d-1", DELETED_AT, DELETED_AT.plusSeconds(2));

    record Upload(String description, Instant time, boolean stale) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Upload> uploads() {
        return Stream.of(
                new Upload("published before the deletion", DELETED_AT.minusMillis(1), true),
                new Upload("published at the same instant", DELETED_AT, true),
                new Upload("published without a time", null, true),
                new Upload("published after the deletion", DELETED_AT.plusMillis(1), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uploads")
    void anUploadIsStaleUnlessPublishedAfterTheDeletion(Upload upload) {
        assertThat(TOMBSTONE.deletedSince(upload.time())).isEqualTo(upload.stale());
    }

    @Test
    void anImageNeverDeletedHasNoStaleUploads() {
        Manifest rendered = Manifest.rendered("img-1", null, List.of(), null, "e-1", DELETED_AT);
        assertThat(rendered.deletedSince(null)).isFalse();
        assertThat(rendered.deletedSince(Instant.EPOCH)).isFalse();
    }

    @Test
    void laterStatesCarryTheDeletionTimeThroughTheCodec() {
        Manifest pending = Manifest.pending("img-1", null, "e-2", DELETED_AT.plusSeconds(60))
                .carryingDeletion(TOMBSTONE);
        Manifest rendered = Manifest.rendered("img-1", null, List.of(), "LKO2", "e-2", DELETED_AT.plusSeconds(61))
                .carryingDeletion(ManifestCodec.read(ManifestCodec.write(pending)));
        assertThat(rendered.deletedAt()).isEqualTo(DELETED_AT);
        assertThat(rendered.status()).isEqualTo("rendered");
        assertThat(ManifestCodec.read(ManifestCodec.write(rendered))).isEqualTo(rendered);
    }

    @Test
    void aNewerDeletionIsNotPushedBackByAnOlderOne() {
        Instant later = DELETED_AT.plusSeconds(3600);
        Manifest again = Manifest.deleted("img-1", "d-2", later, later).carryingDeletion(TOMBSTONE);
        assertThat(again.deletedAt()).isEqualTo(later);
        assertThat(Manifest.failed("img-1", null, "r", null, later)
                        .carryingDeletion(null)
                        .deletedAt())
                .isNull();
    }

    @Test
    void theTombstoneKeepsNothingButWhenTheImageWasDeleted() {
        assertThat(new String(ManifestCodec.write(TOMBSTONE), StandardCharsets.UTF_8))
                .doesNotContain("source", "variants\" : [ {", "blurhash", "reason")
                .contains("\"status\" : \"deleted\"", "\"deletedAt\" : \"2026-11-23T10:00:00Z\"");
    }
}
