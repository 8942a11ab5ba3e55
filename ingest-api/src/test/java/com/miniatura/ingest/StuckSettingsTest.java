package com.miniatura.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.config.MiniaturaDefaults;
import com.miniatura.common.config.Problems;
import com.miniatura.common.testing.Environments;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.env.StandardEnvironment;

/** {@code miniatura.ingest.stuck.*}: the defaults, and every bad value reported naming its key. */
class StuckSettingsTest {
    private static final String PREFIX = "miniatura.ingest.stuck.";

    private static StuckSettings load(Map<String, String> arguments, Problems problems) {
        StandardEnvironment environment = Environments.withArguments(
                Environments.withVariables(Map.of(), MiniaturaDefaults.SHARED, "miniatura/ingest-api-defaults.yml"),
                arguments.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
        return StuckSettings.load(environment, problems);
    }

    @Test
    void defaults() {
        Problems problems = new Problems();
        assertThat(load(Map.of(), problems))
                .isEqualTo(new StuckSettings(Duration.ofHours(1), Duration.ofMinutes(5), 100_000, 1000));
        assertThat(problems.messages()).isEmpty();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(
                        "after",
                        "30s",
                        PREFIX + "after: expected a duration from 1m to 30d such as 1h but was \"30s\""),
                Arguments.of(
                        "after",
                        "forever",
                        PREFIX + "after: expected a duration from 1m to 30d such as 1h but was \"forever\""),
                Arguments.of(
                        "sweep-interval",
                        "1s",
                        PREFIX + "sweep-interval: expected a duration from 10s to 1d such as 5m but was \"1s\""),
                Arguments.of(
                        "sweep-max-markers",
                        "0",
                        PREFIX
                                + "sweep-max-markers: expected a number of markers 1..10000000 such as 100000 but was \"0\""),
                Arguments.of(
                        "sweep-max-checks",
                        "-1",
                        PREFIX
                                + "sweep-max-checks: expected a number of manifest reads 0..100000 such as 1000 but was \"-1\""));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void reportsABadValueNamingItsKey(String key, String value, String message) {
        Problems problems = new Problems();
        load(Map.of(PREFIX + key, value), problems);
        assertThat(problems.messages()).containsExactly(message);
    }

    @ParameterizedTest
    @CsvSource({"1h, 1h", "90m, 1h30m", "2d, 2d", "61s, 1m1s", "3700s, 1h1m40s"})
    void theAgeIsWrittenAsPeopleWriteIt(String configured, String written) {
        assertThat(load(Map.of(PREFIX + "after", configured), new Problems()).afterText())
                .isEqualTo(written);
    }
}
