package com.miniatura.common.event;

import java.time.Instant;

/**
 * A CloudEvents 1.0 envelope around {@link ImageUploaded}, carried in Kafka binary mode: the attributes
 * travel as {@code ce_*} headers and the data as the JSON record value.
 *
 * @param id     {@code ce_id}: unique per event; a retried publish may reuse it
 * @param source {@code ce_source}: who produced it, e.g. {@code /miniatura/ingest-api}
 * @param type   {@code ce_type}: {@link EventContract#TYPE_UPLOADED}
 * @param time   {@code ce_time}, optional
 * @param data   the payload
 */
public record ImageEvent(String id, String source, String type, Instant time, ImageUploaded data) {}
