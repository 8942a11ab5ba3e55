package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A render in progress is recorded in the manifest, and every state the worker or ingest writes next ends it. */
class ManifestAttemptTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Manifest.Attempt ATTEMPT =
            new Manifest.Attempt("ev-1", 2, "5f0c6c1e-8d1b-4c3e-9a57-2b7f4c1d9e60", T0.plusSeconds(5));

    @Test
    void theAttemptIsWrittenAsOneObjectAndReadBack() {
        Manifest pending = Manifest.pending(
                        "img-1", Manifest.Source.of("originals", "img-1.jpg", null, null, null), "ev-1", T0)
                .withAttempt(ATTEMPT);
        String json = new String(ManifestCodec.write(pending), StandardCharsets.UTF_8);
        assertThat(json.replaceAll("\\s+", ""))
                .contains("\"status\":\"pending\"")
                .endsWith(
                        "\"attempt\":{\"eventId\":\"ev-1\",\"unfinished\":2,\"worker\":\"5f0c6c1e-8d1b-4c3e-9a57-2b7f4c1d9e60\","
                                + "\"startedAt\":\"2026-11-23T10:00:05Z\"}}");
        assertThat(ManifestCodec.read(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(pending);
    }

    @Test
    void aManifestWithoutAnAttemptHasNone() {
        Manifest rendered = ManifestCodec.read("""
                {"schema":1,"imageId":"img-1","status":"rendered","variants":[],"eventId":"ev-1"}""".getBytes(StandardCharsets.UTF_8));
        assertThat(rendered.attempt()).isNull();
        assertThat(new String(ManifestCodec.write(rendered), StandardCharsets.UTF_8))
                .doesNotContain("attempt");
    }

    static Stream<Manifest> statesThatEndAnAttempt() {
        return Stream.of(
                Manifest.pending("img-1", null, "ev-2", T0),
                Manifest.rendered("img-1", null, List.of(), "LKO2", "ev-1", T0),
                Manifest.failed("img-1", null, "corrupt image: x", "ev-1", T0),
                Manifest.deleting("img-1", null, "d-1", T0, T0),
                Manifest.deleted("img-1", "d-1", T0, T0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statesThatEndAnAttempt")
    void everyNewStateCarriesNoAttemptEvenOverOneInProgress(Manifest state) {
        Manifest inProgress =
                Manifest.pending("img-1", null, "ev-1", T0.minusSeconds(60)).withAttempt(ATTEMPT);
        assertThat(state.carryingDeletion(inProgress).attempt()).isNull();
    }

    @Test
    void carryingADeletionKeepsThisStatesAttempt() {
        Manifest tombstone = Manifest.deleted("img-1", "d-1", T0.minusSeconds(60), T0.minusSeconds(59));
        Manifest carried =
                Manifest.pending("img-1", null, "ev-1", T0).withAttempt(ATTEMPT).carryingDeletion(tombstone);
        assertThat(carried.deletedAt()).isEqualTo(T0.minusSeconds(60));
        assertThat(carried.attempt()).isEqualTo(ATTEMPT);
    }
}
