package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.miniatura.common.storage.StorageUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/** Each failed delivery and each dead letter is one log line naming the image, the event and the error. */
class AttemptLogTest {
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(DeadLetters.class);
    private final DeadLetters.AttemptLog attempts = new DeadLetters.AttemptLog(6, "miniatura.images.dlq");

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    record Failure(
            String description, Exception error, int attempt, boolean recovered, String line, boolean stackTrace) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Failure> failures() {
        StorageUnavailableException outage =
                new StorageUnavailableException("get originals/lot-1.jpg failed: java.net.ConnectException", null);
        return Stream.of(
                new Failure(
                        "storage outage, attempt 2",
                        wrapped(outage),
                        2,
                        false,
                        "Delivery 2 of 6 failed for image lot-1 (event ev-7, miniatura.images-3@42): StorageUnavailableException:"
                                + " get originals/lot-1.jpg failed: java.net.ConnectException; retrying",
                        false),
                new Failure(
                        "storage outage, last attempt",
                        wrapped(outage),
                        6,
                        false,
                        "Delivery 6 of 6 failed for image lot-1 (event ev-7, miniatura.images-3@42): StorageUnavailableException:"
                                + " get originals/lot-1.jpg failed: java.net.ConnectException",
                        false),
                new Failure(
                        "an unexpected error keeps its stack trace",
                        wrapped(new IllegalStateException("bug")),
                        1,
                        false,
                        "Delivery 1 of 6 failed for image lot-1 (event ev-7, miniatura.images-3@42): IllegalStateException: bug; retrying",
                        true),
                new Failure(
                        "a rejected image is not retried: only its dead letter is logged",
                        wrapped(new ImageRejectedException("lot-1", "empty file")),
                        1,
                        true,
                        "Dead-lettered image lot-1 (event ev-7, miniatura.images-3@42) to miniatura.images.dlq: ImageRejectedException: empty file",
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void logsOneLinePerFailedDeliveryOrDeadLetter(Failure failure) {
        ConsumerRecord<byte[], byte[]> record =
                new ConsumerRecord<>("miniatura.images", 3, 42, "lot-1".getBytes(StandardCharsets.UTF_8), new byte[0]);
        record.headers().add("ce_id", "ev-7".getBytes(StandardCharsets.UTF_8));
        attempts.failedDelivery(record, failure.error(), failure.attempt());
        if (failure.recovered()) {
            attempts.recovered(record, failure.error());
        }
        assertThat(lines.list).singleElement().satisfies(line -> {
            assertThat(line.getFormattedMessage()).isEqualTo(failure.line());
            assertThat(line.getThrowableProxy() != null).as("stack trace").isEqualTo(failure.stackTrace());
        });
    }

    private static Exception wrapped(Exception error) {
        return new ListenerExecutionFailedException("listener failed", error);
    }
}
