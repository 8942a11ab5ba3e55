package com.miniatura.common.storage;

import java.time.Instant;
import java.util.List;

/**
 * The per-image status document at {@code {imageId}/manifest.json} of the private metadata bucket ({@link ManifestStore}).
 *
 * <p>The ingest API writes it as {@code pending} before publishing an event; the worker overwrites it
 * with {@code rendered} only after every variant is stored (so a reader never sees a half-rendered
 * image as rendered), or with {@code failed} and a plain-words {@code reason}. A deletion goes
 * {@code deleting} (ingest, before publishing) → {@code deleted} (worker, after erasing every variant and
 * the original): a tombstone that keeps only {@code deletedAt}, which every later state carries on.
 *
 * <p>While the worker renders an image it records its {@link Attempt} here, the state otherwise unchanged, so
 * that a render whose worker never finished it (the JVM died) is counted at the next delivery; {@code rendered},
 * {@code failed} and the deletion states end the attempt and carry none.
 *
 * @param schema    document version, {@link #SCHEMA}
 * @param imageId   the image
 * @param status    {@link #PENDING}, {@link #RENDERED}, {@link #FAILED}, {@link #DELETING} or {@link #DELETED}
 * @param source    the original it was (or will be) rendered from
 * @param variants  rendered variants, in catalog order (empty unless rendered)
 * @param blurhash  a <a href="https://blurha.sh">BlurHash</a> of the upright image, for pages to paint a
 *                  placeholder of the right colours before a thumbnail loads (only when rendered)
 * @param reason    why it failed (only when failed)
 * @param eventId   {@code ce_id} of the event that produced this state
 * @param updatedAt when this state was written
 * @param deletedAt when the image was last deleted ({@code ce_time} of its {@code image.deleted} event), kept
 *                  through later uploads: an upload event not after it is stale and must not resurrect the image
 * @param attempt   the render in progress, if any
 */
public record Manifest(
        int schema,
        String imageId,
        String status,
        Source source,
        List<Variant> variants,
        String blurhash,
        String reason,
        String eventId,
        Instant updatedAt,
        Instant deletedAt,
        Attempt attempt) {

    public static final int SCHEMA = 1;
    public static final String PENDING = "pending";
    public static final String RENDERED = "rendered";
    public static final String FAILED = "failed";
    public static final String DELETING = "deleting";
    public static final String DELETED = "deleted";

    public Manifest {
        variants = variants == null ? List.of() : List.copyOf(variants);
    }

    /** A state without a render in progress. */
    public Manifest(
            int schema,
            String imageId,
            String status,
            Source source,
            List<Variant> variants,
            String blurhash,
            String reason,
            String eventId,
            Instant updatedAt,
            Instant deletedAt) {
        this(schema, imageId, status, source, variants, blurhash, reason, eventId, updatedAt, deletedAt, null);
    }

    public static Manifest pending(String imageId, Source source, String eventId, Instant now) {
        return new Manifest(SCHEMA, imageId, PENDING, source, List.of(), null, null, eventId, now, null);
    }

    public static Manifest rendered(
            String imageId, Source source, List<Variant> variants, String blurhash, String eventId, Instant now) {
        return new Manifest(SCHEMA, imageId, RENDERED, source, variants, blurhash, null, eventId, now, null);
    }

    public static Manifest failed(String imageId, Source source, String reason, String eventId, Instant now) {
        return new Manifest(SCHEMA, imageId, FAILED, source, List.of(), null, reason, eventId, now, null);
    }

    /** Deletion requested: the original to erase is still named, the variants are no longer offered. */
    public static Manifest deleting(String imageId, Source source, String eventId, Instant deletedAt, Instant now) {
        return new Manifest(SCHEMA, imageId, DELETING, source, List.of(), null, null, eventId, now, deletedAt);
    }

    /** The tombstone: everything erased, nothing about the image kept but when it was deleted. */
    public static Manifest deleted(String imageId, String eventId, Instant deletedAt, Instant now) {
        return new Manifest(SCHEMA, imageId, DELETED, null, List.of(), null, null, eventId, now, deletedAt);
    }

    /** This state, carrying the deletion time of the state it replaces (a deletion is never forgotten). */
    public Manifest carryingDeletion(Manifest previous) {
        Instant carried = previous == null ? null : previous.deletedAt();
        if (carried == null || (deletedAt != null && !deletedAt.isBefore(carried))) {
            return this;
        }
        return new Manifest(
                schema, imageId, status, source, variants, blurhash, reason, eventId, updatedAt, carried, attempt);
    }

    /** This state, with a render of it in progress ({@code null}: none). */
    public Manifest withAttempt(Attempt attempt) {
        return new Manifest(
                schema, imageId, status, source, variants, blurhash, reason, eventId, updatedAt, deletedAt, attempt);
    }

    /**
     * Whether an upload event with this {@code ce_time} was published before the image's last deletion, and so
     * must be ignored. Without a time an upload cannot be placed after the deletion, so it is stale too.
     */
    public boolean deletedSince(Instant uploadTime) {
        return deletedAt != null && (uploadTime == null || !uploadTime.isAfter(deletedAt));
    }

    /**
     * A render started by a worker and not finished yet: written just before the worker decodes the original,
     * ended by the state it writes next.
     *
     * @param eventId    {@code ce_id} of the upload event being rendered
     * @param unfinished how many earlier renders of this event a worker started and never finished, because its
     *                   JVM stopped (out of memory, a native crash, SIGKILL)
     * @param worker     random id of the worker JVM that started this one (not a host name)
     * @param startedAt  when it started
     */
    public record Attempt(String eventId, int unfinished, String worker, Instant startedAt) {}

    /**
     * The original: where it is, and what the worker learnt decoding it.
     *
     * @param width  upright width in pixels (after EXIF orientation), when decoded
     * @param height upright height in pixels, when decoded
     * @param format decoded format such as {@code jpeg}, when decoded
     */
    public record Source(
            String bucket,
            String key,
            String etag,
            Long size,
            String contentType,
            Integer width,
            Integer height,
            String format) {
        public static Source of(String bucket, String key, String etag, Long size, String contentType) {
            return new Source(bucket, key, etag, size, contentType, null, null, null);
        }
    }

    /**
     * One stored variant.
     *
     * @param key      object key in the thumbnails bucket
     * @param specHash {@link com.miniatura.common.catalog.VariantSpec#specHash()} it was rendered with
     * @param quality  the quality {@code quality: auto} chose for this image, on the format's own scale (libavif's for
     *                 an AVIF twin); absent for a fixed quality
     * @param ssim     the chosen encode's SSIM against the variant's pixels before encoding, with {@code quality}
     */
    public record Variant(
            String name,
            String key,
            int width,
            int height,
            long bytes,
            String contentType,
            String specHash,
            Integer quality,
            Double ssim) {

        /** A variant at a fixed quality. */
        public Variant(
                String name, String key, int width, int height, long bytes, String contentType, String specHash) {
            this(name, key, width, height, bytes, contentType, specHash, null, null);
        }
    }
}
