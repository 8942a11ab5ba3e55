package com.miniatura.ingest.publish;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.EventCodec;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.TraceParent;
import com.miniatura.ingest.IngestSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.MDC;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

/**
 * Publishes image events and returns only once Kafka acknowledged every one of them
 * ({@code acks=all}, idempotent producer): the caller may then answer 202.
 */
@Component
public class EventPublisher {
    private final KafkaTemplate<String, byte[]> kafka;
    private final String topic;
    private final IngestSettings settings;
    private final MeterRegistry meters;
    private final Timer publishTime;
    private final Map<String, Counter> published = new ConcurrentHashMap<>();

    public EventPublisher(
            KafkaTemplate<String, byte[]> kafka,
            MiniaturaSettings common,
            IngestSettings settings,
            MeterRegistry meters) {
        this.kafka = kafka;
        this.topic = common.kafka().topic();
        this.settings = settings;
        this.meters = meters;
        this.publishTime = Timer.builder("miniatura.publish")
                .description("From sending a request's events to Kafka's acknowledgement of all of them (acks=all)")
                .publishPercentileHistogram()
                .register(meters);
    }

    /**
     * Sends every event (record key = imageId, so one image's events stay in order) and waits for all acks.
     *
     * @throws BrokerUnavailableException if any record was not acknowledged within the publish timeout;
     *     some records of the batch may have been written, so the client retries the whole batch
     *     (duplicates are harmless: rendering is idempotent)
     */
    public void publishAll(List<ImageEvent> events) {
        long started = System.nanoTime();
        long deadline = started + settings.publishTimeout().toNanos();
        List<CompletableFuture<SendResult<String, byte[]>>> sends = new ArrayList<>(events.size());
        try {
            for (ImageEvent event : events) {
                ProducerRecord<String, byte[]> record =
                        new ProducerRecord<>(topic, event.data().imageId(), EventCodec.payload(event.data()));
                EventCodec.headers(event)
                        .forEach((name, value) -> record.headers().add(name, value));
                // the request's trace (TraceContextFilter), so the worker's log lines for this image carry it too
                String traceparent = MDC.get(TraceParent.MDC_TRACEPARENT);
                if (traceparent != null) {
                    record.headers().add(TraceParent.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
                }
                sends.add(kafka.send(record));
            }
            for (CompletableFuture<SendResult<String, byte[]>> send : sends) {
                long left = Math.max(0, deadline - System.nanoTime());
                send.get(left, TimeUnit.NANOSECONDS);
            }
            publishTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            for (ImageEvent event : events) {
                published
                        .computeIfAbsent(
                                event.type(), type -> meters.counter("miniatura.events.published", "type", type))
                        .increment();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rejected();
            throw new BrokerUnavailableException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException e) {
            rejected();
            throw new BrokerUnavailableException("Kafka did not accept the events: " + rootMessage(e), e);
        } catch (TimeoutException e) {
            rejected();
            throw new BrokerUnavailableException(
                    "Kafka did not acknowledge the events within "
                            + settings.publishTimeout().toSeconds() + " s",
                    e);
        } catch (RuntimeException e) { // metadata wait (max.block.ms) and other synchronous send failures
            rejected();
            throw new BrokerUnavailableException("Kafka is unavailable: " + rootMessage(e), e);
        }
    }

    /** Requests answered 503 because Kafka did not acknowledge (bad requests are in http.server.requests by status). */
    private void rejected() {
        meters.counter("miniatura.events.unpublished").increment();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
