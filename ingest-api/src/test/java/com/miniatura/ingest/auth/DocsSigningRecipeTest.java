package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signing recipe in docs/api.md works as written: its shell block (openssl and curl) is run against the API,
 * only the port changed, and both the event it signs and the upload it signs are accepted.
 */
class DocsSigningRecipeTest extends RealServerTest {
    /** Relative to the module, where Surefire runs. */
    private static final Path API_DOC = Path.of("..", "docs", "api.md");

    @TempDir
    Path work;

    /** The first {@code sh} block under the signatures heading. */
    static String recipe() throws Exception {
        String doc = Files.readString(API_DOC, StandardCharsets.UTF_8);
        int section = doc.indexOf("### Signatures");
        assertThat(section).as("docs/api.md has a signatures section").isNotNegative();
        int start = doc.indexOf("```sh\n", section) + "```sh\n".length();
        int end = doc.indexOf("\n```", start);
        assertThat(doc.indexOf("\n###", section + 1))
                .as("the recipe is in that section")
                .isGreaterThan(end);
        return doc.substring(start, end);
    }

    @Test
    void theRecipeInTheDocsIsAccepted() throws Exception {
        for (String tool : List.of("bash", "openssl", "curl")) {
            boolean found =
                    new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
            Assumptions.assumeTrue(found || System.getenv("CI") != null, tool + " is not installed");
            assertThat(found).as(tool + " must be installed where CI runs").isTrue();
        }
        String script = recipe();
        assertThat(script).contains("localhost:8080");
        Files.write(work.resolve("photo.jpg"), JPEG);
        ProcessBuilder bash = new ProcessBuilder(
                        "bash", "-eu", "-o", "pipefail", "-c", script.replace("localhost:8080", "localhost:" + port))
                .directory(work.toFile())
                .redirectErrorStream(true);
        bash.environment().put("SECRET", SECRET);
        Process process = bash.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("\"accepted\":1", "\"imageId\":\"lot-1-1\"", "\"imageId\":\"lot-1-2\"")
                .doesNotContain("\"status\":4");
        verify(publisher, times(2)).publishAll(any());
    }
}
