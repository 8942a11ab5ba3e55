package com.miniatura.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.testing.ExternalTools;
import com.miniatura.common.testing.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The alert rules (deploy/prometheus/miniatura-alerts.yml) are well formed and only name series the services
 * export: a rule on a misspelled metric would never fire. The exported names are the ones StandaloneIT scrapes.
 * The lag is counted once however many pods report it, an alert covers the live lane having no worker at all, and
 * promtool runs the rules' unit tests.
 */
class AlertRulesTest {
    /** Series the services export (asserted against a real scrape in StandaloneIT) and Prometheus' own. */
    private static final Set<String> EXPORTED = Set.of(
            "miniatura_images_total",
            "miniatura_dead_letters_total",
            "miniatura_events_unpublished_total",
            "spring_cloud_stream_binder_kafka_offset",
            "miniatura_render_step_seconds",
            "miniatura_publish_seconds",
            "miniatura_images_stuck",
            "up");

    private static final Pattern SERIES = Pattern.compile(
            "\\b(miniatura_[a-z_]+|[a-z_]+(?:_total|_offset|_seconds|_bytes)|up)\\b(?=\\s*[{\\[(]|\\s*\\)|\\s*>|\\s*$)");

    @Test
    void everyRuleIsCompleteAndNamesOnlyExportedSeries() throws IOException {
        Path file = Repository.root().resolve("deploy/prometheus/miniatura-alerts.yml");
        Map<String, Object> rules = new Yaml().load(Files.readString(file));
        List<String> alerts = new ArrayList<>();
        for (Object group : (List<?>) rules.get("groups")) {
            for (Object r : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<?, ?> rule = (Map<?, ?>) r;
                String alert = (String) rule.get("alert");
                alerts.add(alert);
                String expr = ((String) rule.get("expr")).strip();
                assertThat(expr).as(alert).isNotBlank();
                assertThat(balanced(expr)).as(alert + ": brackets balance").isTrue();
                assertThat(((Map<?, ?>) rule.get("labels")).get("severity"))
                        .as(alert)
                        .isIn("page", "ticket");
                Map<?, ?> annotations = (Map<?, ?>) rule.get("annotations");
                assertThat((String) annotations.get("summary")).as(alert).isNotBlank();
                assertThat((String) annotations.get("runbook")).as(alert).startsWith("docs/operations.md#");
                Matcher m = SERIES.matcher(expr);
                List<String> named = new ArrayList<>();
                while (m.find()) {
                    named.add(m.group(1));
                }
                assertThat(named).as(alert + " names series").isNotEmpty();
                assertThat(EXPORTED).as(alert).containsAll(named);
                String anchor = ((String) annotations.get("runbook")).substring("docs/operations.md#".length());
                assertThat(Files.readString(Repository.root().resolve("docs/operations.md")))
                        .as(alert + ": its runbook section exists")
                        .containsIgnoringCase("<a id=\"" + anchor + "\"></a>");
            }
        }
        assertThat(alerts)
                .contains(
                        "MiniaturaLiveLagGrowing",
                        "MiniaturaNoRenders",
                        "MiniaturaNoLiveWorkers",
                        "MiniaturaFailureRate",
                        "MiniaturaDeadLetters",
                        "MiniaturaIngestRefusing",
                        "MiniaturaImagesStuck");
        Map<String, Object> prometheus =
                new Yaml().load(Files.readString(Repository.root().resolve("deploy/compose/prometheus.yml")));
        assertThat(((List<?>) prometheus.get("rule_files"))
                        .stream().map(String::valueOf).toList())
                .containsExactly("/etc/prometheus/miniatura-alerts.yml");
    }

    /**
     * Every pod of a lane reports its group's whole lag (the binder's gauge, labels group and topic): the lane's lag
     * is the largest, never the sum over pods. Regression: the lag alerts summed it, multiplying the lag by the
     * number of pods (promtool's unit tests below show it with three pods).
     */
    @Test
    void theLagIsTheLargestAnyPodReportsNeverTheSumOverPods() throws IOException {
        int uses = 0;
        for (Map<?, ?> rule : rules()) {
            String expr = ((String) rule.get("expr")).replaceAll("\\s+", " ");
            Matcher lag =
                    Pattern.compile("spring_cloud_stream_binder_kafka_offset").matcher(expr);
            while (lag.find()) {
                uses++;
                String before = expr.substring(0, lag.start());
                assertThat(before)
                        .as("%s: %s", rule.get("alert"), expr)
                        .matches("(?s).*(max by \\(group, topic\\) \\((deriv\\()?|absent\\()$");
            }
            assertThat(expr)
                    .as("%s: no sum over pods of the lag", rule.get("alert"))
                    .doesNotContainPattern("sum[^(]*\\((deriv\\()?spring_cloud_stream_binder_kafka_offset");
        }
        assertThat(uses).isGreaterThanOrEqualTo(4);
    }

    /**
     * MiniaturaNoRenders reads the lag from the workers, so it cannot fire when no worker exists: an absent() alert
     * on the live lane's lag series does.
     */
    /**
     * Every API instance sweeps the same pending markers and reports the same count of stuck images: the count is the
     * largest report, never the sum over instances (promtool's unit tests show it with three instances).
     */
    @Test
    void stuckImagesAreTheLargestCountAnyInstanceReports() throws IOException {
        assertThat(rules())
                .filteredOn(rule -> "MiniaturaImagesStuck".equals(rule.get("alert")))
                .singleElement()
                .satisfies(rule ->
                        assertThat(((String) rule.get("expr")).strip()).isEqualTo("max(miniatura_images_stuck) > 0"));
    }

    @Test
    void anAlertFiresWhenNoLiveWorkerReports() throws IOException {
        assertThat(rules())
                .anySatisfy(rule -> assertThat(((String) rule.get("expr")).strip())
                        .isEqualTo("absent(spring_cloud_stream_binder_kafka_offset{group=\"miniatura-worker\"})"));
    }

    /**
     * promtool (Debian's prometheus package; .ci/run installs it) parses every expression as Prometheus does and
     * runs the rules' unit tests in deploy/prometheus/miniatura-alerts.test.yml: the lag counted once however many
     * pods report it, renders absent while events wait, no live worker at all.
     */
    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
        Path promtool = ExternalTools.require("promtool", "prometheus");
        Path dir = Repository.root().resolve("deploy/prometheus");
        for (List<String> command : List.of(
                List.of("check", "rules", "miniatura-alerts.yml"),
                List.of("test", "rules", "miniatura-alerts.test.yml"))) {
            List<String> argv = new ArrayList<>(List.of(promtool.toString()));
            argv.addAll(command);
            Process process = new ProcessBuilder(argv)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("promtool %s finished", command)
                    .isTrue();
            assertThat(process.exitValue())
                    .as("promtool %s:%n%s", String.join(" ", command), output)
                    .isZero();
        }
    }

    private static List<Map<?, ?>> rules() throws IOException {
        Map<String, Object> file =
                new Yaml().load(Files.readString(Repository.root().resolve("deploy/prometheus/miniatura-alerts.yml")));
        List<Map<?, ?>> rules = new ArrayList<>();
        for (Object group : (List<?>) file.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                rules.add((Map<?, ?>) rule);
            }
        }
        return rules;
    }

    private static boolean balanced(String expr) {
        int depth = 0;
        for (char c : expr.toCharArray()) {
            depth += c == '(' || c == '{' || c == '[' ? 1 : c == ')' || c == '}' || c == ']' ? -1 : 0;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }
}
