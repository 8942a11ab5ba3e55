package com.miniatura.ingest.rerender;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.common.storage.StoredObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a re-render run is, saved in object storage as it goes so that a killed or restarted run continues
 * where it stopped: {@code <metadata bucket>/rerender~/<run>.json} ({@link ManifestStore}: one an earlier version
 * saved in the thumbnails bucket is read from there, and moved by the next save). The {@code ~} cannot occur in an
 * imageId, so the document never shares a prefix with an image's manifest.
 *
 * <p>It records a position only for work whose events Kafka has acknowledged: the run takes the positions,
 * flushes the producer, and only then saves them. A run killed at any moment therefore re-publishes at most
 * what it sent since its last save, one {@code --checkpoint-every} of work, and skips nothing.
 *
 * @param run         the run's name
 * @param fingerprint what the run does (source, mode, variants, catalog): a run resumes only with the same
 * @param startedAt   when the run first started
 * @param updatedAt   when this was saved
 * @param completedAt when the run finished, or {@code null}
 * @param shards      for a bucket listing: each key range and the last key handled in it
 * @param lines       for a key file: how many lines are handled
 * @param counts      what happened so far, by counter name (see {@link Rerender} and {@link Prune})
 */
record Checkpoint(
        String run,
        String fingerprint,
        Instant startedAt,
        Instant updatedAt,
        Instant completedAt,
        List<Shard> shards,
        long lines,
        Map<String, Long> counts) {
    static final String PREFIX = StorageLayout.CHECKPOINT_PREFIX;
    private static final JsonMapper JSON = JsonMapper.builder()
            .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * One key range of the listing.
     *
     * @param from  first key of the range (inclusive), {@code ""} for the first range
     * @param to    end of the range (exclusive), {@code null} for the last
     * @param after the last key handled, or {@code null} when none yet
     * @param done  whether the whole range is handled
     */
    record Shard(String from, String to, String after, boolean done) {}

    static String key(String run) {
        return StorageLayout.checkpointKey(run);
    }

    static Optional<Checkpoint> load(ManifestStore store, String run) {
        return store.read(key(run)).map(o -> read(o, store.bucket() + "/" + key(run)));
    }

    private static Checkpoint read(StoredObject object, String where) {
        try {
            return JSON.readValue(object.bytes(), Checkpoint.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "checkpoint " + where + " is unreadable (" + e.getMessage()
                            + "): pass --restart to start the run over",
                    e);
        }
    }

    void save(ManifestStore store) {
        store.write(key(run), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this), "no-store");
    }
}
