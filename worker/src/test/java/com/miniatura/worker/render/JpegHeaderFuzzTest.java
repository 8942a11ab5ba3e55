package com.miniatura.worker.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.testing.KnownFindings;
import com.miniatura.worker.render.codec.JpegHeader;

/**
 * Fuzzes {@link JpegHeader#parse}: null for anything that is not a well-formed JPEG up to a first scan, never an
 * exception; and what it returns is consistent with the bytes (the scan starts where it says, every kept segment
 * lies before it, one sampling pair and one table per component). See docs/fuzzing.md.
 */
class JpegHeaderFuzzTest {

    @FuzzTest(maxExecutions = 200_000, maxDuration = "5m")
    void parse(byte[] data) {
        KnownFindings.tolerated(() -> check(data));
    }

    private static void check(byte[] data) {
        JpegHeader header = JpegHeader.parse(data);
        if (header == null) {
            return;
        }
        int scan = header.scanStart();
        assertTrue(scan >= 2 && scan + 1 < data.length, "scan at " + scan);
        assertEquals(0xFF, data[scan] & 0xFF);
        assertEquals(JpegHeader.SOS, data[scan + 1] & 0xFF);
        assertTrue(header.sof() >= 0xC0 && header.sof() <= 0xCF, "SOF " + header.sof());
        assertNotNull(header.ids());
        assertEquals(2 * header.ids().length, header.sampling().length);
        assertEquals(header.ids().length, header.tableOf().length);
        for (int[] segment : header.kept()) {
            assertTrue(
                    segment[0] >= 2 && segment[1] >= 4 && segment[0] + segment[1] <= scan,
                    "kept segment " + segment[0] + "+" + segment[1] + " with the scan at " + scan);
            assertEquals(0xFF, data[segment[0]] & 0xFF);
        }
        header.ycbcr();
    }
}
