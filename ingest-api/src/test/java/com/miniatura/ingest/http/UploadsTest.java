package com.miniatura.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.miniatura.ingest.publish.EventPublisher;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/uploads}: a presigned PUT for the declared type and exact size, at the public storage address.
 * That storage enforces the signature is shown against a real S3 server in the standalone's {@code IntegrationsIT}.
 */
@IngestWebTest
@TestPropertySource(
        properties = {
            "miniatura.ingest.max-upload-size=1MB",
            "miniatura.ingest.uploads.endpoint=https://uploads.example.com",
            "miniatura.ingest.uploads.expiry=10m"
        })
class UploadsTest {
    @Autowired
    MockMvc http;

    @Autowired
    EventPublisher publisher;

    @Test
    void aPresignedPutForTheDeclaredTypeAndSize() throws Exception {
        Instant before = Instant.now();
        String body = http.perform(
                        post("/v1/uploads")
                                .contentType(MediaType.APPLICATION_JSON)
                                .content(
                                        "{\"contentType\": \"image/png\", \"size\": 48213, \"imageId\": \"lot-7-1\", \"lotId\": \"lot-7\"}"))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/v1/images/lot-7-1"))
                .andExpect(jsonPath("$.imageId").value("lot-7-1"))
                .andExpect(jsonPath("$.bucket").value("originals"))
                .andExpect(jsonPath("$.key").value("lot-7-1.png"))
                .andExpect(jsonPath("$.method").value("PUT"))
                .andExpect(jsonPath("$.headers.Content-Type").value("image/png"))
                .andExpect(jsonPath("$.headers.Content-Length").value("48213"))
                .andExpect(jsonPath("$.headers.x-amz-meta-image-id").value("lot-7-1"))
                .andExpect(jsonPath("$.headers.x-amz-meta-lot-id").value("lot-7"))
                .andReturn()
                .getResponse()
                .getContentAsString();
        JsonNode upload = JsonMapper.builder().build().readTree(body);
        URI url = URI.create(upload.get("url").asString());
        assertThat(url.getScheme() + "://" + url.getAuthority() + url.getPath())
                .isEqualTo("https://uploads.example.com/originals/lot-7-1.png");
        assertThat(url.getRawQuery())
                .contains(
                        "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-meta-image-id%3Bx-amz-meta-lot-id",
                        "X-Amz-Expires=600", "X-Amz-Credential=minioadmin%2F");
        assertThat(Instant.parse(upload.get("expiresAt").asString()))
                .isBetween(before.plus(Duration.ofMinutes(10)), Instant.now().plus(Duration.ofMinutes(10)));
        verifyNoInteractions(publisher); // rendered when storage's notification arrives
    }

    @Test
    void anImageIdIsGeneratedWhenLeftOut() throws Exception {
        http.perform(post("/v1/uploads")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"contentType\": \"image/jpeg\", \"size\": 1}"))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.imageId").value(Matchers.matchesPattern("[0-9a-f-]{36}")))
                .andExpect(jsonPath("$.key").value(Matchers.endsWith(".jpg")));
    }

    record Bad(String name, String body, String field, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badRequests() {
        String types = "image/jpeg, image/png, image/gif, image/webp, image/bmp, image/tiff";
        return Stream.of(
                new Bad("no type", "{\"size\": 10}", "contentType", "is required: one of " + types),
                new Bad(
                        "not an image type",
                        "{\"contentType\": \"image/svg+xml\", \"size\": 10}",
                        "contentType",
                        "must be one of " + types + " but was \"image/svg+xml\""),
                new Bad(
                        "no size",
                        "{\"contentType\": \"image/jpeg\"}",
                        "size",
                        "is required: the file's exact size in bytes"),
                new Bad(
                        "too large",
                        "{\"contentType\": \"image/jpeg\", \"size\": 1048577}",
                        "size",
                        "must be 1..1048576 bytes but was 1048577"),
                new Bad(
                        "empty",
                        "{\"contentType\": \"image/jpeg\", \"size\": 0}",
                        "size",
                        "must be 1..1048576 bytes but was 0"),
                new Bad(
                        "size as text",
                        "{\"contentType\": \"image/jpeg\", \"size\": \"10\"}",
                        "size",
                        "must be a whole number of bytes"),
                new Bad(
                        "an unknown field", "{\"contentType\": \"image/jpeg\", \"size\": 10, \"acl\": \"public-read\"}",
                        "acl", "is not a known field; expected [contentType, imageId, lotId, size]"),
                new Bad(
                        "a traversal in the imageId",
                                "{\"contentType\": \"image/jpeg\", \"size\": 10, \"imageId\": \"../x\"}",
                        "imageId", "must be 1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'"),
                new Bad(
                        "a control character in the lotId",
                        "{\"contentType\": \"image/jpeg\", \"size\": 10, \"lotId\": \"a\\u0000b\"}",
                        "lotId",
                        "must be 1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'"),
                new Bad(
                        "not JSON",
                        "contentType=image/jpeg",
                        "body",
                        "is not valid JSON: Unrecognized token 'contentType': "
                                + "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadRequestIsAProblemNamingTheField(Bad c) throws Exception {
        http.perform(post("/v1/uploads").contentType(MediaType.APPLICATION_JSON).content(c.body()))
                .andExpect(status().isBadRequest())
                .andExpect(header().string("Content-Type", "application/problem+json"))
                .andExpect(jsonPath("$.errors[0].field").value(c.field()))
                .andExpect(jsonPath("$.errors[0].message").value(c.message()));
    }
}
