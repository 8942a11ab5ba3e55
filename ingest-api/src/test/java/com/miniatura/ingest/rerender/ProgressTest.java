package com.miniatura.ingest.rerender;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The progress line: the bar on a terminal, the log line otherwise, with rate and time left. */
class ProgressTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bar, a quarter in 30 s  | BAR | 0.25 | 4000 | 3000 | 30 | rerender [######..................]  25%  4,000 listed  3,000 published  100/s  ETA 0:01:30
            bar, just started       | BAR | 0.0  | 0    | 0    | 0  | rerender [........................]   0%  0 listed  0 published  0/s  ETA -:--:--
            bar, done               | BAR | 1.0  | 9000 | 9000 | 90 | rerender [########################] 100%  9,000 listed  9,000 published  100/s  ETA 0:00:00
            log, half in an hour    | LOG | 0.5  | 1000000 | 900000 | 3600 | 50% - 1,000,000 listed, 900,000 published, 250 events/s, ETA 1:00:00
            """)
    void showsProgressRateAndTimeLeft(
            String description,
            RerenderOptions.ProgressStyle style,
            double fraction,
            long listed,
            long published,
            double seconds,
            String expected) {
        Progress progress = new Progress(null, style, System.out);
        assertThat(progress.line(fraction, listed, published, seconds)).isEqualTo(expected);
    }
}
