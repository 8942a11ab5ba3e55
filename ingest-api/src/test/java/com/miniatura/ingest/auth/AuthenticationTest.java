package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.PutOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;
import org.springframework.boot.test.system.CapturedOutput;

/**
 * No write succeeds without valid credentials: every write endpoint against a missing, wrong, expired, tampered,
 * replayed or out-of-scope credential, and with a good one.
 */
class AuthenticationTest extends RealServerTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withoutCredentials(Endpoint e) throws Exception {
        HttpResponse<String> response = send(e, e.body(), Map.of());
        assertRefused(
                response,
                401,
                "Authorization",
                "is required: send \"Bearer <API key>\" or sign the request "
                        + "(X-Miniatura-Signature, X-Miniatura-Key-Id, X-Miniatura-Timestamp)");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"miniatura\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withAWrongApiKey(Endpoint e) throws Exception {
        assertRefused(
                send(e, e.body(), Map.of("Authorization", "Bearer " + EVERYTHING + "x")),
                401,
                "Authorization",
                "is not a valid API key");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withAnExpiredTimestamp(Endpoint e) throws Exception {
        long tenMinutesAgo = Instant.now().getEpochSecond() - 600;
        HttpResponse<String> response = send(e, e.body(), signature(e, tenMinutesAgo, e.body()));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body())
                        .get("errors")
                        .get(0)
                        .get("message")
                        .asString())
                .matches(
                        "is 60[0-2] s away from the server's clock; signatures are accepted within 300 s of their timestamp");
        verifyNoInteractions(publisher);
    }

    static Stream<Endpoint> endpointsWithABody() {
        return endpoints().filter(e -> e.body().length > 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpointsWithABody")
    void withATamperedBody(Endpoint e) throws Exception {
        byte[] tampered = e.body().clone();
        tampered[tampered.length / 2] ^= 1;
        assertRefused(
                send(e, tampered, signature(e, Instant.now().getEpochSecond(), e.body())),
                401,
                "X-Miniatura-Signature",
                Authenticator.MISMATCH);
    }

    /** A deletion reads no body, so none is let in, signed or not. */
    @Test
    void aBodyOnADeletionIsRefused() throws Exception {
        Endpoint delete = endpoint("delete");
        byte[] body = "x".getBytes();
        assertRefused(
                send(delete, body, signature(delete, freshTimestamp(), body)),
                413,
                "body",
                "is larger than the 0 bytes this endpoint accepts");
        assertRefused(
                send(delete, body, Map.of("Authorization", "Bearer " + EVERYTHING)),
                413,
                "body",
                "is larger than the 0 bytes this endpoint accepts");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void aSignedRequestIsAcceptedOnceAndItsReplayRefused(Endpoint e) throws Exception {
        Map<String, String> signed = signature(e, freshTimestamp(), e.body());
        HttpResponse<String> first = send(e, e.body(), signed);
        assertThat(first.statusCode()).as(first.body()).isBetween(200, 299);
        clearInvocations(store, publisher);
        assertRefused(
                send(e, e.body(), signed), 401, "X-Miniatura-Signature", "was already used; sign every request afresh");
    }

    static Stream<Arguments> scopes() {
        return Stream.of(Arguments.of(endpoint("delete"), "delete"), Arguments.of(endpoint("notifications"), "notify"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scopes")
    void aKeyWithoutTheScopeIsForbidden(Endpoint e, String scope) throws Exception {
        assertRefused(
                send(e, e.body(), Map.of("Authorization", "Bearer " + UPLOADER)),
                403,
                "Authorization",
                "the key \"uploader\" may [upload] but this request needs the " + scope + " scope");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void aValidApiKeyIsLetIn(Endpoint e) throws Exception {
        HttpResponse<String> response = send(e, e.body(), Map.of("Authorization", "Bearer " + EVERYTHING));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    /** The signed multipart body reaches the controller intact: the form field and the file's bytes. */
    @Test
    void aSignedMultipartUploadKeepsItsFieldsAndFile() throws Exception {
        Endpoint images = endpoint("images");
        AtomicReference<byte[]> stored = new AtomicReference<>();
        doAnswer(call -> {
                    stored.set(Files.readAllBytes(call.<Path>getArgument(2)));
                    return "etag";
                })
                .when(store)
                .putFile(
                        eq("originals"),
                        eq("img-2.jpg"),
                        any(),
                        eq(PutOptions.of("image/jpeg").withUserMetadata(Map.of("image-id", "img-2"))));
        HttpResponse<String> response = send(images, images.body(), signature(images, freshTimestamp(), images.body()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JSON.readTree(response.body()).get("imageId").asString()).isEqualTo("img-2");
        assertThat(stored.get()).isEqualTo(JPEG);
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<ImageEvent>> events = ArgumentCaptor.forClass(List.class);
        verify(publisher).publishAll(events.capture());
        assertThat(((ImageUploaded) events.getValue().get(0).data()).key()).isEqualTo("img-2.jpg");
    }

    /** Reads need no credentials: the status and the image page are for support staff and browsers. */
    @Test
    void readsAreOpen() throws Exception {
        HttpResponse<String> status = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/images/unknown"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(404);
    }

    @Test
    void aKeyOverItsRateIsToldWhenToRetry() throws Exception {
        Endpoint events = endpoints().findFirst().orElseThrow();
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < 3; i++) {
            last = send(events, events.body(), Map.of("Authorization", "Bearer " + LIMITED));
            statuses.add(last.statusCode());
        }
        assertThat(statuses).containsExactly(202, 202, 429);
        assertThat(last.headers().firstValue("Retry-After"))
                .hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isBetween(1L, 20L));
        assertThat(JSON.readTree(last.body()).get("detail").asString())
                .matches("the key \"limited\" sent more than 2 "
                        + "requests at once or 0.05 per second; retry in (1?[0-9]|20) s");
        assertThat(send(events, events.body(), Map.of("Authorization", "Bearer " + EVERYTHING))
                        .statusCode())
                .as("another key is not held back")
                .isEqualTo(202);
    }

    /** Neither a key, nor a secret, nor a signature reaches the log, whatever is refused. */
    @Test
    void noCredentialIsEverLogged(CapturedOutput output) throws Exception {
        Endpoint events = endpoints().findFirst().orElseThrow();
        Map<String, String> signed = signature(events, freshTimestamp(), events.body());
        send(events, events.body(), signed);
        send(events, events.body(), signed); // replay
        send(events, "{}".getBytes(), signature(events, freshTimestamp(), events.body())); // tampered
        send(events, events.body(), Map.of("Authorization", "Bearer " + EVERYTHING + "x"));
        send(events, events.body(), Map.of("Authorization", "Bearer " + EVERYTHING));
        assertThat(output.getAll())
                .contains("Refused POST /v1/events")
                .doesNotContain(
                        EVERYTHING,
                        SECRET,
                        signed.get("X-Miniatura-Signature").substring(3),
                        HexFormat.of().formatHex(AuthSettings.sha256(EVERYTHING)));
    }
}
