package com.miniatura.ingest.rerender;

import com.miniatura.common.config.InvalidConfigurationException;
import com.miniatura.common.config.MiniaturaService;
import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.config.Problems;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.publish.TopicProvisioner;
import com.miniatura.ingest.rerender.RerenderOptions.IdFrom;
import com.miniatura.ingest.rerender.RerenderOptions.Mode;
import com.miniatura.ingest.rerender.RerenderOptions.ProgressStyle;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * {@code java -jar miniatura-ingest-api.jar rerender --mode=missing|all [options]}: re-renders the catalog through
 * the bulk lane ({@link Rerender}; docs/rerender.md). Storage, Kafka and the catalog come from the same
 * configuration as the ingest API, so any {@code --miniatura...=} or {@code --spring.kafka...=} argument works too.
 *
 * <pre>
 * rerender --mode=missing                               # what is absent, failed or stale, from the originals bucket
 * rerender --mode=all --dry-run                         # how much a full re-render would be
 * rerender --mode=missing --variants=webp480 --rate=500 # one new variant, gently
 * rerender --mode=all --from-file=export.csv            # lines "key" or "imageId,key"
 * rerender --prune                                      # what no manifest lists: counts and bytes, deletes nothing
 * rerender --prune --delete --rate=1000                 # then delete it
 * rerender --move-metadata --dry-run                    # manifests an earlier version left in the thumbnails bucket
 * </pre>
 *
 * <p>Exit status: 0 done (or already done), 1 failed (storage or Kafka unavailable; run it again to continue from
 * its checkpoint), 2 bad arguments or configuration.
 */
@Configuration(proxyBeanMethods = false)
@MiniaturaService("ingest-api")
public class RerenderCommand {
    public static final String NAME = "rerender";
    static final String USAGE = """
            usage: rerender --mode=missing|all [--prefix=P | --from-file=PATH] [--bucket=NAME] [--variants=a,b]
                            [--rate=EVENTS_PER_S] [--dry-run] [--run=NAME] [--restart] [--checkpoint-every=10s]
                            [--parallelism=16] [--shards=64] [--id-from=metadata|key] [--progress=auto|bar|log|none]
                            [--metrics-port=PORT] [--jobs-per-core=22]
                   rerender --prune [--delete] [--prune-min-age=24h] [--prune-without-manifest] [--prefix=P]
                            [--rate=DELETIONS_PER_S] [--run=NAME] [--restart] [--checkpoint-every=10s]
                            [--parallelism=16] [--shards=64] [--progress=auto|bar|log|none]
                   rerender --move-metadata [--dry-run] [--rate=OBJECTS_PER_S] [--parallelism=16] [--shards=64]""";
    private static final Set<String> FLAGS = Set.of("mode", "bucket", "prefix", "from-file", "variants", "rate", "dry-run",
            "run", "restart", "checkpoint-every", "parallelism", "shards", "id-from", "progress", "metrics-port", "jobs-per-core",
            "prune", "delete", "prune-min-age", "prune-without-manifest", "move-metadata");
    private static final Set<String> SWITCHES = Set.of("dry-run", "restart", "prune", "delete", "prune-without-manifest",
            "move-metadata");
    /** Flags of a re-render that mean nothing to a prune. */
    private static final List<String> NOT_FOR_PRUNE = List.of("mode", "bucket", "from-file", "variants", "id-from",
            "metrics-port", "jobs-per-core");
    /** Flags of a prune that mean nothing to a re-render. */
    private static final List<String> ONLY_FOR_PRUNE = List.of("delete", "prune-min-age", "prune-without-manifest");
    /** The flags {@code --move-metadata} takes: it moves documents and publishes nothing. */
    private static final Set<String> MOVE_FLAGS = Set.of("move-metadata", "dry-run", "rate", "parallelism", "shards");

