package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The scope a write needs is its handler's, found as the dispatcher finds it, whatever spelling of the path reached
 * it; a handler of ours that takes writes without saying what it requires stops the service from starting.
 */
class RoutesTest {

    /** Stand-ins for the controllers: what the mapping holds is all {@link Routes} reads. */
    static class Handlers {
        @RequiresScope(value = Scope.NOTIFY, body = BodyLimit.JSON)
        void notification() {}

        @RequiresScope(value = Scope.DELETE, body = BodyLimit.NONE)
        void delete() {}

        @RequiresScope(value = Scope.UPLOAD, body = BodyLimit.JSON)
        void deleteAll() {}

        void status() {}

        void unguarded() {}

        void anyMethod() {}
    }

    private static RequestMappingHandlerMapping mapping(String... routes) throws Exception {
        RequestMappingInfo.BuilderConfiguration config = new RequestMappingInfo.BuilderConfiguration();
        config.setPatternParser(PathPatternParser.defaultInstance);
        RequestMappingHandlerMapping mapping = new RequestMappingHandlerMapping();
        Handlers handlers = new Handlers();
        for (String route : routes) { // "METHOD /pattern handlerMethod", METHOD "*" for every method
            String[] parts = route.split(" ");
            RequestMappingInfo.Builder info = RequestMappingInfo.paths(parts[1]).options(config);
            if (!parts[0].equals("*")) {
                info.methods(RequestMethod.valueOf(parts[0]));
            }
            Method method = Handlers.class.getDeclaredMethod(parts[2]);
            mapping.registerMapping(info.build(), handlers, method);
        }
        return mapping;
    }

    private static final String[] API = {
        "POST /v1/notifications/minio notification",
        "DELETE /v1/images/{imageId} delete",
        "DELETE /v1/images/all deleteAll",
        "GET /v1/images/{imageId} status"
    };

    static Stream<String> spellingsOfTheNotificationRoute() {
        return Stream.of(
                "/v1/notifications/minio",
                "/v1/%6Eotifications/minio",
                "/v1/%6eotifications/minio",
                "/v1/notifications;x/minio",
                "/v1/notifications/minio;jsessionid=1",
                "/v1/n%6F%74ifications/minio",
                "/%76%31/notifications/minio");
    }

    /** Regression: the scope came from the raw string, so an upload key got these past the notify check. */
    @ParameterizedTest
    @MethodSource("spellingsOfTheNotificationRoute")
    void everySpellingOfAPathNeedsItsHandlersScope(String path) throws Exception {
        Routes routes = new Routes(mapping(API), "com.miniatura");
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
        assertThat(routes.find(request).requires().value()).isEqualTo(Scope.NOTIFY);
    }

    @Test
    void theMostSpecificPatternWinsAsInTheDispatcher() throws Exception {
        Routes routes = new Routes(mapping(API), "com.miniatura");
        assertThat(routes.find(new MockHttpServletRequest("DELETE", "/v1/images/all"))
                        .requires()
                        .value())
                .isEqualTo(Scope.UPLOAD);
        assertThat(routes.find(new MockHttpServletRequest("DELETE", "/v1/images/a%6Cl"))
                        .requires()
                        .value())
                .isEqualTo(Scope.UPLOAD);
        assertThat(routes.find(new MockHttpServletRequest("DELETE", "/v1/images/img-1"))
                        .requires()
                        .value())
                .isEqualTo(Scope.DELETE);
    }

    @Test
    void aWriteNoHandlerTakesFindsNothingButThePathsMethods() throws Exception {
        Routes routes = new Routes(mapping(API), "com.miniatura");
        Routes.Match put = routes.find(new MockHttpServletRequest("PUT", "/v1/images/img-1"));
        assertThat(put.requires()).isNull();
        assertThat(put.allowed()).containsExactly("DELETE", "GET", "HEAD");
        Routes.Match nowhere = routes.find(new MockHttpServletRequest("POST", "/v1/anything"));
        assertThat(nowhere.requires()).isNull();
        assertThat(nowhere.allowed()).isEmpty();
    }

    /** Closed by default: a write handler added without a scope stops startup, naming it. */
    @Test
    void aWriteHandlerWithoutAScopeStopsStartup() throws Exception {
        assertThatThrownBy(() -> new Routes(
                        mapping("GET /v1/images/{imageId} status", "POST /v1/new unguarded", "* /v1/any anyMethod"),
                        "com.miniatura"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll(
                        "Every write handler must say which scope it needs with @RequiresScope; " + "these do not: [",
                        "Handlers.unguarded [/v1/new]",
                        "Handlers.anyMethod [/v1/any]");
    }

    @Test
    void handlersOutsideTheBasePackageAreNotOursAndTakeNoWrite() throws Exception {
        Routes routes = new Routes(mapping("POST /v1/new unguarded"), "org.example");
        assertThat(routes.find(new MockHttpServletRequest("POST", "/v1/new")))
                .isEqualTo(new Routes.Match(null, Set.of()));
    }
}
