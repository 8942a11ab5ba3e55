package com.miniatura.standalone;

import com.miniatura.common.config.Problems;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the standalone runs, from {@code --miniatura.standalone.*} arguments (or the same keys as
 * environment variables, e.g. {@code MINIATURA_STANDALONE_COMPONENTS}) and {@code MINIATURA_DATA_DIR}.
 *
 * @param components which parts to start; {@code kafka,s3} is the infrastructure alone
 * @param dataDir    where Kafka's log and the S3 objects live (survives restarts)
 * @param host       address the embedded Kafka and S3 listen on and advertise
 */
record StandaloneSettings(Set<Component> components, Path dataDir, String host, int kafkaPort, int kafkaControllerPort,
                          int s3Port, String accessKey, String secretKey) {

    enum Component { KAFKA, S3, INGEST, WORKER }

    static final String PREFIX = "miniatura.standalone.";

    static StandaloneSettings from(Map<String, String> properties, Map<String, String> env) {
        Problems problems = new Problems();
        Set<Component> components = EnumSet.noneOf(Component.class);
        String list = properties.getOrDefault(PREFIX + "components",
                env.getOrDefault("MINIATURA_STANDALONE_COMPONENTS", "kafka,s3,ingest,worker"));
        for (String name : list.split(",")) {
            String trimmed = name.trim().toUpperCase(Locale.ROOT);
            try {
                components.add(Component.valueOf(trimmed));
            } catch (IllegalArgumentException e) {
                problems.expected(PREFIX + "components", "a list of kafka, s3, ingest, worker", Problems.show(list));
            }
        }
        String dir = properties.getOrDefault(PREFIX + "data-dir", env.getOrDefault("MINIATURA_DATA_DIR", "data"));
        StandaloneSettings settings = new StandaloneSettings(components, Path.of(dir).toAbsolutePath().normalize(),
                properties.getOrDefault(PREFIX + "host", "localhost"),
                port(properties, "kafka-port", 9092, problems),
                port(properties, "kafka-controller-port", 9093, problems),
                port(properties, "s3-port", 9000, problems),
                properties.getOrDefault("miniatura.storage.access-key", env.getOrDefault("MINIATURA_STORAGE_ACCESS_KEY", "minioadmin")),
                properties.getOrDefault("miniatura.storage.secret-key", env.getOrDefault("MINIATURA_STORAGE_SECRET_KEY", "minioadmin")));
        problems.throwIfAny();
        return settings;
    }

    private static int port(Map<String, String> properties, String key, int fallback, Problems problems) {
        String value = properties.get(PREFIX + key);
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.expected(PREFIX + key, "a TCP port 1..65535", Problems.show(value));
        return fallback;
    }

    boolean runs(Component component) {
        return components.contains(component);
    }
}
