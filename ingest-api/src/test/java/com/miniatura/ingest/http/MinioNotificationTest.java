package com.miniatura.ingest.http;

import static org.assertj.core.api.Assertions.assertThatCode;

import com.miniatura.common.event.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Regression tests for what fuzzing {@link MinioNotification#parse} found (docs/fuzzing.md,
 * MinioNotificationFuzzTest): a record it cannot use is a field error (400) or ignored, never an exception, which
 * {@code POST /v1/notifications/minio} would answer with 500 and MinIO would retry forever.
 */
class MinioNotificationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void userMetadataThatIsNotAStringDoesNotThrow() {
        for (String value : List.of("{}", "[\"lot-1\"]")) {
            JsonNode body = created("{\"key\":\"lot-1.jpg\",\"userMetadata\":{\"X-Amz-Meta-Image-Id\":" + value + "}}");
            List<FieldError> errors = new ArrayList<>();

            assertThatCode(() -> MinioNotification.parse(body, "originals", errors))
                    .as(value)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void aSizeBeyondALongDoesNotThrow() {
        for (String size : List.of("99999999999999999999999", "-99999999999999999999999")) {
            JsonNode body = created("{\"key\":\"lot-1.jpg\",\"size\":" + size + "}");
            List<FieldError> errors = new ArrayList<>();

            assertThatCode(() -> MinioNotification.parse(body, "originals", errors))
                    .as(size)
                    .doesNotThrowAnyException();
        }
    }

    private static JsonNode created(String object) {
        return JSON.readTree(
                "{\"EventName\":\"s3:ObjectCreated:Put\",\"Records\":[{\"eventName\":\"s3:ObjectCreated:Put\","
                        + "\"s3\":{\"bucket\":{\"name\":\"originals\"},\"object\":" + object + "}}]}");
    }
}
