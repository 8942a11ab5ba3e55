package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.config.Problems;
import com.miniatura.common.testing.Environments;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.env.StandardEnvironment;

/** {@code miniatura.worker.dead-letter-status.*}: the defaults, and every bad value reported naming its key. */
class DeadLetterStatusSettingsTest {
    private static final String PREFIX = "miniatura.worker.dead-letter-status.";

    private static StandardEnvironment environment(Map<String, String> arguments) {
        return Environments.withArguments(
                Environments.withVariables(Map.of(), "miniatura/worker-defaults.yml"),
                arguments.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
    }

    @Test
    void defaults() {
        Problems problems = new Problems();
        assertThat(DeadLetterStatusSettings.load(environment(Map.of()), problems))
                .isEqualTo(new DeadLetterStatusSettings(
                        10_000, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMinutes(1)));
        assertThat(problems.messages()).isEmpty();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(
                        "max-pending",
                        "0",
                        PREFIX + "max-pending: expected a number of writes 1..1000000 such as 10000 but was \"0\""),
                Arguments.of(
                        "max-pending",
                        "lots",
                        PREFIX + "max-pending: expected a number of writes 1..1000000 such as 10000 but was \"lots\""),
                Arguments.of(
                        "give-up-after",
                        "0s",
                        PREFIX + "give-up-after: expected a positive duration such as 1h but was \"0s\""),
                Arguments.of(
                        "initial-interval",
                        "soon",
                        PREFIX + "initial-interval: expected a positive duration such as 1s but was \"soon\""),
                Arguments.of(
                        "max-interval",
                        "-1m",
                        PREFIX + "max-interval: expected a positive duration such as 1m but was \"-1m\""),
                Arguments.of(
                        "max-interval",
                        "500ms",
                        PREFIX
                                + "max-interval: expected a duration not below initial-interval (1s) but was \"500ms\""));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void reportsABadValueNamingItsKey(String key, String value, String message) {
        Problems problems = new Problems();
        DeadLetterStatusSettings.load(environment(Map.of(PREFIX + key, value)), problems);
        assertThat(problems.messages()).containsExactly(message);
    }
}
