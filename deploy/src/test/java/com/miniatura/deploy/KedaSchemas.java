package com.miniatura.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the API server would refuse in a KEDA object (ScaledObject, TriggerAuthentication, ...): the
 * openAPIV3Schema of its CRD in ../shared/schemas/keda.sh_*.yaml, applied strictly, and the CRD's CEL rules,
 * each evaluated here by hand.
 */
final class KedaSchemas {
    /** The ScaledObject CRD's one CEL rule (x-kubernetes-validations), which a JSON-schema validator does not evaluate. */
    static final String MIN_LE_MAX_RULE =
            "!has(self.minReplicaCount) || self.minReplicaCount <= (has(self.maxReplicaCount) ? self.maxReplicaCount : 100)";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private KedaSchemas() {}

    static Path schemasDir(Path repo) {
        return repo.resolve("../shared/schemas").normalize();
    }

    /** The problems the API server would report for the object; empty when it would accept it. */
    static List<String> problems(Path repo, Map<String, Object> object) {
        List<String> problems = new ArrayList<>();
        String apiVersion = (String) object.get("apiVersion");
        String kind = (String) object.get("kind");
        Map<String, Object> version = crdVersion(repo, kind, apiVersion);
        if (version == null) {
            problems.add("apiVersion " + apiVersion + " is not a served version of the " + kind + " CRD");
            return problems;
        }
        Map<String, Object> openApi = map(map(version, "schema"), "openAPIV3Schema");
        Schema schema = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30())
                .getSchema(JSON.valueToTree(strict(openApi, false)));
        JsonNode instance = JSON.valueToTree(object);
        schema.validate(instance).forEach(error -> problems.add(error.toString()));

        // metadata is left to the API server's ObjectMeta validation; its name is checked here.
        String name = object.get("metadata") instanceof Map<?, ?> metadata ? (String) metadata.get("name") : null;
        if (name == null || !name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || name.length() > 253) {
            problems.add("metadata.name: not a DNS subdomain: " + name);
        }

        // CEL rules are not JSON schema: each one the CRD has must be known here and is evaluated by hand.
        List<Map<String, Object>> rules = new ArrayList<>();
        celRules(openApi, rules);
        List<String> ruleTexts = rules.stream()
                .map(r -> ((String) r.get("rule")).replaceAll("\\s+", " "))
                .toList();
        if ("ScaledObject".equals(kind)) {
            assertThat(ruleTexts)
                    .as("the ScaledObject CRD's x-kubernetes-validations (a new one needs evaluating here)")
                    .containsExactly(MIN_LE_MAX_RULE);
            if (object.get("spec") instanceof Map<?, ?> spec && spec.get("minReplicaCount") instanceof Integer min) {
                int max = spec.get("maxReplicaCount") instanceof Integer m ? m : 100;
                if (min > max) {
                    problems.add("spec: " + rules.get(0).get("message"));
                }
            }
        } else {
            assertThat(ruleTexts)
                    .as("the %s CRD's x-kubernetes-validations (a new one needs evaluating here)", kind)
                    .isEmpty();
        }
        return problems;
    }

    /**
     * The schema as the API server applies it with strict field validation ({@code kubectl apply}'s default):
     * an object with declared properties accepts no other field unless it preserves unknown fields. Plain
     * JSON Schema would accept any extra field, so a misspelled one would pass unseen. Descriptions and the
     * x-kubernetes-* extensions are dropped (the CEL rules are evaluated separately).
     */
    @SuppressWarnings("unchecked")
    private static Object strict(Object node, boolean propertyNames) {
        if (node instanceof Map<?, ?> raw) {
            Map<String, Object> schema = (Map<String, Object>) raw;
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : schema.entrySet()) {
                String key = entry.getKey();
                if (!propertyNames && (key.equals("description") || key.startsWith("x-kubernetes-"))) {
                    continue;
                }
                out.put(key, strict(entry.getValue(), !propertyNames && key.equals("properties")));
            }
            if (!propertyNames
                    && schema.containsKey("properties")
                    && !schema.containsKey("additionalProperties")
                    && !Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))) {
                out.put("additionalProperties", false);
            }
            return out;
        }
        if (node instanceof List<?> items) {
            return items.stream().map(item -> strict(item, false)).toList();
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static void celRules(Object node, List<Map<String, Object>> rules) {
        if (node instanceof Map<?, ?> schema) {
            for (Map.Entry<?, ?> entry : schema.entrySet()) {
                if ("x-kubernetes-validations".equals(entry.getKey())) {
                    rules.addAll((List<Map<String, Object>>) entry.getValue());
                } else {
                    celRules(entry.getValue(), rules);
                }
            }
        } else if (node instanceof List<?> items) {
            items.forEach(item -> celRules(item, rules));
        }
    }

    /** The served version of the keda.sh CRD defining kind, or null when apiVersion is not one of them. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> crdVersion(Path repo, String kind, String apiVersion) {
        Path dir = schemasDir(repo);
        assertThat(dir).as("the KEDA CRDs (shared/ beside the repository)").isDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("keda\\.sh_.*\\.yaml"))
                    .sorted()
                    .toList()) {
                for (Object document : new Yaml().loadAll(Files.readString(file))) {
                    if (!(document instanceof Map<?, ?> crd) || !"CustomResourceDefinition".equals(crd.get("kind"))) {
                        continue;
                    }
                    Map<String, Object> spec = map((Map<String, Object>) crd, "spec");
                    if (!kind.equals(map(spec, "names").get("kind"))) {
                        continue;
                    }
                    for (Map<String, Object> version : (List<Map<String, Object>>) spec.get("versions")) {
                        if ((spec.get("group") + "/" + version.get("name")).equals(apiVersion)
                                && Boolean.TRUE.equals(version.get("served"))) {
                            return version;
                        }
                    }
                    return null;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no CRD of kind " + kind + " in " + dir);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> node, String key) {
        assertThat(node.get(key)).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) node.get(key);
    }
}
