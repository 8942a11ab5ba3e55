package com.miniatura.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** Walking Kubernetes manifests read as YAML maps, for the deploy/ tests; a missing or mistyped node fails its test. */
final class Yamls {
    private Yamls() {}

    /** {@code metadata.name}, or {@code null}. */
    static String name(Map<String, Object> object) {
        return object.get("metadata") instanceof Map<?, ?> metadata ? (String) metadata.get("name") : null;
    }

    /** The map at {@code path} under {@code node}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> node, String... path) {
        Map<String, Object> current = node;
        for (String key : path) {
            assertThat(current.get(key))
                    .as("%s in %s", key, String.join(".", path))
                    .isInstanceOf(Map.class);
            current = (Map<String, Object>) current.get(key);
        }
        return current;
    }

    /** The list of maps at {@code key}. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> node, String key) {
        assertThat(node.get(key)).as(key).isInstanceOf(List.class);
        return (List<Map<String, Object>>) node.get(key);
    }

    /** A copy to break on purpose, leaving the original intact. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> deepCopy(Map<String, Object> object) {
        return (Map<String, Object>) new Yaml().load(new Yaml().dump(object));
    }
}
