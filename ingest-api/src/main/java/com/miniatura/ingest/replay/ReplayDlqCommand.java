package com.miniatura.ingest.replay;

import com.miniatura.common.cli.CommandArguments;
import com.miniatura.common.cli.HelpOption;
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
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
    static final String USAGE = "usage: replay-dlq [--reason=TEXT] [--error-class=NAME] [--limit=N] [--dry-run]";

    /** The flags (picocli); arguments whose name has a dot are configuration properties, passed on to Spring. */
    @Command(
            name = NAME,
            synopsisHeading = "",
            customSynopsis = USAGE,
            descriptionHeading = "%n",
            description = {
                "Re-publishes dead letters after a fix. Any --spring.kafka...= or --miniatura.storage...=",
                "argument is a configuration property. Exit status: 0 done, 1 Kafka or storage failed, 2 bad",
                "arguments or configuration."
            },
            optionListHeading = "%nOptions:%n",
            sortOptions = false)
    static final class Flags {
        @Option(
                names = "--reason",
                paramLabel = "TEXT",
                description = "Only dead letters whose reason contains TEXT (any case)")
        String reason;

        @Option(names = "--error-class", paramLabel = "NAME", description = "Only dead letters of this error class")
        String errorClass;

        @Option(names = "--limit", paramLabel = "N", description = "Replay at most N")
        Long limit;

        @Option(
                names = "--dry-run",
                arity = "0..1",
                paramLabel = "true|false",
                description = "Only count and show them")
        boolean dryRun;

        @Mixin
        HelpOption help;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Flags flags = new Flags();
        CommandArguments parsed = CommandArguments.read(
                flags,
                args,
                name -> name.equals("--limit")
                        ? "--limit: expected a positive number but was absent"
                        : name + ": expected " + name + "=VALUE",
                option -> option.longestName().equals("--limit") ? "a positive number" : "true or false (or no value)");
        if (parsed.help()) {
            out.println(parsed.usage());
            return 0;
        }
        List<String> problems = new ArrayList<>(parsed.problems());
        problems.addAll(parsed.unknown());
        List<String> springArgs = parsed.properties(); // such as --spring.kafka.bootstrap-servers=...
        if (flags.limit != null && flags.limit < 1) {
            problems.add("--limit: expected a positive number but was \"" + flags.limit + "\"");
        }
        for (String text : List.of("--reason", "--error-class")) {
            if (parsed.result().hasMatchedOption(text)
                    && parsed.result().matchedOptionValue(text, "").isEmpty()) {
                problems.add(text + ": expected " + text + "=VALUE");
            }
        }
        if (CommandArguments.refused("replay-dlq", problems, USAGE, err)) {
            return 2;
        }
        ReplayOptions options = new ReplayOptions(
                flags.reason, flags.errorClass, flags.dryRun, flags.limit == null ? Long.MAX_VALUE : flags.limit);
        try (ConfigurableApplicationContext context = CommandArguments.context(ReplayDlqCommand.class, springArgs)) {
            ConfigurableEnvironment env = context.getEnvironment();
            Map<String, Object> kafka = new HashMap<>(Binder.get(env)
                    .bind("spring.kafka.properties", Bindable.mapOf(String.class, String.class))
                    .orElse(Map.of()));
            kafka.put(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    env.getRequiredProperty("spring.kafka.bootstrap-servers"));
            Problems config = new Problems();
            StorageSettings storage =
                    StorageSettings.from(new ConfigurationReader(env).readFlat(StorageSettings.PREFIX), config);
            config.throwIfAny();
            new DlqReplay(kafka, env.getRequiredProperty("miniatura.kafka.topic"), new MinioObjectStore(storage), out)
                    .run(options);
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
