package com.miniatura.ingest.publish;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.EventCodec;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.ingest.IngestSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
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

    public EventPublisher(KafkaTemplate<String, byte[]> kafka, MiniaturaSettings common, IngestSettings settings) {
        this.kafka = kafka;
        this.topic = common.kafka().topic();
        this.settings = settings;
    }

    /**
     * Sends every event (record key = imageId, so one image's events stay in order) and waits for all acks.
     *
     * @throws BrokerUnavailableException if any record was not acknowledged within the publish timeout;
     *     some records of the batch may have been written, so the client retries the whole batch
     *     (duplicates are harmless: rendering is idempotent)
     */
    public void publishAll(List<ImageEvent> events) {
        long deadline = System.nanoTime() + settings.publishTimeout().toNanos();
        List<CompletableFuture<SendResult<String, byte[]>>> sends = new ArrayList<>(events.size());
        try {
            for (ImageEvent event : events) {
                ProducerRecord<String, byte[]> record =
                        new ProducerRecord<>(topic, event.data().imageId(), EventCodec.payload(event.data()));
                EventCodec.headers(event).forEach((name, value) -> record.headers().add(name, value));
                sends.add(kafka.send(record));
            }
            for (CompletableFuture<SendResult<String, byte[]>> send : sends) {
                long left = Math.max(0, deadline - System.nanoTime());
                send.get(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException e) {
            throw new BrokerUnavailableException("Kafka did not accept the events: " + rootMessage(e), e);
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException(
                    "Kafka did not acknowledge the events within " + settings.publishTimeout().toSeconds() + " s", e);
        } catch (RuntimeException e) { // metadata wait (max.block.ms) and other synchronous send failures
            throw new BrokerUnavailableException("Kafka is unavailable: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
