package com.miniatura.common.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.testing.KnownFindings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes {@link EventCodec#decode}, the worker's reading of a Kafka record: for any headers and value it returns a
 * valid event or throws {@link InvalidEventException} naming at least one field; anything else would be taken for
 * a transient failure and retried. A decoded event encodes back to the same event.
 *
 * <p>The fuzz input is a record in a readable form, so that seeds can be written by hand: header lines
 * {@code name: value} (raw bytes, not necessarily UTF-8), an empty line, then the record value. An input without
 * an empty line is a value with no headers. See docs/fuzzing.md.
 */
class EventCodecFuzzTest {

    /**
     * JSON tokens and the names the parser looks up (in hash maps: no comparisons for the fuzzer to learn from). No
     * token with a line break: Jazzer 0.30 writes those unescaped into libFuzzer's dictionary file, which then fails.
     */
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
        "ce_specversion: ",
        "ce_id: ",
        "ce_source: ",
        "ce_type: ",
        "ce_time: ",
        "content-type: ",
        "image.uploaded",
        "image.deleted",
        "application/json",
        "\"imageId\"",
        "\"lotId\"",
        "\"bucket\"",
        "\"key\"",
        "\"etag\"",
        "\"size\"",
        "\"contentType\"",
        "\"variants\""
    })
    @FuzzTest(maxExecutions = 20_000, maxDuration = "5m")
    void decode(byte[] data) {
        KnownFindings.tolerated(() -> check(data));
    }

    private static void check(byte[] data) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        byte[] value = Records.split(data, headers);
        ImageEvent event;
        try {
            event = EventCodec.decode(headers, value);
        } catch (InvalidEventException e) {
            assertFalse(e.errors().isEmpty(), "an InvalidEventException without errors");
            return;
        }
        assertNotNull(event.data());
        assertEquals(event.type(), event.data().type());
        assertFalse(event.id().isBlank());
        assertFalse(event.source().isBlank());
        if (event.data() instanceof ImageUploaded uploaded) {
            assertEquals(List.of(), EventValidator.validate(uploaded, ""));
        } else {
            assertNull(EventValidator.imageIdProblem(event.data().imageId()));
        }
        ImageEvent again = EventCodec.decode(EventCodec.headers(event), EventCodec.payload(event.data()));
        assertEquals(event, again, "decode(encode(event)) differs from the event");
    }

    /** The readable record form of the fuzz input (see the class comment). */
    static final class Records {
        private Records() {}

        static byte[] split(byte[] data, Map<String, byte[]> headers) {
            int blank = indexOf(data, new byte[] {'\n', '\n'}, 0);
            if (blank < 0) {
                return data;
            }
            int line = 0;
            while (line < blank) {
                int end = indexOf(data, new byte[] {'\n'}, line);
                end = end < 0 || end > blank ? blank : end;
                int colon = indexOf(data, new byte[] {':', ' '}, line);
                if (colon >= 0 && colon < end) {
                    headers.put(
                            new String(data, line, colon - line, StandardCharsets.UTF_8),
                            Arrays.copyOfRange(data, colon + 2, end));
                }
                line = end + 1;
            }
            return Arrays.copyOfRange(data, blank + 2, data.length);
        }

        private static int indexOf(byte[] data, byte[] what, int from) {
            outer:
            for (int i = from; i + what.length <= data.length; i++) {
                for (int j = 0; j < what.length; j++) {
                    if (data[i + j] != what[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
