package com.miniatura.ingest.rerender;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a {@code rerender} run does; see {@link RerenderCommand} for the flags and docs/rerender.md.
 *
 * @param bucket          the originals' bucket (listed, or the bucket of a key file's keys); for {@code --prune} the
 *                        thumbnails bucket
 * @param prefix          list only keys starting with this, or {@code null}
 * @param fromFile        read keys from this file instead of listing, or {@code null}
 * @param mode            {@link Mode#MISSING} or {@link Mode#ALL}; {@code null} for {@code --prune}
 * @param variants        only these variants of the catalog, or {@code null} for all of them
 * @param rate            at most this many events per second; 0 for no limit
 * @param dryRun          count and estimate, publish (or for {@code --prune} delete) nothing, save no checkpoint
 * @param run             the run's name (its checkpoint's), or {@code null} to derive it from what it does
 * @param restart         start over even if a checkpoint of this run exists
 * @param checkpointEvery how often the position is saved: at most this much work is re-published after a kill
 * @param parallelism     threads listing key ranges and reading manifests
 * @param shards          key ranges the listing is split into
 * @param idFrom          where an original's imageId comes from
 * @param progress        how progress is shown
 * @param metricsPort     serve Prometheus metrics on this port at {@code /metrics}; 0 for none
 * @param jobsPerCore     rendering speed for the estimate, images per second per core
 * @param prune           find (and unless a dry run, delete) orphan variants instead of publishing, or {@code null}
 */
record RerenderOptions(
        String bucket,
        String prefix,
        Path fromFile,
        Mode mode,
        List<String> variants,
        double rate,
        boolean dryRun,
        String run,
        boolean restart,
        Duration checkpointEvery,
        int parallelism,
        int shards,
        IdFrom idFrom,
        ProgressStyle progress,
        int metricsPort,
        double jobsPerCore,
        Pruning prune) {

    RerenderOptions {
        variants = variants == null ? null : List.copyOf(variants);
    }

    /** Which images a run publishes. */
    enum Mode {
        /** Only those whose manifest is absent, failed, stuck pending, or lacks a current variant. */
        MISSING,
        /** Every image; workers skip the up-to-date ones after a manifest read. */
        ALL
    }

    /** Where an original's imageId comes from. */
    enum IdFrom {
        /** Its {@code x-amz-meta-image-id}, else its file name without extension (a HEAD per object unless listed). */
        METADATA,
        /** Its file name without extension: no HEAD requests (for originals stored as {@code <imageId>.<ext>}). */
        KEY
    }

    /**
     * What {@code --prune} does ({@link Prune}).
     *
     * @param minAge          an object stored less than this long ago is never deleted ({@code --prune-min-age})
     * @param withoutManifest also delete the old variants of images that have no manifest at all
     *                        ({@code --prune-without-manifest})
     */
    record Pruning(Duration minAge, boolean withoutManifest) {}

    /** How progress is shown. */
    enum ProgressStyle {
        AUTO,
        BAR,
        LOG,
        NONE
    }

    /** What the run does, for its name and to refuse resuming a checkpoint made for something else. */
    String describeSource() {
        return fromFile != null
                ? "key file " + fromFile + " (bucket " + bucket + ")"
                : "bucket " + bucket + (prefix == null ? "" : " under \"" + prefix + "\"");
    }
}
