package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.config.Problems;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** {@code miniatura.worker.retry.*}: every bad value is reported, naming its key. */
class RetrySettingsTest {
    private static final Map<String, Object> DEFAULTS = Map.of(
            "miniatura.worker.retry.max-attempts", "10",
            "miniatura.worker.retry.initial-interval", "1s",
            "miniatura.worker.retry.multiplier", "2.0",
            "miniatura.worker.retry.max-interval", "30s",
            "miniatura.worker.retry.jitter", "0.2");

    @Test
    void defaults() {
        Problems problems = new Problems();
        assertThat(RetrySettings.load(environment(Map.of()), problems))
                .isEqualTo(new RetrySettings(10, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2));
        assertThat(problems.messages()).isEmpty();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(
                        "jitter",
                        "x",
                        "miniatura.worker.retry.jitter: expected a fraction 0..1 such as 0.2 but was \"x\""),
                Arguments.of(
                        "jitter",
                        "1.5",
                        "miniatura.worker.retry.jitter: expected a fraction 0..1 such as 0.2 but was \"1.5\""),
                Arguments.of(
                        "jitter",
                        "-0.1",
                        "miniatura.worker.retry.jitter: expected a fraction 0..1 such as 0.2 but was \"-0.1\""),
                Arguments.of(
                        "max-attempts",
                        "0",
                        "miniatura.worker.retry.max-attempts: expected a number of attempts 1..1000 such as 6 but was \"0\""),
                Arguments.of(
                        "max-attempts",
                        "many",
                        "miniatura.worker.retry.max-attempts: expected a number of attempts 1..1000 such as 6 but was \"many\""),
                Arguments.of(
                        "initial-interval",
                        "soon",
                        "miniatura.worker.retry.initial-interval: expected a positive duration such as 1s but was \"soon\""),
                Arguments.of(
                        "initial-interval",
                        "0s",
                        "miniatura.worker.retry.initial-interval: expected a positive duration such as 1s but was \"0s\""),
                Arguments.of(
                        "multiplier",
                        "0.5",
                        "miniatura.worker.retry.multiplier: expected a number 1..10 such as 2.0 but was \"0.5\""),
                Arguments.of(
                        "multiplier",
                        "NaN",
                        "miniatura.worker.retry.multiplier: expected a number 1..10 such as 2.0 but was \"NaN\""),
                Arguments.of(
                        "max-interval",
                        "-5s",
                        "miniatura.worker.retry.max-interval: expected a positive duration such as 30s but was \"-5s\""),
                Arguments.of(
                        "max-interval",
                        "500ms",
                        "miniatura.worker.retry.max-interval: expected a duration not below initial-interval (1s) but was \"500ms\""));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void reportsABadValueNamingItsKey(String key, String value, String message) {
        Problems problems = new Problems();
        RetrySettings.load(environment(Map.of("miniatura.worker.retry." + key, value)), problems);
        assertThat(problems.messages()).containsExactly(message);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Problems problems = new Problems();
        RetrySettings.load(
                environment(Map.of(
                        "miniatura.worker.retry.max-attempts", "",
                        "miniatura.worker.retry.jitter", "20%")),
                problems);
        assertThat(problems.messages())
                .containsExactlyInAnyOrder(
                        "miniatura.worker.retry.max-attempts: expected a number of attempts 1..1000 such as 6 but was \"\"",
                        "miniatura.worker.retry.jitter: expected a fraction 0..1 such as 0.2 but was \"20%\"");
    }

    private static StandardEnvironment environment(Map<String, Object> overrides) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("defaults", new LinkedHashMap<>(DEFAULTS)));
        environment.getPropertySources().addFirst(new MapPropertySource("overrides", new LinkedHashMap<>(overrides)));
        return environment;
    }
}
