package com.miniatura.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document the service serves is the one checked in as {@code docs/openapi.yaml}, it is OpenAPI 3.1,
 * it describes every handler of ours, and Swagger UI answers.
 *
 * <p>After a deliberate change of the API, regenerate the checked-in copy with {@value #REGENERATE}: the test then
 * writes the served document instead of comparing it.
 */
@IngestWebTest
class OpenApiContractTest {
    static final String REGENERATE =
            "./mvnw -B -q test -pl ingest-api -am -Dtest=OpenApiContractTest -Dsurefire.failIfNoSpecifiedTests=false -Dopenapi.write=true";
    /** Relative to the module, where Surefire runs. */
    private static final Path CHECKED_IN = Path.of("..", "docs", "openapi.yaml");

    private static final Set<String> WRITES = Set.of("post", "put", "patch", "delete");
    private static final int MAX_DIFF_LINES = 60;

    @Autowired
    MockMvc http;

    @Autowired
    @Qualifier("requestMappingHandlerMapping") // the application's, not actuator's
    RequestMappingHandlerMapping handlers;

    private String fetch(String path) throws Exception {
        return http.perform(get(path))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
    }

    @Test
    void theServedDocumentIsTheCheckedInOne() throws Exception {
        String served = fetch("/v3/api-docs.yaml").replace("\r\n", "\n");
        assertThat(served).as("OpenAPI version").startsWith("openapi: 3.1.0\n");
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(CHECKED_IN, served, StandardCharsets.UTF_8);
            System.out.println("openapi.write=true: wrote the served document to "
                    + CHECKED_IN.toAbsolutePath().normalize() + " instead of comparing it; review and commit it");
            return;
        }
        assertThat(CHECKED_IN)
                .as("the checked-in document; create it with: " + REGENERATE)
                .exists();
        String checkedIn = Files.readString(CHECKED_IN, StandardCharsets.UTF_8).replace("\r\n", "\n");
        if (!served.equals(checkedIn)) {
            fail("docs/openapi.yaml differs from the document the service serves at /v3/api-docs.yaml:\n"
                    + diff(checkedIn, served)
                    + "\nIf the API change is intended, regenerate the checked-in copy (from the repository root):\n  "
                    + REGENERATE + "\n");
        }
    }

    @Test
    void theJsonDocumentIsOpenApi31AndDescribesEveryHandlerOfOurs() throws Exception {
        JsonNode document = JsonMapper.builder().build().readTree(fetch("/v3/api-docs"));
        assertThat(document.path("openapi").asString()).isEqualTo("3.1.0");
        assertThat(document.path("info").path("title").asString()).isEqualTo("Miniatura ingest API");
        JsonNode paths = document.path("paths");

        List<String> handled = new ArrayList<>();
        handlers.getHandlerMethods().forEach((RequestMappingInfo info, HandlerMethod handler) -> {
            if (!handler.getBeanType().getPackageName().startsWith("com.miniatura")) {
                return;
            }
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                // a handler for any method is documented (at least) as a GET
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    handled.add(method + " " + pattern);
                }
            }
        });
        assertThat(handled)
                .as("handlers of ours")
                .contains("POST /v1/events", "GET /v1/images/{imageId}", "GET /images/{imageId}");
        assertThat(handled).allSatisfy(endpoint -> {
            String[] parts = endpoint.split(" ", 2);
            assertThat(paths.path(parts[1]).has(parts[0].toLowerCase(Locale.ROOT)))
                    .as(endpoint + " is missing from /v3/api-docs (springdoc.packages-to-scan, paths-to-exclude?)")
                    .isTrue();
        });

        assertThat(paths.propertyNames()).as("actuator stays out").noneMatch(path -> path.startsWith("/actuator"));
        paths.properties()
                .forEach(path -> path.getValue().properties().forEach(operation -> {
                    String name = operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                    JsonNode security = operation.getValue().path("security");
                    if (WRITES.contains(operation.getKey())) {
                        assertThat(security.toString())
                                .as(name + " needs credentials")
                                .isEqualTo(
                                        "[{\"" + ApiComponents.API_KEY + "\":[]},{\"" + ApiComponents.HMAC + "\":[]}]");
                        assertThat(operation
                                        .getValue()
                                        .path("responses")
                                        .path("401")
                                        .path("$ref")
                                        .asString())
                                .as(name)
                                .isEqualTo("#/components/responses/Unauthorized");
                    } else {
                        assertThat(security.isMissingNode())
                                .as(name + " is open")
                                .isTrue();
                    }
                }));
        assertThat(paths.path("/images/{imageId}")
                        .path("get")
                        .path("responses")
                        .path("200")
                        .path("content")
                        .has("text/html"))
                .as("the image page is HTML")
                .isTrue();
        assertThat(document.path("components")
                        .path("schemas")
                        .path("Problem")
                        .path("properties")
                        .has("errors"))
                .isTrue();
    }

    @Test
    void swaggerUiAnswers() throws Exception {
        http.perform(get("/swagger-ui.html"))
                .andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/swagger-ui/index.html"));
        http.perform(get("/docs")).andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/swagger-ui.html"));
        assertThat(fetch("/swagger-ui/index.html")).contains("swagger-ui");
        assertThat(fetch("/v3/api-docs/swagger-config")).contains("/v3/api-docs");
    }

    /**
     * A unified diff (line LCS, three lines of context) of the two texts, cut after {@code MAX_DIFF_LINES} changed
     * lines: enough to see what changed without the whole document.
     */
    static String diff(String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        // the edit script: ' ', '-' or '+', with the line numbers (1-based) in a and b
        List<String[]> edits = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                edits.add(new String[] {" ", a.get(i), Integer.toString(++i), Integer.toString(++j)});
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                edits.add(new String[] {"-", a.get(i), Integer.toString(++i), Integer.toString(j)});
            } else {
                edits.add(new String[] {"+", b.get(j), Integer.toString(i), Integer.toString(++j)});
            }
        }
        StringBuilder out = new StringBuilder("--- docs/openapi.yaml (checked in)\n+++ /v3/api-docs.yaml (served)\n");
        int changed = 0;
        int k = 0;
        while (k < edits.size()) {
            if (edits.get(k)[0].equals(" ")) {
                k++;
                continue;
            }
            // a hunk: 3 lines of context around changes, merged with the next change when at most 6 lines apart
            int from = Math.max(0, k - 3);
            int end = k + 1;
            for (int e = k + 1; e < edits.size() && e - end < 6; e++) {
                if (!edits.get(e)[0].equals(" ")) {
                    end = e + 1;
                }
            }
            int to = Math.min(edits.size(), end + 3);
            out.append("@@ -")
                    .append(firstLine(edits, from, 2))
                    .append(" +")
                    .append(firstLine(edits, from, 3))
                    .append(" @@\n");
            for (int e = from; e < to; e++) {
                if (!edits.get(e)[0].equals(" ") && ++changed > MAX_DIFF_LINES) {
                    long more =
                            edits.stream().filter(edit -> !edit[0].equals(" ")).count() - MAX_DIFF_LINES;
                    return out.append("… ")
                            .append(more)
                            .append(" more changed lines\n")
                            .toString();
                }
                out.append(edits.get(e)[0]).append(edits.get(e)[1]).append('\n');
            }
            k = to;
        }
        return out.toString();
    }

    /** The line number in one side where a hunk starting at edit {@code from} begins. */
    private static String firstLine(List<String[]> edits, int from, int side) {
        String[] edit = edits.get(from);
        boolean onThisSide = edit[0].equals(" ") || edit[0].equals(side == 2 ? "-" : "+");
        return onThisSide ? edit[side] : Integer.toString(Integer.parseInt(edit[side]) + 1);
    }
}
