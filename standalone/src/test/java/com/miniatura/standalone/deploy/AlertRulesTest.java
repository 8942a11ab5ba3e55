package com.miniatura.standalone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The alert rules (deploy/prometheus/miniatura-alerts.yml) are well formed and only name series the services
 * export: a rule on a misspelled metric would never fire. The exported names are the ones StandaloneIT scrapes.
 */
class AlertRulesTest {
    /** Series the services export (asserted against a real scrape in StandaloneIT) and Prometheus' own. */
    private static final Set<String> EXPORTED = Set.of("miniatura_images_total", "miniatura_dead_letters_total",
            "miniatura_events_unpublished_total", "spring_cloud_stream_binder_kafka_offset", "miniatura_render_step_seconds",
            "miniatura_publish_seconds", "up");
    private static final Pattern SERIES = Pattern.compile("\\b([a-z_]+(?:_total|_offset|_seconds|_bytes)|up)\\b(?=\\s*[{\\[(]|\\s*\\)|\\s*>|\\s*$)");

    @Test
    void everyRuleIsCompleteAndNamesOnlyExportedSeries() throws IOException {
        Path file = repo().resolve("deploy/prometheus/miniatura-alerts.yml");
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
                assertThat(((Map<?, ?>) rule.get("labels")).get("severity")).as(alert).isIn("page", "ticket");
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
                assertThat(Files.readString(repo().resolve("docs/operations.md")))
                        .as(alert + ": its runbook section exists").containsIgnoringCase("<a id=\"" + anchor + "\"></a>");
            }
        }
        assertThat(alerts).contains("MiniaturaLiveLagGrowing", "MiniaturaNoRenders", "MiniaturaFailureRate",
                "MiniaturaDeadLetters", "MiniaturaIngestRefusing");
        Map<String, Object> prometheus = new Yaml().load(Files.readString(repo().resolve("deploy/compose/prometheus.yml")));
        assertThat(((List<?>) prometheus.get("rule_files")).stream().map(String::valueOf).toList())
                .containsExactly("/etc/prometheus/miniatura-alerts.yml");
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

    private static Path repo() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
                return dir;
            }
        }
        throw new AssertionError("no repository root above " + Path.of("").toAbsolutePath());
    }
}
