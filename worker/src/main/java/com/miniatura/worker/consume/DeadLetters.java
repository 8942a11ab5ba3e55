package com.miniatura.worker.consume;

import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.common.storage.StorageUnavailableException;
import io.micrometer.core.instrument.Metrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.stream.binder.kafka.ListenerContainerWithDlqAndRetryCustomizer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.util.backoff.BackOff;

/**
 * Retries and dead-lettering of the image binding, moved from the binder into the listener container
 * (the Kafka binder's documented {@link ListenerContainerWithDlqAndRetryCustomizer}): a
 * {@link DefaultErrorHandler} seeks the failed record back and waits one {@link JitteredBackOff}
 * interval per failure, so only a single interval (not the sum of all) has to fit in
 * {@code max.poll.interval.ms}. A {@link PermanentEventException} or {@link ImageRejectedException} is never retried. When the attempts
 * are spent, the record is published to the dead-letter topic with its key, value and headers, plus
 * Spring's {@code kafka_dlt-*} headers (original topic, partition, offset, group, timestamp, exception)
 * and these, all UTF-8 strings:
 * <ul>
 *   <li>{@value DeadLetterContract#ERROR_CLASS}: fully qualified class of the error the worker raised, below Spring's
 *       wrappers, e.g. {@code com.miniatura.common.storage.StorageUnavailableException};</li>
 *   <li>{@value DeadLetterContract#ERROR_REASON}: its message, cut to at most {@value #MAX_REASON_BYTES} bytes;</li>
 *   <li>{@value DeadLetterContract#ATTEMPTS}: how many times the record was delivered, in decimal ({@code 1} for a
 *       permanent error);</li>
 *   <li>{@value DeadLetterContract#FAILED_AT}: when it was dead-lettered, ISO-8601 UTC, e.g. {@code 2026-11-22T10:15:30.123Z}.</li>
 * </ul>
 * Once a record is on the dead-letter topic, {@link DeadLetterStatus} marks its image failed, naming the replay.
 */
final class DeadLetters implements ListenerContainerWithDlqAndRetryCustomizer, DisposableBean {
    static final int MAX_REASON_BYTES = 1024;

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final RetrySettings retry;
    private final String dlqTopic;
    private final DefaultKafkaProducerFactory<byte[], byte[]> producers;
    private final Clock clock;
    private final Duration shutdownDeadline;
    private final DeadLetterStatus status;

    /**
     * {@code producerConfig}: Spring Boot's {@code spring.kafka.producer.*}; the serializers are replaced.
     * {@code shutdownDeadline}: how long a stopping container may take to finish the record in hand.
     * {@code status}: marks the image of each dead letter failed.
     */
    DeadLetters(
            RetrySettings retry,
            String dlqTopic,
            Map<String, Object> producerConfig,
            Clock clock,
            Duration shutdownDeadline,
            DeadLetterStatus status) {
        this.shutdownDeadline = shutdownDeadline;
        this.status = status;
        this.retry = retry;
        this.dlqTopic = dlqTopic;
        Map<String, Object> config = new HashMap<>(producerConfig);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producers = new DefaultKafkaProducerFactory<>(config);
        this.clock = clock;
    }

    /** Retries and dead-letters in the container, not in the binding. */
    @Override
    public boolean retryAndDlqInBinding(String destinationName, String group) {
        return false;
    }

