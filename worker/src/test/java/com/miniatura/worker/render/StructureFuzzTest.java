package com.miniatura.worker.render;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.testing.KnownFindings;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Structure;

/**
 * Fuzzes {@link Structure#check} for every format in {@link Decode#SUPPORTED}: the walk that refuses structure bombs
 * runs before the decoder, outside the code that turns decoder failures into refusals, so for any bytes it must
 * either return or refuse with a {@link RenderException}, never throw anything else. See docs/fuzzing.md.
 */
class StructureFuzzTest {

    @FuzzTest(maxExecutions = 200_000, maxDuration = "5m")
    void check(byte[] data) {
        KnownFindings.tolerated(() -> {
            for (String format : Decode.SUPPORTED) {
                try {
                    Structure.check(format, data, RenderLimits.defaults());
                } catch (RenderException refused) {
                    // a bound or an inconsistency named: what it is for
                }
            }
        });
    }
}
