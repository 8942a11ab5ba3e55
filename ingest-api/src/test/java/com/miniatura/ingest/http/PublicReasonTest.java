package com.miniatura.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Regression: reasons in status documents written before workers worded them for the public named the original's
 * bucket and key, storage's error and a file's first bytes, and the status API showed them to anyone. They are shown
 * as a worker words them now; every other reason as stored.
 */
class PublicReasonTest {
    record Case(String stored, String shown) {
        @Override
        public String toString() {
            return stored;
        }
    }

    static Stream<Case> reasons() {
        return Stream.of(
                new Case("original not found: originals/secrets/payroll.jpg", "original not found"),
                new Case(
                        "original cannot be read: get originals/img-1.jpg refused: AccessDenied Access Denied.",
                        "original cannot be read: storage refused to serve it"),
                new Case(
                        "source too large: originals/a b.jpg has 60000000 bytes, over the limit of 52428800",
                        "source too large: the original has 60000000 bytes, over the limit of 52428800"),
                new Case(
                        "source too large: originals/a.jpg has more than 1000 bytes, over the limit of 1000",
                        "source too large: the original has more than 1000 bytes, over the limit of 1000"),
                new Case(
                        "unsupported format: not a recognised image (starts with 0x53 0x45 0x43 0x52)",
                        "unsupported format: not a recognised image"),
                new Case(
                        "unsupported format: ISO media file (brand xq7z), not an image",
                        "unsupported format: ISO media file, not an image"),
                // as workers word them now, and the reasons that never named storage: unchanged
                new Case("original not found", "original not found"),
                new Case(
                        "original cannot be read: storage refused to serve it",
                        "original cannot be read: storage refused to serve it"),
                new Case(
                        "source too large: 20000x20000 = 400000000 pixels exceeds the limit of 250000000",
                        "source too large: 20000x20000 = 400000000 pixels exceeds the limit of 250000000"),
                new Case("unsupported format: text, not an image", "unsupported format: text, not an image"),
                new Case(
                        "the worker stopped 3 times while rendering this image",
                        "the worker stopped 3 times while rendering this image"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reasons")
    void aStoredReasonIsShownAsAWorkerWordsItNow(Case c) {
        assertThat(PublicReason.of(c.stored())).isEqualTo(c.shown());
    }
}