    @Override
    public void configure(
            AbstractMessageListenerContainer<?, ?> container,
            String destinationName,
            String group,
            @Nullable BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> dlqDestinationResolver,
            @Nullable BackOff ignoredBinderBackOff) {
        // The binder's resolver honours dlq-name and dlq-partitions; without one, the key picks the partition.
        BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> destination = dlqDestinationResolver != null
                ? dlqDestinationResolver
                : (record, e) -> new TopicPartition(dlqTopic, -1);
        DeadLetterPublishingRecoverer recoverer =
                new DeadLetterPublishingRecoverer(new KafkaTemplate<>(producers), destination) {
                    @Override
                    public void accept(
                            ConsumerRecord<?, ?> record, @Nullable Consumer<?, ?> consumer, Exception exception) {
                        super.accept(
                                record, consumer,
                                exception); // throws if not published: then redelivered, status untouched
                        status.deadLettered(record, cause(exception), attempts(record));
                    }
                };
        recoverer.addHeadersFunction(this::headers);
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, new JitteredBackOff(retry, new Random()));
        handler.addNotRetryableExceptions(PermanentEventException.class, ImageRejectedException.class);
        handler.setRetryListeners(new AttemptLog(retry.maxAttempts(), dlqTopic));
        container.getContainerProperties().setDeliveryAttemptHeader(true);
        container.setCommonErrorHandler(handler);
        // Graceful shutdown (SIGTERM): finish the record in hand, commit it and stop, rather than working
        // through the rest of the poll (up to max.poll.records images); those are not committed and go to
        // another consumer. Stopping waits at most the deadline; a record still running then is abandoned
        // uncommitted, so it is redelivered, never lost.
        container.getContainerProperties().setStopImmediate(true);
        container.getContainerProperties().setShutdownTimeout(shutdownDeadline.toMillis());
        // A partition assigned without a committed offset (a new group, or one the broker expired after its
        // offsets.retention without members, as the bulk lane's at zero pods) gets its starting position committed
        // at once. Until then KEDA finds no offset and counts lag that is not there (docs/operations.md, "Scaling").
        container.getContainerProperties().setAssignmentCommitOption(ContainerProperties.AssignmentCommitOption.ALWAYS);
        log.info("Binding {} ({}): retrying with {}, then dead-lettering", destinationName, group, retry);
    }

    /**
     * One line per failed delivery and per dead letter, naming the image, the event and the error; this
     * replaces the stack trace Spring Integration's error-channel logger would print for every attempt
     * (silenced in {@code worker-defaults.yml}), which buried a 30 s storage outage in thousands of lines.
     */
    static final class AttemptLog implements RetryListener {
        private final int maxAttempts;
        private final String dlqTopic;

        AttemptLog(int maxAttempts, String dlqTopic) {
            this.maxAttempts = maxAttempts;
            this.dlqTopic = dlqTopic;
        }

        @Override
        public void failedDelivery(ConsumerRecord<?, ?> record, Exception exception, int deliveryAttempt) {
            Throwable error = cause(exception);
            if (error instanceof PermanentEventException || error instanceof ImageRejectedException) {
                return; // not retried: recovered() reports it
            }
            Metrics.counter(
                            "miniatura.deliveries.failed",
                            "error",
                            error.getClass().getSimpleName())
                    .increment();
            String line = "Delivery " + deliveryAttempt + " of " + maxAttempts + " failed for " + describe(record)
                    + ": " + error.getClass().getSimpleName() + ": " + error.getMessage()
                    + (deliveryAttempt < maxAttempts ? "; retrying" : "");
            if (error instanceof StorageUnavailableException) {
                log.warn(line);
            } else {
                log.warn(line, error); // not an outage we know: the stack trace is worth its lines
            }
        }

        @Override
        public void recovered(ConsumerRecord<?, ?> record, Exception exception) {
            Throwable error = cause(exception);
            // by error class, the closest to a reason a label can be without one series per image (the reason
            // itself is in the dead letter's headers and the log line)
            Metrics.counter("miniatura.dead.letters", "error", error.getClass().getSimpleName())
                    .increment();
            log.warn(
                    "Dead-lettered {} to {}: {}: {}",
                    describe(record),
                    dlqTopic,
                    error.getClass().getSimpleName(),
                    error.getMessage());
        }

        @Override
        public void recoveryFailed(ConsumerRecord<?, ?> record, Exception original, Exception failure) {
            log.error(
                    "Could not dead-letter {} ({}); it stays uncommitted and is delivered again",
                    describe(record),
                    cause(original).getMessage(),
                    failure);
        }

        /** {@code image lot-1 (event 7d0c…, images-3@42)}: enough to find the record and the image. */
        static String describe(ConsumerRecord<?, ?> record) {
            Object key = record.key();
            String image =
                    key instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(key);
            Header id = record.headers().lastHeader("ce_id");
            return "image " + image + " (event "
                    + (id == null ? "without ce_id" : new String(id.value(), StandardCharsets.UTF_8)) + ", "
                    + record.topic() + "-" + record.partition() + "@" + record.offset() + ")";
        }
    }

    /** The {@code miniatura-*} headers of a dead letter. */
    Headers headers(ConsumerRecord<?, ?> record, Exception exception) {
        Throwable error = cause(exception);
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterContract.ERROR_CLASS, utf8(error.getClass().getName()));
        headers.add(DeadLetterContract.ERROR_REASON, utf8(cap(String.valueOf(error.getMessage()), MAX_REASON_BYTES)));
        headers.add(DeadLetterContract.ATTEMPTS, utf8(Integer.toString(attempts(record))));
        headers.add(DeadLetterContract.FAILED_AT, utf8(clock.instant().toString()));
        return headers;
    }

    /** The error the worker raised: Spring's listener and messaging wrappers unwrapped. */
    static Throwable cause(Throwable exception) {
        Throwable error = exception;
        while (error.getCause() != null && error.getClass().getName().startsWith("org.springframework.")) {
            error = error.getCause();
        }
        return error;
    }

    /** The delivery count the container stamps on each record (the first delivery is 1). */
    static int attempts(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(KafkaHeaders.DELIVERY_ATTEMPT);
        return header == null || header.value().length != Integer.BYTES
                ? 1
                : ByteBuffer.wrap(header.value()).getInt();
    }

    /** {@code text} cut to at most {@code maxBytes} of UTF-8, never inside a character. */
    static String cap(String text, int maxBytes) {
        if (text.length() * 3 <= maxBytes || utf8(text).length <= maxBytes) {
            return text;
        }
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return text.substring(0, end);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void destroy() {
        producers.destroy();
    }
}
