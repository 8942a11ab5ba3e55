package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Paths that reach one handler by two spellings are refused; the paths clients use are not. */
class PathRulesTest {
    static final String SEMICOLON = "must not contain ';' (path parameters are not accepted)";
    static final String SLASH = "must not contain an encoded slash (%2F), a backslash or an encoded backslash (%5C)";
    static final String DOT = "must not contain a dot segment (. or .., encoded or not)";
    static final String EMPTY = "must not contain an empty segment (//)";

    static Stream<Arguments> paths() {
        return Stream.of(
                Arguments.of("/v1/notifications/minio", null),
                Arguments.of("/v1/images/lot-7.1_a", null),
                Arguments.of("/v1/images/..a", null),
                Arguments.of("/v1/images/a..", null),
                Arguments.of("/swagger-ui/", null),
                Arguments.of("/", null),
                Arguments.of("/v1/%6Eotifications/minio", null), // an encoded letter: the route decides its scope
                Arguments.of("/v1/notifications;x/minio", SEMICOLON),
                Arguments.of("/v1/notifications/minio;", SEMICOLON),
                Arguments.of("/v1/images/a;jsessionid=1", SEMICOLON),
                Arguments.of("/v1/notifications%2Fminio", SLASH),
                Arguments.of("/v1/notifications%2fminio", SLASH),
                Arguments.of("/v1/notifications%5Cminio", SLASH),
                Arguments.of("/v1/notifications%5cminio", SLASH),
                Arguments.of("/v1\\notifications/minio", SLASH),
                Arguments.of("/v1/images/../notifications/minio", DOT),
                Arguments.of("/v1/images/%2e%2e/notifications/minio", DOT),
                Arguments.of("/v1/images/%2E%2E/notifications/minio", DOT),
                Arguments.of("/v1/images/.%2E/notifications/minio", DOT),
                Arguments.of("/v1/./notifications/minio", DOT),
                Arguments.of("/v1/%2e/notifications/minio", DOT),
                Arguments.of("/v1/images/..", DOT),
                Arguments.of("//v1/notifications/minio", EMPTY),
                Arguments.of("/v1//notifications/minio", EMPTY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void eachPathIsTakenOrRefusedNamingTheRule(String path, String problem) {
        assertThat(PathRules.problem(path)).isEqualTo(problem);
    }
}
