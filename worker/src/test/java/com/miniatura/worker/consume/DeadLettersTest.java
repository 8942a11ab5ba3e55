package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.storage.StorageUnavailableException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.messaging.MessageHandlingException;

/** The dead-letter reason is capped at 1 KB of UTF-8 and the error class is the worker's own. */
class DeadLettersTest {

    static Stream<Arguments> reasons() {
        return Stream.of(
                Arguments.of("short", "short"),
                Arguments.of("a".repeat(1024), "a".repeat(1024)),
                Arguments.of("a".repeat(1025), "a".repeat(1024)),
                // é is 2 bytes: 512 of them fill the 1 KB, the 513th would cross it
                Arguments.of("é".repeat(600), "é".repeat(512)),
                // never cut inside a character: 1023 bytes of 'a' leave no room for a 2-byte é
                Arguments.of("a".repeat(1023) + "éé", "a".repeat(1023)),
                // nor inside a surrogate pair (4 bytes)
                Arguments.of("a".repeat(1021) + "😀", "a".repeat(1021)));
    }

    @ParameterizedTest
    @MethodSource("reasons")
    void capsTheReason(String reason, String expected) {
        String capped = DeadLetters.cap(reason, DeadLetters.MAX_REASON_BYTES);
        assertThat(capped).isEqualTo(expected);
        assertThat(capped.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(1024);
    }

    @Test
    void theErrorClassIsTheWorkersNotSpringsWrappersNorTheIoCause() {
        StorageUnavailableException storage = new StorageUnavailableException(
                "get a/b failed", new IllegalStateException(new ConnectException("refused")));
        Exception wrapped = new ListenerExecutionFailedException(
                "listener failed", new MessageHandlingException(null, "handler failed", storage));
        assertThat(DeadLetters.cause(wrapped)).isSameAs(storage);
    }
}