    /** Runs the command; the exit status as documented above. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> springArgs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2).split("=", 2)[0] : "";
            if (FLAGS.contains(name)) {
                String value;
                if (arg.contains("=")) {
                    value = arg.substring(arg.indexOf('=') + 1);
                } else if (SWITCHES.contains(name)) {
                    value = "true";
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    value = args[++i]; // --mode missing
                } else {
                    problems.add("--" + name + ": expected a value (--" + name + "=VALUE)");
                    continue;
                }
                flags.put(name, value);
            } else if (name.contains(".")) {
                springArgs.add(arg); // a configuration property such as --spring.kafka.bootstrap-servers=...
            } else {
                problems.add("unknown argument " + arg);
            }
        }
        Parsed parsed = parse(flags, problems);
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("rerender: " + p));
            err.println(USAGE);
            return 2;
        }
        ConfigurableApplicationContext context;
        try {
            context = new SpringApplicationBuilder(RerenderCommand.class)
                    .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                    .run(springArgs.toArray(String[]::new));
        } catch (RuntimeException e) {
            err.println("rerender: " + e.getMessage());
            return 2;
        }
        try (context) {
            ConfigurableEnvironment env = context.getEnvironment();
            Problems config = new Problems();
            MiniaturaSettings settings = MiniaturaSettings.load(env, config);
            config.throwIfAny();
            if (parsed.moveMetadata()) {
                return moveMetadata(parsed, settings, out);
            }
            RerenderOptions options = parsed.options(settings.storage().originalsBucket(), settings.storage().thumbnailsBucket());
            Map<String, Object> kafka = new HashMap<>(Binder.get(env)
                    .bind("spring.kafka.properties", Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
            kafka.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, env.getRequiredProperty("spring.kafka.bootstrap-servers"));
            ObjectStore store = new ObjectStore(settings.storage());
            String bulk = settings.kafka().bulkTopic();
            boolean publishes = !options.dryRun() && options.prune() == null;
            if (settings.kafka().createTopic() && publishes) {
                TopicProvisioner.create(kafka, List.of(bulk, bulk + ".dlq"), settings.kafka().partitions());
            }
            store.ensureBucketsIfConfigured(settings.storage().metadataBucket());
            try (EventSink sink = publishes ? new KafkaEventSink(kafka) : new DryRunSink()) {
                Rerender rerender = new Rerender(store, sink, bulk, new ManifestStore(store, settings.storage()),
                        settings.catalog(), options, out, Clock.systemUTC());
                return untilStopped(rerender::stop, rerender::execute);
            }
        } catch (InvalidConfigurationException | IllegalArgumentException e) {
            err.println("rerender: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("rerender failed: " + e + " (run it again to continue from its last checkpoint)");
            return 1;
        }
    }

    /**
     * {@code --move-metadata} ({@link MetadataMove}); SIGTERM stops it, and running it again continues. Exit status as
     * a run's: 0 done, 1 stopped or failed.
     */
    private static int moveMetadata(Parsed parsed, MiniaturaSettings settings, PrintStream out) throws Exception {
        ObjectStore store = new ObjectStore(settings.storage());
        store.ensureBucketsIfConfigured(settings.storage().metadataBucket());
        MetadataMove move = new MetadataMove(store, settings.storage(), on(parsed.flags(), "dry-run"), parsed.rate(),
                parsed.parallelism(), parsed.shards(), out);
        return untilStopped(move::stop, move::execute);
    }

    /**
     * Runs {@code work} with SIGTERM (a Job's pod evicted, Ctrl-C) calling {@code stop} and waiting up to a minute for
     * the work to save its position before the JVM goes. Exit status: 1 when stopped, else 0.
     */
    private static int untilStopped(Runnable stop, Callable<Rerender.Outcome> work) throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.run();
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "rerender-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.call() == Rerender.Outcome.STOPPED ? 1 : 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    /** Flags checked, every problem reported, each naming its flag. */
    record Parsed(Map<String, String> flags, Mode mode, List<String> variants, double rate, Duration checkpointEvery,
            int parallelism, int shards, IdFrom idFrom, ProgressStyle progress, int metricsPort, double jobsPerCore,
            Duration pruneMinAge) {

        boolean moveMetadata() {
            return on(flags, "move-metadata");
        }

        /** The options; a prune lists the thumbnails bucket and is a dry run unless {@code --delete}. */
        RerenderOptions options(String originalsBucket, String thumbnailsBucket) {
            String file = flags.get("from-file");
            boolean prune = on(flags, "prune");
            return new RerenderOptions(prune ? thumbnailsBucket : flags.getOrDefault("bucket", originalsBucket),
                    flags.get("prefix"), file == null ? null : Path.of(file), mode, variants, rate,
                    prune ? !on(flags, "delete") : on(flags, "dry-run"), flags.get("run"), on(flags, "restart"),
                    checkpointEvery, parallelism, shards, idFrom, progress, metricsPort, jobsPerCore,
                    prune ? new RerenderOptions.Pruning(pruneMinAge, on(flags, "prune-without-manifest")) : null);
        }
    }

