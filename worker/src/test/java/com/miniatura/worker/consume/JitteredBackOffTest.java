package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.util.backoff.BackOffExecution;

/** The retry intervals: exponential, jittered, capped, and exactly max-attempts - 1 of them. */
class JitteredBackOffTest {

    static Stream<Arguments> settings() {
        return Stream.of(
                Arguments.of(new RetrySettings(6, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2)),
                Arguments.of(new RetrySettings(10, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2)),
                Arguments.of(new RetrySettings(3, Duration.ofMillis(50), 1.0, Duration.ofMillis(50), 0.5)),
                Arguments.of(new RetrySettings(8, Duration.ofMillis(100), 3.0, Duration.ofSeconds(2), 1.0)),
                Arguments.of(new RetrySettings(1, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2)));
    }

    @ParameterizedTest
    @MethodSource("settings")
    void staysWithinTheJitterOfTheCappedCurveThenStops(RetrySettings settings) {
        for (long seed = 0; seed < 200; seed++) {
            List<Long> intervals = intervals(settings, seed);
            assertThat(intervals).as("seed %d", seed).hasSize(settings.maxAttempts() - 1);
            for (int n = 0; n < intervals.size(); n++) {
                double max = settings.maxInterval().toMillis();
                double curve =
                        Math.min(settings.initialInterval().toMillis() * Math.pow(settings.multiplier(), n), max);
                assertThat(intervals.get(n))
                        .as("seed %d, retry %d of %s", seed, n, intervals)
                        .isBetween(
                                Math.round(Math.floor(curve * (1 - settings.jitter()))),
                                Math.round(Math.min(Math.ceil(curve * (1 + settings.jitter())), max)));
            }
        }
    }

    /** java.util.Random's sequence is specified, so a seed gives these exact intervals. */
    @Test
    void seededIntervals() {
        RetrySettings defaults = new RetrySettings(6, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2);
        List<Long> intervals = intervals(defaults, 42);
        System.out.println("Seed 42, defaults: " + intervals);
        assertThat(intervals).containsExactly(1091L, 2147L, 3694L, 7287L, 17060L);
    }

    @Test
    void withoutJitterItIsThePlainCappedExponential() {
        RetrySettings settings = new RetrySettings(8, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0);
        assertThat(intervals(settings, 7)).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L);
    }

    /** Collects the intervals of one execution until STOP, and checks STOP is final. */
    private static List<Long> intervals(RetrySettings settings, long seed) {
        BackOffExecution execution = new JitteredBackOff(settings, new Random(seed)).start();
        List<Long> intervals = new ArrayList<>();
        for (long next; (next = execution.nextBackOff()) != BackOffExecution.STOP; ) {
            intervals.add(next);
            assertThat(intervals).hasSizeLessThan(1000);
        }
        assertThat(execution.nextBackOff()).isEqualTo(BackOffExecution.STOP);
        return intervals;
    }
}
