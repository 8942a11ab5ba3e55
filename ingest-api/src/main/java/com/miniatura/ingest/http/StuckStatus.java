package com.miniatura.ingest.http;

import com.miniatura.common.storage.Manifest;
import com.miniatura.ingest.StuckSettings;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Whether a status read finds the image stuck: {@code pending} for longer than {@code miniatura.ingest.stuck.after},
 * counted from when the ingest API accepted it (else from when a worker started rendering it). The status stays
 * {@code pending}, so that clients switching on it are not broken; {@code stuck} and the reason say the rest.
 */
final class StuckStatus {
    private final StuckSettings settings;
    private final Clock clock;

    StuckStatus(StuckSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** When {@code manifest}'s wait began, if it is {@code pending} and has waited longer than it should. */
    Optional<Instant> since(Manifest manifest) {
        if (!Manifest.PENDING.equals(manifest.status())) {
            return Optional.empty();
        }
        Instant since = manifest.updatedAt() != null
                ? manifest.updatedAt()
                : manifest.attempt() != null ? manifest.attempt().startedAt() : null;
        return since != null && since.plus(settings.after()).isBefore(clock.instant())
                ? Optional.of(since)
                : Optional.empty();
    }

    /** What a stuck image's status says: since when, and what brings it back. */
    String reason(Instant since) {
        return "pending since " + since.truncatedTo(ChronoUnit.SECONDS) + ", over " + settings.afterText()
                + "; operators re-publish stuck images with rerender --mode=missing";
    }
}