    static Parsed parse(Map<String, String> flags, List<String> problems) {
        boolean move = on(flags, "move-metadata");
        if (move) {
            flags.keySet().stream().filter(name -> !MOVE_FLAGS.contains(name)).forEach(name -> problems.add("--" + name
                    + ": does not go with --move-metadata, which moves manifests and checkpoints and publishes nothing"));
        }
        Mode mode = null;
        String m = flags.get("mode");
        boolean prune = on(flags, "prune");
        if (prune && !move) {
            NOT_FOR_PRUNE.stream().filter(flags::containsKey)
                    .forEach(flag -> problems.add("--" + flag + ": does not apply to --prune"));
            if (on(flags, "delete") && flags.containsKey("dry-run")) {
                problems.add("--dry-run: --prune is a dry run unless --delete is given; pass one of them, not both");
            }
        } else if (!move) {
            ONLY_FOR_PRUNE.stream().filter(flags::containsKey)
                    .forEach(flag -> problems.add("--" + flag + ": only applies to --prune"));
            if (m == null) {
                problems.add("--mode: expected missing or all but was not set");
            } else if (m.equals("missing") || m.equals("all")) {
                mode = Mode.valueOf(m.toUpperCase(Locale.ROOT));
            } else {
                problems.add("--mode: expected missing or all but was \"" + m + "\"");
            }
        }
        List<String> variants = null;
        if (flags.containsKey("variants")) {
            variants = Arrays.stream(flags.get("variants").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (variants.isEmpty()) {
                problems.add("--variants: expected variant names such as s150,d800 but was \"" + flags.get("variants") + "\"");
                variants = null;
            } else if (variants.stream().distinct().count() != variants.size()) {
                problems.add("--variants: names a variant twice");
            }
        }
        double rate = number(flags, "rate", 0, 1, 10_000_000,
                "a number of " + (move ? "objects" : "events") + " per second, 1..10000000", problems);
        int parallelism = (int) number(flags, "parallelism", 16, 1, 256, "1..256", problems);
        int shards = (int) number(flags, "shards", 64, 1, 4096, "1..4096", problems);
        int metricsPort = (int) number(flags, "metrics-port", 0, 1, 65535, "a port 1..65535", problems);
        double jobsPerCore = number(flags, "jobs-per-core", 22, 0.01, 100_000, "a positive number", problems);
        Duration every = Duration.ofSeconds(10);
        if (flags.containsKey("checkpoint-every")) {
            every = duration(flags.get("checkpoint-every"));
            if (every == null || every.toMillis() < 100 || every.toHours() > 1) {
                problems.add("--checkpoint-every: expected a duration 100ms..1h such as 10s but was \"" + flags.get("checkpoint-every") + "\"");
            }
        }
        Duration pruneMinAge = Duration.ofHours(24);
        if (flags.containsKey("prune-min-age")) {
            pruneMinAge = duration(flags.get("prune-min-age"));
            if (pruneMinAge == null || pruneMinAge.isNegative() || pruneMinAge.toDays() > 3650) {
                problems.add("--prune-min-age: expected a duration 0s..3650d such as 24h but was \"" + flags.get("prune-min-age") + "\"");
            }
        }
        IdFrom idFrom = choice(flags, "id-from", IdFrom.class, IdFrom.METADATA, problems);
        ProgressStyle progress = choice(flags, "progress", ProgressStyle.class, ProgressStyle.AUTO, problems);
        if (flags.containsKey("from-file")) {
            if (flags.containsKey("prefix")) {
                problems.add("--prefix: lists the bucket, so it cannot go with --from-file (one source: the listing or the file)");
            }
            Path file = Path.of(flags.get("from-file"));
            if (!Files.isReadable(file) || Files.isDirectory(file)) {
                problems.add("--from-file: expected a readable file but \"" + file + "\" is not one");
            }
        }
        String run = flags.get("run");
        if (run != null && !run.matches("[A-Za-z0-9._-]{1,100}")) {
            problems.add("--run: expected 1-100 characters of A-Z, a-z, 0-9, '.', '_' or '-' but was \"" + run + "\"");
        }
        for (String sw : SWITCHES) {
            String v = flags.get(sw);
            if (v != null && !v.equals("true") && !v.equals("false")) {
                problems.add("--" + sw + ": expected true or false (or no value) but was \"" + v + "\"");
            }
        }
        return new Parsed(flags, mode, variants, rate, every, parallelism, shards, idFrom, progress, metricsPort, jobsPerCore,
                pruneMinAge);
    }

    private static boolean on(Map<String, String> flags, String name) {
        return "true".equals(flags.get(name));
    }

    private static double number(Map<String, String> flags, String name, double absent, double min, double max,
            String expected, List<String> problems) {
        String v = flags.get(name);
        if (v == null) {
            return absent;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("--" + name + ": expected " + expected + " but was \"" + v + "\"");
        return absent;
    }

    private static <E extends Enum<E>> E choice(Map<String, String> flags, String name, Class<E> type, E absent, List<String> problems) {
        String v = flags.get(name);
        if (v == null) {
            return absent;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.strip())) {
                return e;
            }
        }
        problems.add("--" + name + ": expected " + String.join(" or ", Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList()) + " but was \"" + v + "\"");
        return absent;
    }

    /**
     * {@code 500ms}, {@code 10s}, {@code 2m}, {@code 24h}, {@code 7d}, or an ISO-8601 duration; {@code null} when it is
     * none of those.
     */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(text.strip());
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("d")) {
                return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A dry run publishes nothing. */
    private static final class DryRunSink implements EventSink {
        @Override
        public void send(String topic, String key, Map<String, byte[]> headers, byte[] value) {
            throw new IllegalStateException("a dry run publishes nothing");
        }

        @Override
        public void flush() {
        }

        @Override
        public Exception failure() {
            return null;
        }

        @Override
        public void close() {
        }
    }
}
