package com.miniatura.common.event;

import java.time.Instant;

/**
 * A CloudEvents 1.0 envelope around {@link ImageUploaded} or {@link ImageDeleted}, carried in Kafka binary
 * mode: the attributes travel as {@code ce_*} headers and the data as the JSON record value.
 *
 * @param id     {@code ce_id}: unique per event; a retried publish may reuse it
 * @param source {@code ce_source}: who produced it, e.g. {@code /miniatura/ingest-api}
 * @param type   {@code ce_type}: {@link EventContract#TYPE_UPLOADED} or {@link EventContract#TYPE_DELETED},
 *               as {@code data} says
 * @param time   {@code ce_time}, optional; when the producer accepted the request. A deletion ignores every
 *               upload not after it, so producers that delete set it on uploads too (ingest-api always does)
 * @param data   the payload
 */
public record ImageEvent(String id, String source, String type, Instant time, ImageEventData data) {
    public ImageEvent {
        if (data != null && !data.type().equals(type)) {
            throw new IllegalArgumentException(
                    "type " + type + " does not match data " + data.getClass().getSimpleName());
        }
    }

    /** An event of the type its {@code data} calls for. */
    public ImageEvent(String id, String source, Instant time, ImageEventData data) {
        this(id, source, data.type(), time, data);
    }
}
