package com.miniatura.common.event;

import java.util.List;

/**
 * Data of an {@code image.uploaded} event: an original is stored at {@code bucket}/{@code key} and
 * every variant of {@code imageId} must be (re)rendered from it.
 *
 * <pre>{@code {"imageId":"lot-1234-1","lotId":"1234","bucket":"originals","key":"lot-1234-1.jpg"}}</pre>
 *
 * @param imageId     required, {@code [A-Za-z0-9._-]{1,128}}; also the Kafka record key
 * @param lotId       optional marketplace lot the image belongs to
 * @param bucket      required bucket of the original
 * @param key         required object key of the original (relative, no {@code ..}, ≤ 1024 bytes)
 * @param etag        optional ETag of the original as stored
 * @param size        optional size of the original in bytes
 * @param contentType optional media type of the original
 * @param variants    optional: only these variants of the catalog need rendering (a re-render of some
 *                    variants, see docs/rerender.md); {@code null} means every variant. Honoured only while
 *                    the image's manifest names this same original; otherwise every variant is rendered.
 */
public record ImageUploaded(
        String imageId,
        String lotId,
        String bucket,
        String key,
        String etag,
        Long size,
        String contentType,
        List<String> variants)
        implements ImageEventData {

    public ImageUploaded {
        variants = variants == null ? null : List.copyOf(variants);
    }

    /** An upload of the whole catalog (no {@code variants} restriction). */
    public ImageUploaded(
            String imageId, String lotId, String bucket, String key, String etag, Long size, String contentType) {
        this(imageId, lotId, bucket, key, etag, size, contentType, null);
    }
}
