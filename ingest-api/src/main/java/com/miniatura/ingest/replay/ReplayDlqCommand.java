package com.miniatura.ingest.replay;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.InvalidConfigurationException;
import com.miniatura.common.config.MiniaturaService;
import com.miniatura.common.config.Problems;
import com.miniatura.common.storage.MinioObjectStore;
import com.miniatura.common.storage.StorageSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@code java -jar miniatura-ingest-api.jar replay-dlq [--reason=TEXT] [--error-class=NAME] [--limit=N] [--dry-run]}:
 * re-publishes dead letters after a fix (see {@link DlqReplay}). Kafka, the topic and storage come from the same
 * configuration as the ingest API ({@code spring.kafka.bootstrap-servers}, {@code spring.kafka.properties.*}
 * for SASL/TLS, {@code miniatura.kafka.topic}, {@code miniatura.storage.*}), so any {@code --spring.kafka...=} or
 * {@code --miniatura.storage...=} argument also works. Storage is read only for deletions, to skip those older than
 * the image's current upload.
 *
 * <p>Exit status: 0 done, 1 Kafka or storage failed, 2 bad arguments or configuration.
 */
@Configuration(proxyBeanMethods = false)
@MiniaturaService("ingest-api")
public class ReplayDlqCommand {
    public static final String NAME = "replay-dlq";
    private static final Set<String> FLAGS = Set.of("reason", "error-class", "limit", "dry-run");
    static final String USAGE = "usage: replay-dlq [--reason=TEXT] [--error-class=NAME] [--limit=N] [--dry-run]";

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> flags = new HashMap<>();
        List<String> springArgs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String arg : args) {
            String name = arg.startsWith("--") ? arg.substring(2).split("=", 2)[0] : "";
            if (FLAGS.contains(name)) {
                flags.put(name, arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "true");
            } else if (name.contains(".")) {
                springArgs.add(arg); // a configuration property such as --spring.kafka.bootstrap-servers=...
            } else {
                problems.add("unknown argument " + arg);
            }
        }
        long limit = Long.MAX_VALUE;
        if (flags.containsKey("limit")) {
            try {
                limit = Long.parseLong(flags.get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1) {
                problems.add("--limit: expected a positive number but was \"" + flags.get("limit") + "\"");
            }
        }
        for (String text : List.of("reason", "error-class")) {
            if ("true".equals(flags.get(text)) || "".equals(flags.get(text))) {
                problems.add("--" + text + ": expected --" + text + "=VALUE");
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("replay-dlq: " + p));
            err.println(USAGE);
            return 2;
        }
        ReplayOptions options = new ReplayOptions(flags.get("reason"), flags.get("error-class"),
                flags.containsKey("dry-run") && !"false".equals(flags.get("dry-run")), limit);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ReplayDlqCommand.class)
                .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .run(springArgs.toArray(String[]::new))) {
            ConfigurableEnvironment env = context.getEnvironment();
            Map<String, Object> kafka = new HashMap<>(Binder.get(env)
                    .bind("spring.kafka.properties", Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
            kafka.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, env.getRequiredProperty("spring.kafka.bootstrap-servers"));
            Problems config = new Problems();
            StorageSettings storage = StorageSettings.from(new ConfigurationReader(env).readFlat(StorageSettings.PREFIX), config);
            config.throwIfAny();
            new DlqReplay(kafka, env.getRequiredProperty("miniatura.kafka.topic"), new MinioObjectStore(storage), out).run(options);
            return 0;
        } catch (InvalidConfigurationException e) {
            err.println("replay-dlq: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("replay-dlq failed: " + e);
            return 1;
        }
    }
}
