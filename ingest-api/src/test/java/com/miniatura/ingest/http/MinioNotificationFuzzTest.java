package com.miniatura.ingest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.miniatura.common.event.EventValidator;
import com.miniatura.common.event.FieldError;
import com.miniatura.common.testing.KnownFindings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.JsonNode;

/**
 * Fuzzes what {@code POST /v1/notifications/minio} does with a request body before it touches storage or Kafka:
 * {@link JsonBodies#read} then {@link MinioNotification#parse}, as {@link NotificationsController} calls them. A bad
 * body may only be refused with an {@link ApiException} (400, or 413 past the size limit), which the problem handler
 * answers; {@code parse} itself never throws but lists field errors (any other exception would be a 500, and MinIO
 * would retry the same body forever). What it accepts names a valid key of the originals bucket, and no folder marker
 * as a created object (what the object is, the controller asks storage). See docs/fuzzing.md.
 */
class MinioNotificationFuzzTest {

    private static final String ORIGINALS = "originals";
    private static final long MAX_BODY_BYTES = 64 * 1024;

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
        "\"Records\"",
        "\"EventName\"",
        "\"eventName\"",
        "\"s3\"",
        "\"bucket\"",
        "\"name\"",
        "\"object\"",
        "\"key\"",
        "\"size\"",
        "\"eTag\"",
        "\"contentType\"",
        "\"userMetadata\"",
        "\"X-Amz-Meta-Image-Id\"",
        "\"X-Amz-Meta-Lot-Id\"",
        "\"content-type\"",
        "\"originals\"",
        "s3:ObjectCreated:",
        "s3:ObjectRemoved:",
        "%2F",
        "%zz",
        "%",
        "+"
    })
    @FuzzTest(maxExecutions = 40_000, maxDuration = "5m")
    void parse(byte[] body) throws IOException {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/notifications/minio");
        request.setContentType("application/json");
        request.setContent(body);
        JsonNode node;
        try {
            node = JsonBodies.read(request, MAX_BODY_BYTES, "a MinIO notification");
        } catch (ApiException e) {
            assertTrue(
                    e.status() == HttpStatus.BAD_REQUEST || e.status() == HttpStatus.CONTENT_TOO_LARGE,
                    e.status().toString());
            assertFalse(e.errors().isEmpty());
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        List<List<MinioNotification.Change>> parsed = new ArrayList<>();
        if (KnownFindings.tolerated(() -> parsed.add(MinioNotification.parse(node, ORIGINALS, errors)))) {
            return;
        }
        List<MinioNotification.Change> changes = parsed.get(0);
        assertNotNull(changes);
        if (!errors.isEmpty()) {
            ApiException refused = ApiException.invalid(errors);
            assertEquals(HttpStatus.BAD_REQUEST, refused.status());
            return;
        }
        for (MinioNotification.Change change : changes) {
            assertNull(EventValidator.keyProblem(change.key()), "key " + change.key());
            if (change instanceof MinioNotification.Created created) {
                assertFalse(created.key().endsWith("/"), "folder marker " + created.key());
            } else if (change instanceof MinioNotification.Removed removed) {
                assertNotNull(removed.key());
            } else {
                assertNotNull(((MinioNotification.Ignored) change).reason());
            }
        }
    }
}
