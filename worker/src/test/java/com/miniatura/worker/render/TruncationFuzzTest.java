package com.miniatura.worker.render;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.testing.KnownFindings;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Truncation;

/**
 * Fuzzes {@link Truncation#endsEarly} for every format in {@link Decode#SUPPORTED}: a plain walk over the container
 * structure that must answer for any bytes, never throw (it runs before the decoder, outside the code that turns
 * decoder failures into refusals). See docs/fuzzing.md.
 */
class TruncationFuzzTest {

    @FuzzTest(maxExecutions = 200_000, maxDuration = "5m")
    void endsEarly(byte[] data) {
        KnownFindings.tolerated(() -> {
            for (String format : Decode.SUPPORTED) {
                Truncation.endsEarly(format, data);
                Truncation.checks(format);
            }
        });
    }
}
