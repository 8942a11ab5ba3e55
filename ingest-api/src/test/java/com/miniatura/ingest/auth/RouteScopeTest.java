package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scope a write needs is the scope of the handler it reaches, and paths that reach a handler by another
 * spelling are refused before any credential is looked at: the confirmed recipes (an upload-only key got
 * {@code 202} from {@code POST /v1/notifications;x/minio} and {@code /v1/%6Eotifications/minio}) and their
 * variants, sent byte for byte.
 */
class RouteScopeTest extends RealServerTest {
    private static final byte[] BODY = NOTIFICATION.getBytes(StandardCharsets.UTF_8);
    private static final Map<String, String> UPLOAD_KEY =
            Map.of("Authorization", "Bearer " + UPLOADER, "Content-Type", "application/json");

    static Stream<Arguments> pathTricks() {
        return Stream.of(
                Arguments.of("/v1/notifications;x/minio", PathRulesTest.SEMICOLON),
                Arguments.of("/v1/notifications/minio;x", PathRulesTest.SEMICOLON),
                Arguments.of("/v1/images/..;/notifications/minio", PathRulesTest.SEMICOLON),
                Arguments.of("/v1/images/%2e%2e/notifications/minio", PathRulesTest.DOT),
                Arguments.of("/v1/images/%2E%2E/notifications/minio", PathRulesTest.DOT),
                Arguments.of("/v1/images/.%2e/notifications/minio", PathRulesTest.DOT),
                Arguments.of("/v1/images/../notifications/minio", PathRulesTest.DOT),
                Arguments.of("/v1/./notifications/minio", PathRulesTest.DOT),
                Arguments.of("//v1/notifications/minio", PathRulesTest.EMPTY),
                Arguments.of("/v1//notifications/minio", PathRulesTest.EMPTY),
                Arguments.of("/v1/notifications%2Fminio", PathRulesTest.SLASH),
                Arguments.of("/v1/notifications%2fminio", PathRulesTest.SLASH),
                Arguments.of("/v1%2Fnotifications/minio", PathRulesTest.SLASH),
                Arguments.of("/v1/notifications%5Cminio", PathRulesTest.SLASH),
                Arguments.of("/v1/notifications%5cminio", PathRulesTest.SLASH));
    }

    /** Regression: scopes were bypassed with path tricks; now each is a 400 naming the rule, before any key. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pathTricks")
    void aPathTrickIsRefusedBeforeAnyCredential(String path, String rule) throws Exception {
        assertRefused(raw("POST", path, UPLOAD_KEY, BODY), 400, "path", rule);
        assertRefused(raw("POST", path, Map.of("Content-Type", "application/json"), BODY), 400, "path", rule);
    }

    static Stream<String> encodedSpellings() {
        return Stream.of(
                "/v1/%6Eotifications/minio",
                "/v1/%6eotifications/minio", "/v1/notifications/m%69nio", "/%76%31/notifications/minio");
    }

    /** Regression: the scope was picked from the raw string; an encoded letter now reaches the notify check. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("encodedSpellings")
    void anEncodedSpellingNeedsTheScopeOfTheHandlerItReaches(String path) throws Exception {
        assertRefused(
                raw("POST", path, UPLOAD_KEY, BODY),
                403,
                "Authorization",
                "the key \"uploader\" may [upload] but this request needs the notify scope");
    }

    @Test
    void theRouteItselfIsStillForbiddenToAnUploadKeyAndOpenToANotifyKey() throws Exception {
        assertRefused(
                raw("POST", "/v1/notifications/minio", UPLOAD_KEY, BODY),
                403,
                "Authorization",
                "the key \"uploader\" may [upload] but this request needs the notify scope");
        Raw accepted = raw(
                "POST",
                "/v1/%6Eotifications/minio",
                Map.of("Authorization", "Bearer " + EVERYTHING, "Content-Type", "application/json"),
                BODY);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    }

    /** Closed by default: a write that reaches no handler of ours is refused, whatever credential it carries. */
    @Test
    void aWriteNoHandlerTakesIsRefused() throws Exception {
        Map<String, String> key = Map.of("Authorization", "Bearer " + EVERYTHING, "Content-Type", "application/json");
        assertRefused(raw("POST", "/v1/anything", key, BODY), 404, "path", "no endpoint takes POST requests here");
        assertRefused(raw("POST", "/actuator/health", key, BODY), 404, "path", "no endpoint takes POST requests here");
        assertRefused(raw("POST", "/error", key, BODY), 404, "path", "no endpoint takes POST requests here");
        Raw put = raw("PUT", "/v1/images/img-1", key, BODY);
        assertRefused(put, 405, "path", "takes DELETE, GET, HEAD, not PUT");
        assertThat(put.headers().get("allow")).isEqualTo("DELETE, GET, HEAD");
    }

    @Test
    void readsFollowThePathRulesToo() throws Exception {
        assertRefused(raw("GET", "/v1/images/img-1;x", Map.of(), new byte[0]), 400, "path", PathRulesTest.SEMICOLON);
        assertThat(raw("GET", "/v1/images/unknown", Map.of(), new byte[0]).status())
                .isEqualTo(404);
    }
}
