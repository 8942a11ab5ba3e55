package com.miniatura.common.event;

/**
 * Data of an {@code image.deleted} event: every variant of {@code imageId}, its manifest's contents and its
 * original in the originals bucket must be erased (a sold lot, a GDPR erasure request). The image's status
 * becomes {@code deleted}; an {@code image.uploaded} event published before the deletion ({@code ce_time}
 * not after it) is ignored from then on, so a late or replayed upload cannot bring the image back.
 *
 * <pre>{@code {"imageId":"lot-1234-1"}}</pre>
 *
 * @param imageId required, {@code [A-Za-z0-9._-]{1,128}}; also the Kafka record key
 */
public record ImageDeleted(String imageId) implements ImageEventData {}
