package com.miniatura.worker.render;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.testing.KnownFindings;
import com.miniatura.worker.render.codec.Decode;
import java.awt.image.BufferedImage;
import java.time.Duration;

/**
 * Fuzzes the decode front door, {@link Decode#decode}, under small limits (so each input stays cheap): whatever the
 * bytes, the result is a decoded image within the limits or a {@link RenderException}. Any other exception escapes
 * the worker as a transient failure and is retried; an Error (out of memory, stack overflow) or a hang past the
 * render deadline is worse. Replayed in the build but fuzzed only locally: two runs with the same seed explore
 * differently (decoder caches, hash orders, the wall-clock deadline), and the CI budget must be deterministic. See
 * docs/fuzzing.md.
 */
class DecodeFuzzTest {

    static final RenderLimits LIMITS = new RenderLimits(2_000_000, 1_000_000, 16, Duration.ofSeconds(2));

    @FuzzTest(maxExecutions = 5_000, maxDuration = "5m")
    void decode(byte[] data) {
        Decode.Decoded[] decoded = new Decode.Decoded[1];
        boolean refused;
        try {
            refused = KnownFindings.tolerated(data, () -> decoded[0] = Decode.decode(data, LIMITS));
        } catch (RenderException e) {
            assertNotNull(e.reason());
            assertNotNull(e.getMessage());
            return;
        }
        if (refused) {
            return;
        }
        assertTrue(Decode.SUPPORTED.contains(decoded[0].format()), decoded[0].format());
        BufferedImage image = decoded[0].image();
        assertNotNull(image);
        long pixels = (long) image.getWidth() * image.getHeight();
        assertTrue(
                pixels > 0 && pixels <= LIMITS.maxSourcePixels(),
                "decoded " + image.getWidth() + "x" + image.getHeight() + " past the pixel limit");
        assertNotNull(decoded[0].metadata());
    }
}
