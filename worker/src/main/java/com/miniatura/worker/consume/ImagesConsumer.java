package com.miniatura.worker.consume;

import com.miniatura.common.event.EventCodec;
import com.miniatura.common.event.EventValidator;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.InvalidEventException;
import com.miniatura.common.event.TraceParent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.temporal.TemporalAccessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/**
 * The Spring Cloud Stream binding: function {@code images}, bound as {@code images-in-0} to the image
 * topic. It only translates a Kafka record into an {@link ImageEvent} and hands it to {@link ImageJob};
 * returning normally lets the binder commit the offset (at-least-once).
 */
@Configuration(proxyBeanMethods = false)
class ImagesConsumer {
    private static final Logger log = LoggerFactory.getLogger(ImagesConsumer.class);

    @Bean
    Consumer<Message<byte[]>> images(ImageJob job, ImageFailures failures) {
        return message -> {
            Map<String, byte[]> headers = headers(message);
            // every log line of this image's handling names it and, when the event carries one, the trace of the
            // request that accepted it (TraceParent), so an upload can be followed from the API into the worker
            String imageId = recordKey(message);
            byte[] trace = headers.get(TraceParent.HEADER);
            String traceparent = trace == null
                    ? null
                    : TraceParent.valid(new String(trace, StandardCharsets.UTF_8))
                            .orElse(null);
            if (imageId != null) {
                MDC.put(TraceParent.MDC_IMAGE_ID, imageId);
            }
            if (traceparent != null) {
                MDC.put(TraceParent.MDC_TRACE_ID, TraceParent.traceId(traceparent));
            }
            try {
                ImageEvent event;
                try {
                    event = EventCodec.decode(headers, message.getPayload());
                } catch (InvalidEventException e) {
                    failures.invalidEvent(message, e);
                    return;
                }
                job.process(event);
            } finally {
                MDC.remove(TraceParent.MDC_IMAGE_ID);
                MDC.remove(TraceParent.MDC_TRACE_ID);
            }
        };
    }

    @Bean
    ImageFailures imageFailures(ImageJob job) {
        return new ImageFailures(job);
    }

    /** What to do with a record that is not a valid event. */
    static final class ImageFailures {
        private final ImageJob job;

        ImageFailures(ImageJob job) {
            this.job = job;
        }

        /**
         * A well-formed envelope whose data is bad (say, a key with {@code ..}) is marked failed for its
         * imageId, so the status API can say why, and dead-lettered. A record with an envelope we do not understand (an
         * unknown type or spec version, perhaps from a newer producer) or without a usable imageId is
         * dead-lettered: marking the image failed could overwrite a good status.
         */
        void invalidEvent(Message<byte[]> message, InvalidEventException e) {
            String imageId = recordKey(message);
            boolean envelopeOk = e.errors().stream()
                    .noneMatch(error ->
                            error.field().startsWith("ce_") || error.field().equals("content-type"));
            if (envelopeOk && imageId != null && EventValidator.imageIdProblem(imageId) == null) {
                log.warn("Invalid event for image {}: {}", imageId, e.getMessage());
                job.markFailed(imageId, "invalid event: " + e.getMessage());
                throw new PermanentEventException(
                        "invalid event (image " + imageId + " marked failed): " + e.getMessage(), e);
            }
            throw new PermanentEventException(
                    "invalid event (not marked failed: " + (envelopeOk ? "no usable imageId" : "unknown envelope")
                            + "): " + e.getMessage() + " [headers: "
                            + String.join(", ", message.getHeaders().keySet()) + "]",
                    e);
        }
    }

    static String recordKey(Message<?> message) {
        Object key = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
        if (key instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return key == null ? null : key.toString();
    }

    /** Prefixes under which a CloudEvents attribute may reach the function (see {@link #headers}). */
    private static final List<String> ATTRIBUTE_PREFIXES = List.of("ce_", "ce-", "ce.", "cloudEvents:", "cloudEvents_");

    /**
     * Kafka headers as raw bytes, whatever the binder made of them. Spring Cloud Function recognises
     * CloudEvents itself and, when a record has no {@code content-type} header, renames the
     * {@code ce_*} headers to its canonical prefix before the function sees them; so every CloudEvents
     * attribute is read back under the contract's {@code ce_} name whichever prefix it arrives with.
     */
    static Map<String, byte[]> headers(Message<?> message) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        message.getHeaders().forEach((name, value) -> {
            byte[] bytes = value instanceof byte[] raw
                    ? raw
                    : value instanceof String
                                    || value instanceof Number
                                    || value instanceof URI
                                    || value instanceof TemporalAccessor
                            ? value.toString().getBytes(StandardCharsets.UTF_8)
                            : null;
            if (bytes == null) {
                return;
            }
            String canonical = name;
            for (String prefix : ATTRIBUTE_PREFIXES) {
                if (name.regionMatches(true, 0, prefix, 0, prefix.length())) {
                    canonical = "ce_" + name.substring(prefix.length()).toLowerCase(Locale.ROOT);
                    break;
                }
            }
            headers.putIfAbsent(canonical, bytes);
        });
        return headers;
    }
}
