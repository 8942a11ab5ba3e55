package com.miniatura.ingest.http;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.servers.Server;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The OpenAPI 3.1 description of this API: served by springdoc at {@code /v3/api-docs} (checked in as
 * {@code docs/openapi.yaml}, kept equal by {@code OpenApiContractTest}) and browsable in Swagger UI at
 * {@code /swagger-ui.html} ({@code /docs} redirects there).
 *
 * <p>What the handlers' signatures cannot tell (security, the problem+json errors, 202 rather than 200, the body
 * {@code POST /v1/events} reads by hand) is added here by method and path rather than by annotations on the
 * controllers, so that a new endpoint is covered without touching it: every write is secured (as {@code AuthFilter}
 * secures it) and every operation under {@code /v1/} answers the shared problems.
 */
@Configuration(proxyBeanMethods = false)
public class ApiDocumentation implements WebMvcConfigurer {
    private static final Set<PathItem.HttpMethod> WRITES = Set.of(
            PathItem.HttpMethod.POST, PathItem.HttpMethod.PUT, PathItem.HttpMethod.PATCH, PathItem.HttpMethod.DELETE);
    private static final Set<PathItem.HttpMethod> WITH_BODY =
            Set.of(PathItem.HttpMethod.POST, PathItem.HttpMethod.PUT, PathItem.HttpMethod.PATCH);
    /** Handlers whose ResponseEntity answers another success than the 200 springdoc assumes. */
    private static final Map<String, String> SUCCESS = Map.of(
            "POST /v1/events",
            "202",
            "POST /v1/images",
            "202",
            "DELETE /v1/images/{imageId}",
            "202",
            "POST /v1/notifications/minio",
            "202",
            "POST /v1/uploads",
            "201");

    @Bean
    OpenAPI ingestOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Miniatura ingest API")
                        .version(projectVersion())
                        .description("""
                                Accepts uploaded originals and upload events, and publishes them to Kafka for the \
                                workers that pre-render every thumbnail variant; answers how far an image got.

                                Writes (every POST, PUT, PATCH and DELETE) need credentials holding the scope the \
                                operation needs (`upload`, `delete` or `notify`): an API key (`apiKey`) or a signed \
                                webhook request (`hmac`). Reads are open.

                                Every refusal is an RFC 9457 `application/problem+json` document (`Problem`); invalid \
                                input lists each bad field in `errors`. A 503 means nothing was accepted: retry after \
                                `Retry-After` seconds. Paths with `;`, an encoded slash or backslash, an empty or \
                                a dot segment are refused (400)."""))
                // relative: the document and Swagger UI work on whatever host and port serve them
                .servers(List.of(new Server().url("/").description("this server")))
                .components(new Components()
                        .securitySchemes(ApiComponents.securitySchemes())
                        .responses(ApiComponents.problemResponses()));
    }

    /**
     * Walks every documented operation by method and path, so that endpoints added later are secured and
     * described like the others without an annotation of their own.
     */
    @Bean
    OpenApiCustomizer ingestOperationsByPath() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            // here rather than in the OpenAPI bean: springdoc drops component schemas that nothing references
            // before the customizers run, and only the body added below references some of them
            ApiComponents.schemas().forEach(openApi.getComponents()::addSchemas);
            ApiComponents.describeStatus(openApi.getComponents().getSchemas().get("Status"));
            openApi.getPaths()
                    .forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                        boolean api = path.startsWith("/v1/");
                        ApiResponses responses =
                                operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
                        operation.setResponses(responses);
                        String success = SUCCESS.get(method + " " + path);
                        if (success != null && responses.containsKey("200")) {
                            responses.addApiResponse(
                                    success,
                                    responses
                                            .remove("200")
                                            .description(success.equals("201") ? "Created" : "Accepted"));
                        }
                        // these handlers read the raw body themselves (bounded, strict), so springdoc sees none
                        if (method.equals(PathItem.HttpMethod.POST)
                                && path.equals("/v1/events")
                                && operation.getRequestBody() == null) {
                            operation.setRequestBody(ApiComponents.eventsBody());
                        }
                        if (method.equals(PathItem.HttpMethod.POST)
                                && path.equals("/v1/uploads")
                                && operation.getRequestBody() == null) {
                            operation.setRequestBody(ApiComponents.jsonBody(
                                    "UploadRequest", "The original to be uploaded: its type and exact size."));
                        }
                        if (method.equals(PathItem.HttpMethod.POST)
                                && path.equals("/v1/notifications/minio")
                                && operation.getRequestBody() == null) {
                            operation.setRequestBody(
                                    ApiComponents.jsonBody("MinioNotification", "What MinIO's webhook target sends."));
                        }
                        if (WRITES.contains(method)) {
                            // as AuthFilter does, whatever the path; two requirements are alternatives: either scheme
                            operation.setSecurity(List.of(
                                    new SecurityRequirement().addList(ApiComponents.API_KEY),
                                    new SecurityRequirement().addList(ApiComponents.HMAC)));
                            ApiComponents.problem(responses, "401", "Unauthorized");
                            ApiComponents.problem(responses, "403", "Forbidden");
                            ApiComponents.problem(responses, "429", "TooManyRequests");
                        }
                        if (api) {
                            ApiComponents.problem(responses, "400", "BadRequest");
                            ApiComponents.problem(responses, "503", "ServiceUnavailable");
                        }
                        if (api && WITH_BODY.contains(method)) {
                            ApiComponents.problem(responses, "413", "ContentTooLarge");
                            ApiComponents.problem(responses, "415", "UnsupportedMediaType");
                        }
                        if (api && method.equals(PathItem.HttpMethod.GET) && path.contains("{")) {
                            ApiComponents.problem(responses, "404", "NotFound");
                        }
                        if (!api && path.equals("/images/{imageId}")) {
                            // the page answers its refusals as pages too
                            responses.putIfAbsent("400", ApiComponents.html("Not an imageId"));
                            responses.putIfAbsent(
                                    "404", ApiComponents.html("No image with this imageId was ever accepted"));
                        }
                    }));
        };
    }

    /** Stable, unique operation ids and tags from the controller and method names ("imagesUpload", tag "images"). */
    @Bean
    OperationCustomizer ingestOperationIds() {
        return (operation, handler) -> {
            String controller = handler.getBeanType().getSimpleName().replaceFirst("Controller$", "");
            String name = Character.toLowerCase(controller.charAt(0)) + controller.substring(1);
            String method = handler.getMethod().getName();
            operation.setOperationId(name + Character.toUpperCase(method.charAt(0)) + method.substring(1));
            operation.setTags(
                    List.of(name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT)));
            return operation;
        };
    }

    /** A short address for the browsable page. */
    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/docs", "/swagger-ui.html");
    }

    /** From the build-info file Maven writes (see pom.xml); "unknown" when run from an IDE's own build. */
    private static String projectVersion() {
        try (InputStream in =
                ApiDocumentation.class.getResourceAsStream("/miniatura/ingest-api-build-info.properties")) {
            if (in != null) {
                Properties build = new Properties();
                build.load(in);
                return build.getProperty("build.version", "unknown");
            }
        } catch (IOException e) {
            // fall through: the version is informative only
        }
        String manifest = ApiDocumentation.class.getPackage().getImplementationVersion();
        return manifest == null ? "unknown" : manifest;
    }
}
