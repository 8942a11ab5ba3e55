package com.miniatura.common.event;

import java.util.List;

/**
 * The dead-letter topic as the worker writes it and {@code replay-dlq} and operators read it: where it is, and the
 * headers a dead letter carries beside the event's own (all UTF-8 strings).
 */
public final class DeadLetterContract {
    /** The dead-letter topic of an image topic is that topic's name with this suffix. */
    public static final String TOPIC_SUFFIX = ".dlq";

    /** The fully qualified class of the error the worker raised, below Spring's wrappers. */
    public static final String ERROR_CLASS = "miniatura-error-class";
    /** The error's message, cut to at most 1024 bytes. */
    public static final String ERROR_REASON = "miniatura-error-reason";
    /** How many times the record was delivered, in decimal ({@code 1} for a permanent error). */
    public static final String ATTEMPTS = "miniatura-attempts";
    /** When it was dead-lettered, ISO-8601 UTC, e.g. {@code 2026-11-22T10:15:30.123Z}. */
    public static final String FAILED_AT = "miniatura-failed-at";

    /**
     * Prefixes of the headers the worker and Spring Kafka ({@code kafka_dlt-*}, {@code kafka_deliveryattempt}) add to
     * a dead letter: not part of the original event, so a replay drops them.
     */
    public static final List<String> ADDED_HEADER_PREFIXES =
            List.of("miniatura-", "kafka_dlt-", "kafka_deliveryattempt");

    private DeadLetterContract() {}

    /** The dead-letter topic of {@code topic}. */
    public static String topicOf(String topic) {
        return topic + TOPIC_SUFFIX;
    }
}
