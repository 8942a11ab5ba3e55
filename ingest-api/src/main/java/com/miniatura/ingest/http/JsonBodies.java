package com.miniatura.ingest.http;

import com.miniatura.common.event.FieldError;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a JSON object body, bounded, refusing what is too large or not JSON with a problem naming {@code body}. */
final class JsonBodies {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonBodies() {}

    /** @param expected what the body should be, for messages: {@code one event or {"events": [...]}} */
    static JsonNode read(HttpServletRequest request, long maxBytes, String expected) throws IOException {
        return parse(readBounded(request.getInputStream(), maxBytes), expected);
    }

    private static byte[] readBounded(InputStream in, long maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            if (out.size() > maxBytes) {
                throw new ApiException(
                        HttpStatus.CONTENT_TOO_LARGE,
                        "Request too large",
                        "the body is larger than the limit of " + maxBytes + " bytes",
                        List.of(new FieldError("body", "is larger than " + maxBytes + " bytes")));
            }
        }
        return out.toByteArray();
    }

    private static JsonNode parse(byte[] body, String expected) {
        if (body.length == 0) {
            throw ApiException.invalid("body", "is required: send " + expected);
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiException.invalid("body", "must be a JSON object: " + expected);
            }
            return node;
        } catch (JacksonException e) {
            throw ApiException.invalid("body", "is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
