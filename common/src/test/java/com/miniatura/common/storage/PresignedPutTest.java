package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SigV4 query-string signing against AWS's published example, and what the PUT form signs. */
class PresignedPutTest {
    static final String ACCESS = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    /**
     * The worked example of https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html: GET
     * test.txt from examplebucket, 24 hours, signed 2013-05-24.
     */
    @Test
    void awsDocumentedExample() {
        URI url = PresignedPut.presign(
                "GET",
                URI.create("https://examplebucket.s3.amazonaws.com"),
                "us-east-1",
                ACCESS,
                SECRET,
                null,
                "test.txt",
                Map.of(),
                Duration.ofHours(24),
                Instant.parse("2013-05-24T00:00:00Z"));
        assertThat(url.toString())
                .isEqualTo("https://examplebucket.s3.amazonaws.com/test.txt"
                        + "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                        + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                        + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                        + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    }

    @Test
    void thePutSignsTheChosenHeadersPathStyle() {
        URI url = PresignedPut.url(
                URI.create("http://localhost:9000"),
                "us-east-1",
                "minioadmin",
                "minioadmin",
                "originals",
                "lots/7/lot 7-1.jpg",
                Map.of("Content-Type", "image/jpeg", "Content-Length", "48213", "x-amz-meta-image-id", "lot-7-1"),
                Duration.ofMinutes(15),
                Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(url.getRawPath()).isEqualTo("/originals/lots/7/lot%207-1.jpg");
        assertThat(url.getAuthority()).isEqualTo("localhost:9000");
        assertThat(url.getRawQuery())
                .contains("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-meta-image-id")
                .contains("X-Amz-Expires=900")
                .matches(".*&X-Amz-Signature=[0-9a-f]{64}$");
    }

    @Test
    void theDefaultPortIsNotPartOfTheSignedHost() {
        URI url = PresignedPut.url(
                URI.create("https://s3.example.com:443"),
                "eu-west-1",
                "a",
                "b",
                "originals",
                "k.jpg",
                Map.of(),
                Duration.ofMinutes(1),
                Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(url.toString()).startsWith("https://s3.example.com/originals/k.jpg?");
    }

    @Test
    void anExpiryBeyondWhatS3AllowsIsRefused() {
        assertThatThrownBy(() -> PresignedPut.url(
                        URI.create("http://localhost:9000"),
                        "us-east-1",
                        "a",
                        "b",
                        "o",
                        "k",
                        Map.of(),
                        Duration.ofDays(8),
                        Instant.now()))
                .hasMessage("expiry must be 1 s to 7 days but was PT192H");
    }
}
