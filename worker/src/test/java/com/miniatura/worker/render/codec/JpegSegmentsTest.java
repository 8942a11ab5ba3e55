package com.miniatura.worker.render.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walk over a JPEG's marker segments ({@link JpegSegments}) that every JPEG reader in the package shares: each
 * case a file in hex and the walk's trace, one entry per step ({@code E0@2+4} a segment by marker, offset and
 * length; {@code bad} before one whose length is under 2 or runs past the data; {@code scan→16} where the
 * entropy-coded data after a scan header ends; then where the walk stopped and why).
 */
class JpegSegmentsTest {

    record Walk(String label, String hex, boolean standalone, String trace) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Walk> walks() {
        return Stream.of(
                new Walk("a segment, then EOI", "FFD8 FFE0 0004 AABB FFD9", true, "E0@2+4 EOI@8"),
                new Walk("fill bytes before a marker", "FFD8 FFFF FFE0 0004 AABB FFD9", true, "E0@4+4 EOI@10"),
                new Walk(
                        "SOI, TEM and RST0-7 stand alone, without a length",
                        "FFD8 FFD8 FF01 FFD0 FFD7 FFDB 0004 0000 FFD9",
                        true,
                        "DB@10+4 EOI@16"),
                new Walk(
                        "a length that runs past the end: the walk goes on where it points, past the data",
                        "FFD8 FFE1 0010 0000",
                        true,
                        "bad E1@2+16 END@20"),
                new Walk(
                        "a length under 2: the walk goes on where it points",
                        "FFD8 FFFE 0001 FFFF D9",
                        true,
                        "bad FE@2+1 LOST_SYNC@5"),
                new Walk("the data ends inside a length", "FFD8 FFE0 00", true, "END@2"),
                new Walk("the data ends after a marker's first byte", "FFD8 FFE0 0004 AABB FF", true, "E0@2+4 END@8"),
                new Walk("a lost sync byte", "FFD8 FFE0 0004 AABB 12FF D9", true, "E0@2+4 LOST_SYNC@8"),
                new Walk("EOI in the last two bytes", "FFD8 FFD9", true, "EOI@2"),
                new Walk(
                        "SOS reached; its entropy-coded data holds stuffed bytes, restarts and fill bytes",
                        "FFD8 FFDA 0004 0102 11FF 0022 FFD0 33FF FFD9",
                        true,
                        "DA@2+4 scan→16 EOI@16"),
                new Walk(
                        "two scans with a table between them",
                        "FFD8 FFDA 0004 0000 AAFF C400 0400 00FF DA00 0400 00BB FFD9",
                        true,
                        "DA@2+4 scan→9 C4@9+4 DA@15+4 scan→22 EOI@22"),
                new Walk(
                        "a scan that runs to the end of the data",
                        "FFD8 FFDA 0004 0102 1122 FF",
                        true,
                        "DA@2+4 scan→11 END@11"),
                new Walk(
                        "every marker with a length, as JpegHeader reads: RST0 and EOI too",
                        "FFD8 FFD0 0004 0000 FFD9 0002",
                        false,
                        "D0@2+4 D9@8+2 END@12"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("walks")
    void walksTheMarkerSegments(Walk c) {
        byte[] b = HexFormat.of().parseHex(c.hex().replace(" ", ""));
        JpegSegments walk = c.standalone() ? JpegSegments.from(b, 2) : JpegSegments.everyMarkerWithLength(b, 2);
        StringJoiner trace = new StringJoiner(" ");
        for (int steps = 0; steps < 100; steps++) {
            JpegSegments.Step step = walk.next();
            if (!step.segment()) {
                trace.add(step + "@" + (step == JpegSegments.Step.EOI ? walk.offset() : walk.position()));
                break;
            }
            String segment = "%02X@%d+%d".formatted(walk.marker(), walk.offset(), walk.length());
            trace.add(step == JpegSegments.Step.BAD_LENGTH ? "bad " + segment : segment);
            assertThat(walk.payload()).isEqualTo(walk.offset() + 4);
            assertThat(walk.end()).isEqualTo(walk.position());
            if (walk.marker() == JpegSegments.SOS) {
                trace.add("scan→" + walk.skipEntropy());
            }
        }
        assertThat(trace.toString()).isEqualTo(c.trace());
    }

    record Entropy(String label, String hex, int from, int end) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Entropy> entropy() {
        return Stream.of(
                new Entropy("data, then a marker", "1122 FFC4", 0, 2),
                new Entropy("stuffed 0xFF00 is data", "FF00 FF00 FFD9", 0, 4),
                new Entropy("restart markers are data", "FFD0 11FF D7FF D9", 0, 5),
                new Entropy("fill bytes before the marker", "11FF FFFF D9", 0, 3),
                new Entropy("SOI is a marker, not a restart", "11FF D8", 0, 1),
                new Entropy("no marker: the end of the data", "1122 33", 0, 3),
                new Entropy("0xFF as the last byte", "11FF", 0, 2),
                new Entropy("a marker right at the start", "FFC0", 0, 0),
                new Entropy("from inside the data", "FFD9 11FF DA", 1, 3),
                new Entropy("from past the end", "11", 5, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entropy")
    void findsTheEndOfEntropyCodedData(Entropy c) {
        byte[] b = HexFormat.of().parseHex(c.hex().replace(" ", ""));
        assertThat(JpegSegments.entropyEnd(b, c.from())).isEqualTo(c.end());
    }
}
