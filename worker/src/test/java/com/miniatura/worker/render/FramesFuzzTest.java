package com.miniatura.worker.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.testing.KnownFindings;
import com.miniatura.worker.render.codec.Frames;
import com.miniatura.worker.render.codec.SourceFormat;

/**
 * Fuzzes the frame counters of {@link Frames}: {@link Frames.Gif#layout} and {@link Frames.Webp#layout} on any
 * bytes (they are plain container walks), and {@link Frames#count} on bytes {@link SourceFormat} named, as
 * {@link Decode} calls it. Nothing may throw: these run before the decoder, where an unchecked exception escapes
 * as a transient failure. See docs/fuzzing.md.
 */
class FramesFuzzTest {

    @FuzzTest(maxExecutions = 200_000, maxDuration = "5m")
    void walk(byte[] data) {
        KnownFindings.tolerated(() -> check(data));
    }

    private static void check(byte[] data) {
        Frames.Gif gif = Frames.Gif.layout(data);
        assertTrue(gif.frames() >= 0, "GIF frames " + gif.frames());
        gif.frameFillsScreen();

        Frames.Webp webp = Frames.Webp.layout(data);
        assertTrue(webp.frames() >= 0, "WebP frames " + webp.frames());
        webp.consistent();

        String format;
        try {
            format = SourceFormat.of(data);
        } catch (RenderException e) {
            return;
        }
        long frames = Frames.count(format, data);
        assertTrue(frames >= 1, format + " frames " + frames);
    }
}
