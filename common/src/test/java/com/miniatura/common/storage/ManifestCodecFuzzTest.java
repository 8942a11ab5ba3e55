package com.miniatura.common.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.testing.KnownFindings;
import tools.jackson.core.JacksonException;

/**
 * Fuzzes {@link ManifestCodec#read}, which reads status documents from the thumbnails bucket: written by us, but a
 * bucket can hold anything (a half-written object, an older or newer writer, a hand edit). The contract this test
 * holds it to: a document it cannot read fails with Jackson's {@link JacksonException} (unchecked; every caller in
 * the worker, ingest and rerender that must survive a bad manifest catches RuntimeException around it), never with
 * another exception or an Error; and what it reads is a manifest (not null) with a status (the callers switch on
 * it or call {@code equals} on it), that writes back and reads again to the same manifest. See docs/fuzzing.md.
 */
class ManifestCodecFuzzTest {

    /** JSON tokens and the names the parser looks up (in hash maps: no comparisons for the fuzzer to learn from). */
    @DictionaryEntries({
        "{}",
        "[]",
        "null",
        "true",
        "false",
        "\"\":",
        "\"\"",
        "99999999999999999999999",
        "-99999999999999999999999",
        "1e400",
        "-0",
        "1.5",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"schema\"",
        "\"imageId\"",
        "\"status\"",
        "\"source\"",
        "\"variants\"",
        "\"blurhash\"",
        "\"reason\"",
        "\"eventId\"",
        "\"updatedAt\"",
        "\"deletedAt\"",
        "\"width\"",
        "\"height\"",
        "\"bytes\"",
        "\"specHash\"",
        "\"2026-11-23T10:41:54Z\""
    })
    @FuzzTest(maxExecutions = 50_000, maxDuration = "5m")
    void read(byte[] json) {
        KnownFindings.tolerated(() -> check(json));
    }

    private static void check(byte[] json) {
        Manifest manifest;
        try {
            manifest = ManifestCodec.read(json);
        } catch (JacksonException e) {
            return;
        }
        assertNotNull(manifest, "read a manifest as null");
        assertNotNull(manifest.status(), "read a manifest without a status");
        assertNotNull(manifest.variants());
        assertEquals(manifest, ManifestCodec.read(ManifestCodec.write(manifest)), "write/read changed the manifest");
    }
}
