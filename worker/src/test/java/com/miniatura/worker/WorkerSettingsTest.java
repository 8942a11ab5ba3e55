package com.miniatura.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.config.Problems;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * {@code miniatura.worker.max-render-attempts} and {@code memory-budget}: the default, values within bounds, and
 * each bad value named.
 */
class WorkerSettingsTest {
    private static final Map<String, Object> DEFAULTS = Map.of(
            "miniatura.worker.max-source-bytes", "50MB",
            "miniatura.worker.max-source-pixels", "250000000",
            "miniatura.worker.max-source-frames", "1000",
            "miniatura.worker.render-timeout", "60s",
            "miniatura.worker.shutdown-deadline", "30s",
            "miniatura.worker.max-render-attempts", "3",
            "miniatura.worker.memory-budget", "60%");

    static Stream<Arguments> maxRenderAttempts() {
        String expected =
                "miniatura.worker.max-render-attempts: expected a number of attempts 1..1000 such as 3 but was ";
        return Stream.of(
                Arguments.of(null, 3, null),
                Arguments.of("1", 1, null),
                Arguments.of("1000", 1000, null),
                Arguments.of("0", null, expected + "\"0\""),
                Arguments.of("1001", null, expected + "\"1001\""),
                Arguments.of("-3", null, expected + "\"-3\""),
                Arguments.of("three", null, expected + "\"three\""),
                Arguments.of("", null, expected + "\"\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maxRenderAttempts")
    void maxRenderAttemptsIsANumberOfAttemptsNamedWhenBad(String value, Integer attempts, String problem) {
        Map<String, Object> properties = new LinkedHashMap<>(DEFAULTS);
        if (value != null) {
            properties.put("miniatura.worker.max-render-attempts", value);
        }
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        Problems problems = new Problems();
        WorkerSettings settings = WorkerSettings.load(environment, problems);
        if (problem == null) {
            assertThat(problems.messages()).isEmpty();
            assertThat(settings.maxRenderAttempts()).isEqualTo(attempts);
        } else {
            assertThat(problems.messages()).containsExactly(problem);
        }
    }

    static Stream<Arguments> memoryBudgets() {
        long pool = 1000L << 20;
        String expected = "miniatura.worker.memory-budget: expected a share of the heap such as 60% or a size such as"
                + " 200MB, at most the 1000 MB the heap has for large images but was ";
        return Stream.of(
                Arguments.of("60%", 600L << 20, null),
                Arguments.of("100%", pool, null),
                Arguments.of("12.5%", 125L << 20, null),
                Arguments.of("200MB", 200L << 20, null),
                Arguments.of("1GB", null, expected + "\"1GB\""),
                Arguments.of("0%", null, expected + "\"0%\""),
                Arguments.of("150%", null, expected + "\"150%\""),
                Arguments.of("lots", null, expected + "\"lots\""),
                Arguments.of("%", null, expected + "\"%\""),
                Arguments.of(null, null, expected + "not set"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("memoryBudgets")
    void memoryBudgetIsAShareOfTheHeapOrASizeWithinIt(String value, Long bytes, String problem) {
        Problems problems = new Problems();
        long budget = WorkerSettings.memoryBudget(value, 1000L << 20, problems);
        if (problem == null) {
            assertThat(problems.messages()).isEmpty();
            assertThat(budget).isEqualTo(bytes);
        } else {
            assertThat(problems.messages()).containsExactly(problem);
        }
    }
}
