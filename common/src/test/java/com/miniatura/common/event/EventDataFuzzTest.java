package com.miniatura.common.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.testing.KnownFindings;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@link EventCodec#parseData(byte[], String, boolean, List)}, which reads the JSON of an upload at the HTTP
 * edge ({@code POST /v1/events}, strict) and in the worker (lenient). It never throws: every problem is a
 * {@link FieldError} under the caller's path, and it returns null exactly when it added one. What it accepts is
 * valid ({@link EventValidator}); what strict mode accepts, lenient mode accepts the same. See docs/fuzzing.md.
 */
class EventDataFuzzTest {

    private static final String PATH = "events[3].";

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
        "\"imageId\"",
        "\"lotId\"",
        "\"bucket\"",
        "\"key\"",
        "\"etag\"",
        "\"size\"",
        "\"contentType\"",
        "\"variants\"",
        "..",
        "/"
    })
    @FuzzTest(maxExecutions = 30_000, maxDuration = "5m")
    void parseData(byte[] json) {
        KnownFindings.tolerated(() -> check(json));
    }

    private static void check(byte[] json) {
        List<FieldError> strictErrors = new ArrayList<>();
        ImageUploaded strict = EventCodec.parseData(json, PATH, true, strictErrors);
        List<FieldError> lenientErrors = new ArrayList<>();
        ImageUploaded lenient = EventCodec.parseData(json, PATH, false, lenientErrors);

        check(strict, strictErrors);
        check(lenient, lenientErrors);
        if (strict != null) {
            assertEquals(strict, lenient, "strict mode accepted what lenient mode read differently");
        }
        assertTrue(lenientErrors.size() <= strictErrors.size(), "lenient mode found more problems than strict mode");
    }

    private static void check(ImageUploaded data, List<FieldError> errors) {
        assertEquals(data == null, !errors.isEmpty(), "null exactly when there are errors: " + errors);
        for (FieldError error : errors) {
            assertNotNull(error.field());
            assertNotNull(error.message());
            assertTrue(
                    error.field().startsWith(PATH) || error.field().equals(PATH.substring(0, PATH.length() - 1)),
                    "error outside the caller's path: " + error);
        }
        if (data != null) {
            assertEquals(List.of(), EventValidator.validate(data, PATH));
            assertFalse(data.imageId().isEmpty());
        }
    }
}
