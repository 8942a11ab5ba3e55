package com.miniatura.worker.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.testing.KnownFindings;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.SourceFormat;

/**
 * Fuzzes {@link Sniff#format}: for any bytes it names one of {@link Decode#SUPPORTED} or refuses with a
 * {@link RenderException} whose message says what the file is; nothing else may escape (an unchecked exception
 * would be retried as if transient). See docs/fuzzing.md.
 */
class SniffFuzzTest {

    @FuzzTest(maxExecutions = 100_000, maxDuration = "5m")
    void format(byte[] data) {
        KnownFindings.tolerated(() -> check(data));
    }

    private static void check(byte[] data) {
        String format;
        try {
            format = SourceFormat.of(data);
        } catch (RenderException e) {
            assertEquals(RenderException.Reason.UNSUPPORTED_FORMAT, e.reason());
            assertNotNull(e.getMessage());
            return;
        }
        assertTrue(Decode.SUPPORTED.contains(format), format);
    }
}
