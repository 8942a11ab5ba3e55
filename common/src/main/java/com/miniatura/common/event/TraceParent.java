package com.miniatura.common.event;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * W3C Trace Context {@code traceparent} values, carried from the HTTP request that accepted an image, through the
 * event's Kafka header of the same name, into the worker's log lines ({@code traceId} in the MDC), so one upload
 * can be followed across both services.
 *
 * <pre>{@code traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}</pre>
 */
public final class TraceParent {
    /** The Kafka header and HTTP header name. */
    public static final String HEADER = "traceparent";
    /** The MDC keys the services log with. */
    public static final String MDC_TRACE_ID = "traceId";

    public static final String MDC_TRACEPARENT = "traceparent";
    public static final String MDC_IMAGE_ID = "imageId";
    private static final Pattern VALID = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TraceParent() {}

    /** {@code value} if it is a valid version-00 traceparent (not the all-zero ids the spec forbids). */
    public static Optional<String> valid(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim();
        var m = VALID.matcher(v);
        if (!m.matches()
                || m.group(1).chars().allMatch(c -> c == '0')
                || m.group(2).chars().allMatch(c -> c == '0')) {
            return Optional.empty();
        }
        return Optional.of(v);
    }

    /** A new trace: random trace and span ids, sampled. */
    public static String create() {
        byte[] ids = new byte[24];
        RANDOM.nextBytes(ids);
        HexFormat hex = HexFormat.of();
        return "00-" + hex.formatHex(ids, 0, 16) + "-" + hex.formatHex(ids, 16, 24) + "-01";
    }

    /** The trace id of a valid traceparent. */
    public static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }
}
