package com.miniatura.ingest.rerender;

import com.miniatura.common.cli.CommandArguments;
import com.miniatura.common.config.InvalidConfigurationException;
import com.miniatura.common.config.MiniaturaService;
import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.config.Problems;
import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.MinioObjectStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.publish.TopicProvisioner;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
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
                            [--metrics-port=PORT] [--jobs-per-core=10]
                   rerender --prune [--delete] [--prune-min-age=24h] [--prune-without-manifest] [--prefix=P]
                            [--rate=DELETIONS_PER_S] [--run=NAME] [--restart] [--checkpoint-every=10s]
                            [--parallelism=16] [--shards=64] [--progress=auto|bar|log|none]
                   rerender --move-metadata [--dry-run] [--rate=OBJECTS_PER_S] [--parallelism=16] [--shards=64]""";

    /** Runs the command; the exit status as documented above. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> problems = new ArrayList<>();
        Parsed parsed = parse(args, problems);
        if (parsed.arguments().help()) {
            out.println(parsed.arguments().usage());
            return 0;
        }
        if (CommandArguments.refused("rerender", problems, USAGE, err)) {
            return 2;
        }
        List<String> springArgs = parsed.springArgs();
        ConfigurableApplicationContext context;
        try {
            context = CommandArguments.context(RerenderCommand.class, springArgs);
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
            RerenderOptions options = parsed.options(
                    settings.storage().originalsBucket(), settings.storage().thumbnailsBucket());
            Map<String, Object> kafka = new HashMap<>(Binder.get(env)
                    .bind("spring.kafka.properties", Bindable.mapOf(String.class, String.class))
                    .orElse(Map.of()));
            kafka.put(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    env.getRequiredProperty("spring.kafka.bootstrap-servers"));
            ObjectStore store = new MinioObjectStore(settings.storage());
            String bulk = settings.kafka().bulkTopic();
            boolean publishes = !options.dryRun() && options.prune() == null;
            if (settings.kafka().createTopic() && publishes) {
                TopicProvisioner.create(
                        kafka,
                        List.of(bulk, DeadLetterContract.topicOf(bulk)),
                        settings.kafka().partitions());
            }
            store.ensureBucketsIfConfigured(settings.storage().metadataBucket());
            try (EventSink sink = publishes ? new KafkaEventSink(kafka) : new DryRunSink()) {
                Rerender rerender = new Rerender(
                        store,
                        sink,
                        bulk,
                        new ManifestStore(store, settings.storage()),
                        settings.catalog(),
                        options,
                        out,
                        Clock.systemUTC());
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
        ObjectStore store = new MinioObjectStore(settings.storage());
        store.ensureBucketsIfConfigured(settings.storage().metadataBucket());
        MetadataMove move = new MetadataMove(
                store,
                settings.storage(),
                parsed.flags().dryRun,
                parsed.rate(),
                parsed.parallelism(),
                parsed.shards(),
                out);
        return untilStopped(move::stop, move::execute);
    }

    /**
     * Runs {@code work} with SIGTERM (a Job's pod evicted, Ctrl-C) calling {@code stop} and waiting up to a minute for
     * the work to save its position before the JVM goes. Exit status: 1 when stopped, else 0.
     */
    private static int untilStopped(Runnable stop, Callable<Rerender.Outcome> work) throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.run();
                    try {
                        finished.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "rerender-stop");
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
    record Parsed(RerenderFlags flags, CommandArguments arguments, int metricsPort) {

        /** The configuration properties among the arguments, for Spring. */
        List<String> springArgs() {
            return arguments.properties();
        }

        boolean moveMetadata() {
            return flags.moveMetadata;
        }

        double rate() {
            return flags.rate == null ? 0 : flags.rate;
        }

        int parallelism() {
            return flags.parallelism;
        }

        int shards() {
            return flags.shards;
        }

        /** The options; a prune lists the thumbnails bucket and is a dry run unless {@code --delete}. */
        RerenderOptions options(String originalsBucket, String thumbnailsBucket) {
            RerenderFlags f = flags;
            return new RerenderOptions(
                    f.prune ? thumbnailsBucket : f.bucket != null ? f.bucket : originalsBucket,
                    f.prefix,
                    f.fromFile,
                    f.mode,
                    f.variants,
                    rate(),
                    f.prune ? !f.delete : f.dryRun,
                    f.run,
                    f.restart,
                    f.checkpointEvery,
                    f.parallelism,
                    f.shards,
                    f.idFrom,
                    f.progress,
                    metricsPort,
                    f.jobsPerCore,
                    f.prune ? new RerenderOptions.Pruning(f.pruneMinAge, f.pruneWithoutManifest) : null);
        }
    }

    /** Reads {@code args} ({@link RerenderFlags}); every problem, each naming its flag, goes to {@code problems}. */
    static Parsed parse(String[] args, List<String> problems) {
        RerenderFlags flags = new RerenderFlags();
        CommandArguments arguments = flags.parse(args, problems);
        return new Parsed(flags, arguments, flags.metricsPort == null ? 0 : flags.metricsPort);
    }

    /** A dry run publishes nothing. */
    private static final class DryRunSink implements EventSink {
        @Override
        public void send(String topic, String key, Map<String, byte[]> headers, byte[] value) {
            throw new IllegalStateException("a dry run publishes nothing");
        }

        @Override
        public void flush() {}

        @Override
        public Exception failure() {
            return null;
        }

        @Override
        public void close() {}
    }
}
