package com.miniatura.common.event;

/**
 * The data of an image event: {@link ImageUploaded} ({@code image.uploaded}) or {@link ImageDeleted}
 * ({@code image.deleted}). Both travel on one topic keyed by {@link #imageId()}, so the events of one
 * image are consumed in the order they were published.
 */
public sealed interface ImageEventData permits ImageUploaded, ImageDeleted {
    /** The image; also the Kafka record key. */
    String imageId();

    /** The CloudEvents {@code ce_type} of an event carrying this data. */
    default String type() {
        return this instanceof ImageDeleted ? EventContract.TYPE_DELETED : EventContract.TYPE_UPLOADED;
    }
}
