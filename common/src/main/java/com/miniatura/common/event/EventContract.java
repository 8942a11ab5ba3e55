package com.miniatura.common.event;

import java.util.regex.Pattern;

/** Names shared by every producer and consumer of image events. See {@code docs/events.md}. */
public final class EventContract {
    /** One topic for every event type, keyed by imageId, so the events of one image stay in order. */
    public static final String TOPIC = "miniatura.images";

    public static final String SPEC_VERSION = "1.0";
    public static final String TYPE_UPLOADED = "image.uploaded";
    /** Image deletion; travels on {@link #TOPIC} so it stays ordered with the image's uploads. */
    public static final String TYPE_DELETED = "image.deleted";

    public static final String HEADER_SPEC_VERSION = "ce_specversion";
    public static final String HEADER_ID = "ce_id";
    public static final String HEADER_SOURCE = "ce_source";
    public static final String HEADER_TYPE = "ce_type";
    public static final String HEADER_TIME = "ce_time";
    public static final String HEADER_SUBJECT = "ce_subject";
    public static final String HEADER_CONTENT_TYPE = "content-type";
    public static final String JSON = "application/json";

    public static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    public static final int MAX_KEY_BYTES = 1024;
    /** A variant's name in the catalog and in an event's {@code variants}. */
    public static final Pattern VARIANT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** At most this many names in an event's {@code variants}. */
    public static final int MAX_VARIANTS = 64;

    private EventContract() {}
}
