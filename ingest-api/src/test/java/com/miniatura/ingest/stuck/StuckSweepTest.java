package com.miniatura.ingest.stuck;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.storage.InMemoryObjectStore;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.ingest.StuckSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sweep counts the pending markers, and those older than {@code stuck.after}, into the gauges
 * {@code miniatura.images.pending} and {@code miniatura.images.stuck}; an old marker whose image no longer waits is
 * removed rather than counted; the listing and the checks are bounded.
 */
class StuckSweepTest {
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "public, max-age=60", false);
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final Manifest.Source SOURCE = Manifest.Source.of("originals", "x.jpg", null, null, null);

    private final InMemoryObjectStore store = new InMemoryObjectStore(STORAGE, Clock.fixed(NOW, ZoneOffset.UTC));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private StuckSweep sweep(int maxMarkers, int maxChecks) {
        return new StuckSweep(
                store,
                STORAGE,
                new StuckSettings(Duration.ofHours(1), Duration.ofMinutes(5), maxMarkers, maxChecks),
                Clock.fixed(NOW, ZoneOffset.UTC),
                meters);
    }

    /** A marker for {@code imageId} written {@code age} ago, whose image's status is {@code status} (null: none). */
    private void marker(String imageId, Duration age, Manifest status) {
        storedMarker(imageId, age, status == null ? null : ManifestCodec.write(status));
    }

    private void storedMarker(String imageId, Duration age, byte[] status) {
        store.seed(
                "metadata",
                "pending~/" + imageId,
                new byte[0],
                PutOptions.of("application/octet-stream"),
                NOW.minus(age));
        if (status != null) {
            store.seed("metadata", imageId + "/manifest.json", status, PutOptions.of("application/json"));
        }
    }

    /** Whether the sweep read the status of {@code imageId}. */
    private boolean read(String imageId) {
        return store.requests().stream().anyMatch(r -> r.endsWith(" metadata/" + imageId + "/manifest.json"));
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    @Test
    void countsTheMarkersAndThoseOlderThanStuckAfter() {
        StuckSweep sweep = sweep(100_000, 1000);
        marker(
                "fresh",
                Duration.ofMinutes(5),
                Manifest.pending("fresh", SOURCE, "e", NOW.minus(Duration.ofMinutes(5))));
        marker(
                "at-the-limit",
                Duration.ofHours(1),
                Manifest.pending("at-the-limit", SOURCE, "e", NOW.minus(Duration.ofHours(1))));
        marker(
                "stuck-1",
                Duration.ofHours(2),
                Manifest.pending("stuck-1", SOURCE, "e", NOW.minus(Duration.ofHours(2))));
        marker("stuck-2", Duration.ofDays(3), Manifest.pending("stuck-2", SOURCE, "e", NOW.minus(Duration.ofDays(3))));

        assertThat(sweep.sweep()).isEqualTo(new StuckSweep.Counts(4, 2, 0, false));
        assertThat(gauge("miniatura.images.pending")).isEqualTo(4);
        assertThat(gauge("miniatura.images.stuck")).isEqualTo(2);
        assertThat(read("fresh")).isFalse();
    }

    /** The worker could not remove them: the images were rendered, failed, deleted, or have no status at all. */
    @Test
    void oldMarkersWhoseImagesNoLongerWaitAreRemovedNotCounted() {
        StuckSweep sweep = sweep(100_000, 1000);
        Duration old = Duration.ofHours(2);
        marker("rendered", old, Manifest.rendered("rendered", SOURCE, List.of(), null, "e", NOW));
        marker("failed", old, Manifest.failed("failed", SOURCE, "original not found", "e", NOW));
        marker("deleted", old, Manifest.deleted("deleted", "e", NOW, NOW));
        marker("gone", old, null);
        marker("stuck", old, Manifest.pending("stuck", SOURCE, "e", NOW.minus(old)));

        assertThat(sweep.sweep()).isEqualTo(new StuckSweep.Counts(1, 1, 4, false));
        assertThat(store.keys("metadata"))
                .filteredOn(key -> key.startsWith("pending~/"))
                .containsExactly("pending~/stuck");
        assertThat(gauge("miniatura.images.stuck")).isEqualTo(1);
    }

    @Test
    void aSweepListsAtMostSweepMaxMarkers() {
        StuckSweep sweep = sweep(3, 1000);
        for (int i = 0; i < 5; i++) {
            marker(
                    "img-" + i,
                    Duration.ofHours(2),
                    Manifest.pending("img-" + i, SOURCE, "e", NOW.minus(Duration.ofHours(2))));
        }
        assertThat(sweep.sweep()).isEqualTo(new StuckSweep.Counts(3, 3, 0, true));
        assertThat(gauge("miniatura.images.pending")).isEqualTo(3);
    }

    /** Past sweep-max-checks an old marker is not checked: it counts as stuck until a later sweep checks it. */
    @Test
    void aSweepChecksAtMostSweepMaxChecksManifests() {
        StuckSweep sweep = sweep(100_000, 1);
        marker("rendered-1", Duration.ofHours(2), Manifest.rendered("rendered-1", SOURCE, List.of(), null, "e", NOW));
        marker("rendered-2", Duration.ofHours(2), Manifest.rendered("rendered-2", SOURCE, List.of(), null, "e", NOW));
        assertThat(sweep.sweep()).isEqualTo(new StuckSweep.Counts(1, 1, 1, false));
        assertThat(read("rendered-1")).isTrue();
        assertThat(read("rendered-2")).isFalse();
    }

    @Test
    void anUnreadableStatusCountsAsStuck() {
        StuckSweep sweep = sweep(100_000, 1000);
        storedMarker("odd", Duration.ofHours(2), "{\"not\":\"a manifest\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(sweep.sweep()).isEqualTo(new StuckSweep.Counts(1, 1, 0, false));
    }
}
