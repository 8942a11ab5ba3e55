package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The worker logs each image's handling with its imageId and the trace of the request that accepted it (the
 * event's {@code traceparent} header), and leaves nothing behind for the next record on the thread.
 */
class TraceContextTest {

    private static Message<byte[]> record(String imageId, String traceparent) {
        MessageBuilder<byte[]> b = MessageBuilder.withPayload(
                        ("{\"imageId\":\"" + imageId + "\",\"bucket\":\"originals\",\"key\":\"" + imageId + ".jpg\"}")
                                .getBytes(StandardCharsets.UTF_8))
                .setHeader(KafkaHeaders.RECEIVED_KEY, imageId.getBytes(StandardCharsets.UTF_8))
                .setHeader("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))
                .setHeader("ce_id", ("e-" + imageId).getBytes(StandardCharsets.UTF_8))
                .setHeader("ce_source", "/test".getBytes(StandardCharsets.UTF_8))
                .setHeader("ce_type", "image.uploaded".getBytes(StandardCharsets.UTF_8));
        if (traceparent != null) {
            b.setHeader("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    @Test
    void eachImageIsLoggedWithItsIdAndTrace() {
        ImageJob job = mock(ImageJob.class);
        List<Map<String, String>> seen = new ArrayList<>();
        doAnswer(call -> {
                    Map<String, String> mdc = MDC.getCopyOfContextMap();
                    seen.add(mdc == null ? Map.of() : new HashMap<>(mdc));
                    return ImageJob.Outcome.RENDERED;
                })
                .when(job)
                .process(any());
        Consumer<Message<byte[]>> consumer = new ImagesConsumer().images(job, new ImagesConsumer.ImageFailures(job));

        consumer.accept(record("lot-1-1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        consumer.accept(record("lot-2-1", null));
        consumer.accept(record("lot-3-1", "not a trace"));

        assertThat(seen.get(0))
                .containsEntry("imageId", "lot-1-1")
                .containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(seen.get(1)).containsEntry("imageId", "lot-2-1").doesNotContainKey("traceId");
        assertThat(seen.get(2)).containsEntry("imageId", "lot-3-1").doesNotContainKey("traceId");
        assertThat(MDC.getCopyOfContextMap() == null
                        || MDC.getCopyOfContextMap().isEmpty())
                .as("nothing left behind")
                .isTrue();
    }
}
