package com.miniatura.worker.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.testing.KnownFindings;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Exif;

/**
 * Fuzzes {@link Exif}. {@link Exif#read} is documented never to throw: it swallows RuntimeExceptions as a "last
 * line of defence, never expected", so the parsers behind it are called directly too, where any exception is a
 * finding. Whatever the bytes, the metadata kept must be sane: orientation 1-8, copyright absent or non-blank
 * printable text of at most {@link Exif#MAX_COPYRIGHT_BYTES} characters. See docs/fuzzing.md.
 */
class ExifFuzzTest {

    @FuzzTest(maxExecutions = 40_000, maxDuration = "5m")
    void read(byte[] data) {
        KnownFindings.tolerated(() -> checkAll(data));
    }

    private static void checkAll(byte[] data) {
        for (String format : Decode.SUPPORTED) {
            check(Exif.read(format, data));
        }
        check(Exif.fromJpeg(data));
        check(Exif.fromPng(data));
        check(Exif.fromWebp(data));
        SourceMetadata whole = Exif.fromTiff(data, 0, data.length);
        check(whole);
        assertEquals(whole, Exif.read("tiff", data), "read() gave up on a TIFF its parser reads");
        // as inside a JPEG APP1 segment or a WebP/PNG chunk: the TIFF structure after a prefix, up to a bound
        if (data.length > 6) {
            check(Exif.fromTiff(data, 6, data.length - 6));
            check(Exif.fromTiff(data, 6, data.length / 2));
        }
        Exif.tiffIfd0HasTag(data, 0, data.length, 0xC612); // DNG version, as FormatSniffer asks
        Exif.tiffIfd0HasTag(data, 0, data.length, 0x0112);
    }

    private static void check(SourceMetadata metadata) {
        assertNotNull(metadata);
        assertTrue(metadata.orientation() >= 1 && metadata.orientation() <= 8, "orientation " + metadata.orientation());
        String copyright = metadata.copyright();
        if (copyright != null) {
            assertFalse(copyright.isBlank(), "blank copyright");
            assertTrue(copyright.length() <= Exif.MAX_COPYRIGHT_BYTES, "copyright of " + copyright.length() + " chars");
            assertTrue(copyright.chars().noneMatch(c -> c < 0x20 || c == 0x7F), "C0 control character in copyright");
            assertTrue(copyright.chars().noneMatch(c -> c >= 0x80 && c <= 0x9F), "C1 control character in copyright");
        }
    }
}
