package com.miniatura.common.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The AVIF quality an AVIF twin gets for its JPEG's quality: the measured table, between and beyond its points. */
class AvifQualityTest {

    record Case(int jpeg, int side, int avif) {
        @Override
        public String toString() {
            return "JPEG q" + jpeg + " at " + side + " px → AVIF q" + avif;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(80, 150, 55), // small variants take the 300 px row
                new Case(80, 300, 55),
                new Case(80, 800, 62),
                new Case(80, 1600, 75),
                new Case(80, 4096, 75), // held beyond the largest side
                new Case(50, 300, 42),
                new Case(65, 300, 47), // halfway between 60 → 45 and 70 → 49
                new Case(40, 300, 32), // below the table, a point per point
                new Case(1, 300, 1),
                new Case(100, 1600, 98),
                new Case(150, 800, 95), // qualities are clamped to 1..100 first
                new Case(80, 480, 58), // log-side interpolation between 300 (55) and 800 (62)
                new Case(80, 1132, 69)); // just past √(800 × 1600): 68.5, halfway between 62 and 75
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void followsTheMeasuredTable(Case c) {
        assertThat(AvifQuality.ofJpeg(c.jpeg(), c.side())).isEqualTo(c.avif());
    }
}
