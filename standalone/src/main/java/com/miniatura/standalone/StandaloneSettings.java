package com.miniatura.standalone;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.ConfigurationSection;
import com.miniatura.common.config.Problems;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * What the standalone runs, from {@code miniatura.standalone.*}: {@code --miniatura.standalone.components=kafka,s3}
 * arguments, {@code -D} system properties or environment variables such as {@code MINIATURA_STANDALONE_COMPONENTS},
 * bound as Spring binds the services' settings; the data folder also from {@code MINIATURA_DATA_DIR}.
 *
 * @param components which parts to start; {@code kafka,s3} is the infrastructure alone
 * @param dataDir    where Kafka's log and the S3 objects live (survives restarts)
 * @param host       address the embedded Kafka and S3 listen on and advertise
 */
record StandaloneSettings(
        Set<Component> components,
        Path dataDir,
        String host,
        int kafkaPort,
        int kafkaControllerPort,
        int s3Port,
        String accessKey,
        String secretKey) {

    enum Component {
        KAFKA,
        S3,
        INGEST,
        WORKER
    }

    static final String PREFIX = "miniatura.standalone.";

    /** The standalone's environment: {@code --key=value} arguments first, then system properties and variables. */
    static ConfigurableEnvironment environment(String... args) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new SimpleCommandLinePropertySource(
                        Arrays.stream(args).filter(arg -> arg.startsWith("--")).toArray(String[]::new)));
        return environment;
    }

    static StandaloneSettings from(ConfigurableEnvironment environment) {
        Problems problems = new Problems();
        ConfigurationReader reader = new ConfigurationReader(environment);
        ConfigurationSection raw = reader.readFlat("miniatura.standalone");
        ConfigurationSection storage = reader.readFlat("miniatura.storage");
        Set<Component> components = EnumSet.noneOf(Component.class);
        String list = raw.getOrDefault("components", "kafka,s3,ingest,worker");
        for (String name : list.split(",")) {
            String trimmed = name.trim().toUpperCase(Locale.ROOT);
            try {
                components.add(Component.valueOf(trimmed));
            } catch (IllegalArgumentException e) {
                problems.expected(PREFIX + "components", "a list of kafka, s3, ingest, worker", Problems.show(list));
            }
        }
        // MINIATURA_DATA_DIR, the README's short form, is miniatura.data-dir to the binder
        String dir = raw.getOrDefault("data-dir", reader.readFlat("miniatura").getOrDefault("data-dir", "data"));
        StandaloneSettings settings = new StandaloneSettings(
                components,
                Path.of(dir.trim()).toAbsolutePath().normalize(),
                raw.getOrDefault("host", "localhost").trim(),
                port(raw, "kafka-port", 9092, problems),
                port(raw, "kafka-controller-port", 9093, problems),
                port(raw, "s3-port", 9000, problems),
                storage.getOrDefault("access-key", "minioadmin"),
                storage.getOrDefault("secret-key", "minioadmin"));
        problems.throwIfAny();
        return settings;
    }

    private static int port(ConfigurationSection raw, String key, int fallback, Problems problems) {
        String value = raw.get(key);
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
