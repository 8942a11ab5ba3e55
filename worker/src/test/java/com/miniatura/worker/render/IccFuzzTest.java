package com.miniatura.worker.render;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.testing.KnownFindings;
import com.miniatura.worker.render.codec.Icc;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;

/**
 * Fuzzes {@link Icc#fromPng}: walks the PNG chunks to {@code iCCP}, inflates it (bounded) and parses the profile.
 * It never throws (an unusable profile is ignored, as browsers do), and a profile it returns can be handed to
 * {@link Icc#attach}, which does not throw either. See docs/fuzzing.md.
 */
class IccFuzzTest {

    private static final BufferedImage RGB = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);
    private static final BufferedImage GRAY = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
    private static final BufferedImage PALETTE = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED);

    @FuzzTest(maxExecutions = 50_000, maxDuration = "5m")
    void fromPng(byte[] data) {
        KnownFindings.tolerated(() -> check(data));
    }

    private static void check(byte[] data) {
        ICC_Profile profile = Icc.fromPng(data);
        if (profile != null) {
            assertNotNull(Icc.attach(RGB, profile));
            assertNotNull(Icc.attach(GRAY, profile));
            assertNotNull(Icc.attach(PALETTE, profile));
        }
    }
}
