package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A signed request costs little until its signature is verified: its body is read only up to its route's limit,
 * into a buffer that grows with what arrives (never sized from {@code Content-Length}), by at most
 * {@value RealServerTest#UNVERIFIED} requests at once here; unknown key ids are refused like wrong signatures.
 * Bearer requests get the same per-route limits.
 */
class SignedBodiesTest extends RealServerTest {
    private static final String JSON_LIMIT = "is larger than the 65536 bytes this endpoint accepts";
    private static final String UNVERIFIED_GAUGE = "miniatura.unverified.bodies.in.progress";

    /** A presigned-upload request padded with spaces to {@code size} bytes: valid JSON of any length. */
    private static byte[] uploadRequest(int size) {
        String json = "{\"contentType\":\"image/jpeg\",\"size\":1000}";
        return (json + " ".repeat(size - json.length())).getBytes(StandardCharsets.UTF_8);
    }

    private Map<String, String> signedJson(String target, byte[] body) {
        Map<String, String> headers = new HashMap<>(signature("POST", target, freshTimestamp(), body));
        headers.put("Content-Type", "application/json");
        return headers;
    }

    @Test
    void aSmallJsonRouteTakesItsLimitAndNotAByteMore() throws Exception {
        byte[] fits = uploadRequest(64 * 1024);
        Raw accepted = raw("POST", "/v1/uploads", signedJson("/v1/uploads", fits), fits);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
        byte[] over = uploadRequest(64 * 1024 + 1);
        assertRefused(raw("POST", "/v1/uploads", signedJson("/v1/uploads", over), over), 413, "body", JSON_LIMIT);
        assertRefused(
                raw(
                        "POST",
                        "/v1/uploads",
                        Map.of("Authorization", "Bearer " + EVERYTHING, "Content-Type", "application/json"),
                        over),
                413,
                "body",
                JSON_LIMIT);
    }

    /** Chunked: no length is announced, so the limit is counted on the bytes as they arrive, signed or not. */
    @Test
    void aChunkedBodyIsCountedAsItArrives() throws Exception {
        byte[] over = uploadRequest(64 * 1024 + 1);
        assertRefused(chunked("/v1/uploads", signedJson("/v1/uploads", over), over), 413, "body", JSON_LIMIT);
        assertRefused(
                chunked(
                        "/v1/uploads",
                        Map.of("Authorization", "Bearer " + EVERYTHING, "Content-Type", "application/json"),
                        over),
                413,
                "body",
                JSON_LIMIT);
        byte[] fits = uploadRequest(1000);
        Raw accepted = chunked("/v1/uploads", signedJson("/v1/uploads", fits), fits);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
    }

    private Raw chunked(String target, Map<String, String> headers, byte[] body) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder("POST " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            for (int at = 0; at < body.length; at += 4096) {
                int n = Math.min(4096, body.length - at);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, at, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Raw response = parse(socket.getInputStream());
            return new Raw(response.status(), response.headers(), dechunk(response));
        }
    }

    private static String dechunk(Raw response) {
        if (!"chunked".equalsIgnoreCase(response.headers().get("transfer-encoding"))) {
            return response.body();
        }
        StringBuilder body = new StringBuilder();
        String rest = response.body();
        while (true) {
            int line = rest.indexOf("\r\n");
            int size = Integer.parseInt(rest.substring(0, line).trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(rest, line + 2, line + 2 + size);
            rest = rest.substring(line + 2 + size + 2);
        }
    }

    /**
     * Regression: the body was read into an array sized from the declared Content-Length (up to 51 MB) once the key
     * id was known and the timestamp fresh. A body that announces 2 MB and sends 1 KB now costs what arrives.
     */
    @Test
    void aDeclaredLengthReservesNothing() throws Exception {
        Map<String, String> headers = signedJson("/v1/events", EVENT.getBytes(StandardCharsets.UTF_8));
        long allocated = serverAllocation(() -> {
            try (Socket socket = hold("POST", "/v1/events", headers, 2_000_000, new byte[1024])) {
                socket.shutdownOutput(); // the body ends after 1 KB of the 2 MB announced
                socket.setSoTimeout(30_000);
                socket.getInputStream().readAllBytes();
            }
        });
        assertThat(allocated)
                .as("bytes allocated by the server for a body that announced 2 MB and sent 1 KB")
                .isLessThan(1_000_000);
        assertNothingHappened();
    }

    /**
     * Regression: nothing bounded how many bodies were read at once before their signature was checked. It waits
     * until the server is reading both held bodies before probing: a probe sent earlier could take a place first.
     */
    @Test
    void unverifiedBodiesAreReadAFewAtATime() throws Exception {
        awaitInProgress(UNVERIFIED_GAUGE, 0);
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < UNVERIFIED; i++) {
                held.add(hold(
                        "POST",
                        "/v1/events",
                        signedJson("/v1/events", EVENT.getBytes(StandardCharsets.UTF_8)),
                        1_000,
                        new byte[10]));
            }
            awaitInProgress(UNVERIFIED_GAUGE, UNVERIFIED);
            byte[] body = EVENT.getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> busy = send(
                    "POST",
                    "/v1/events",
                    "application/json",
                    body,
                    signature("POST", "/v1/events", freshTimestamp(), body));
            assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("3");
            assertThat(busy.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertProblem(
                    JSON.readTree(busy.body()),
                    503,
                    null,
                    UNVERIFIED + " signed requests being verified are "
                            + "in progress, the most this instance takes at once; retry in 3 s");
            assertThat(send(
                                    "POST",
                                    "/v1/events",
                                    "application/json",
                                    body,
                                    Map.of("Authorization", "Bearer " + EVERYTHING))
                            .statusCode())
                    .as("a bearer key reads no body before it is checked, so it is not held back")
                    .isEqualTo(202);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        awaitInProgress(UNVERIFIED_GAUGE, 0);
        byte[] body = EVENT.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> after = send(
                "POST",
                "/v1/events",
                "application/json",
                body,
                signature("POST", "/v1/events", freshTimestamp(), body));
        assertThat(after.statusCode())
                .as("the held bodies gave their places back")
                .isEqualTo(202);
    }

    /** Regression: an unknown key id had its own refusal, telling anyone which ids exist. */
    @Test
    void anUnknownKeyIdIsRefusedAsAWrongSignatureIs() throws Exception {
        byte[] body = EVENT.getBytes(StandardCharsets.UTF_8);
        long timestamp = freshTimestamp();
        Map<String, String> unknown = new HashMap<>(Map.of(
                "X-Miniatura-Key-Id",
                "nobody",
                "X-Miniatura-Timestamp",
                Long.toString(timestamp),
                "X-Miniatura-Signature",
                Authenticator.sign(SECRET, "nobody", timestamp, "POST", "/v1/events", body)));
        assertRefused(
                send("POST", "/v1/events", "application/json", body, unknown),
                401,
                "X-Miniatura-Signature",
                Authenticator.MISMATCH);
        assertRefused(
                send(
                        "POST",
                        "/v1/events",
                        "application/json",
                        "{}".getBytes(StandardCharsets.UTF_8),
                        signature("POST", "/v1/events", timestamp, body)),
                401,
                "X-Miniatura-Signature",
                Authenticator.MISMATCH);
    }

    /** An old client's signature is told what changed, not merely refused. */
    @Test
    void theRetiredSchemeIsRefusedSayingSo() throws Exception {
        byte[] body = EVENT.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = send(
                "POST",
                "/v1/events",
                "application/json",
                body,
                Map.of(
                        "X-Miniatura-Key-Id",
                        "legacy",
                        "X-Miniatura-Timestamp",
                        Long.toString(freshTimestamp()),
                        "X-Miniatura-Signature",
                        "sha256=" + "0".repeat(64)));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body())
                        .get("errors")
                        .get(0)
                        .get("message")
                        .asString())
                .startsWith("uses the retired scheme (sha256=");
        assertNothingHappened();
    }
}
