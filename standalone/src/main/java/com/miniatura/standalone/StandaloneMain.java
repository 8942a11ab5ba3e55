package com.miniatura.standalone;

import com.miniatura.common.config.InvalidConfigurationException;
import com.miniatura.ingest.IngestApplication;
import com.miniatura.ingest.replay.ReplayDlqCommand;
import com.miniatura.ingest.rerender.RerenderCommand;
import com.miniatura.standalone.StandaloneSettings.Component;
import com.miniatura.standalone.infra.EmbeddedKafkaBroker;
import com.miniatura.standalone.infra.EmbeddedS3Server;
import com.miniatura.worker.RenderCommand;
import com.miniatura.worker.WorkerApplication;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The whole pipeline in one JVM: an embedded KRaft Kafka, an S3-compatible store on local disk, the
 * worker and the ingest API — each the same code that runs in production, started in that order so
 * that the API's health is UP only when everything behind it is ready.
 *
 * <pre>
 * java -jar miniatura-standalone.jar                                          # everything
 * java -jar miniatura-standalone.jar --miniatura.standalone.components=kafka,s3   # infrastructure only
 * java -jar miniatura-standalone.jar render --out DIR FILE…                      # render local files, no pipeline
 * java -jar miniatura-standalone.jar rerender --mode=missing                    # re-render the catalog (docs/rerender.md)
 * </pre>
 *
 * <p>The worker runs twice, as in production: one for the live lane (uploads and deletions) and one, with a single
 * consumer thread, for the bulk lane of catalog re-renders, so a re-render never queues ahead of an upload.
 */
public final class StandaloneMain implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StandaloneMain.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final StandaloneSettings settings;
    private final ConfigurableEnvironment environment;
    private ConfigurableApplicationContext ingest;
    private DevApiKey devKey;
    private ConfigurableApplicationContext worker;
    private ConfigurableApplicationContext bulkWorker;

    private StandaloneMain(StandaloneSettings settings, ConfigurableEnvironment environment) {
        this.settings = settings;
        this.environment = environment;
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(RenderCommand.NAME)) {
            System.exit(RenderCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals(RerenderCommand.NAME)) {
            System.exit(RerenderCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals(ReplayDlqCommand.NAME)) {
            System.exit(ReplayDlqCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        StandaloneMain standalone;
        try {
            standalone = start(args);
        } catch (InvalidConfigurationException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            log.error("Miniatura standalone failed to start", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(standalone::close, "miniatura-shutdown"));
        System.out.println(standalone.banner());
    }

    /** Starts the configured components; {@link #close()} stops them in reverse order. */
    public static StandaloneMain start(String... args) throws Exception {
        ConfigurableEnvironment environment = StandaloneSettings.environment(args);
        StandaloneMain standalone = new StandaloneMain(StandaloneSettings.from(environment), environment);
        try {
            standalone.startComponents(args);
        } catch (Exception | Error e) {
            standalone.close();
            throw e;
        }
        return standalone;
    }

    private void startComponents(String[] args) throws Exception {
        List<String> childArgs = new ArrayList<>(List.of(args));
        if (settings.runs(Component.S3)) {
            EmbeddedS3Server s3 = EmbeddedS3Server.start(
                    settings.dataDir().resolve("s3"),
                    settings.host(),
                    settings.s3Port(),
                    settings.accessKey(),
                    settings.secretKey(),
                    List.of("originals", "thumbnails", "metadata"),
                    // thumbnails readable anonymously, like the CDN's origin; originals and metadata (manifests)
                    // private
                    Set.of("thumbnails"));
            EmbeddedS3Server.NOISY_LOGGERS.forEach(name -> childArgs.add("--logging.level." + name + "=WARN"));
            started.push(s3);
            childArgs.add("--miniatura.storage.endpoint=" + s3.endpoint());
            // the image page's thumbnails: the bucket is public here, as the CDN's origin is in production
            childArgs.add("--miniatura.ingest.thumbnails-url=http://" + settings.host() + ":" + settings.s3Port()
                    + "/thumbnails");
        }
        if (settings.runs(Component.KAFKA)) {
            EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(
                    settings.dataDir().resolve("kafka"),
                    settings.host(),
                    settings.kafkaPort(),
                    settings.kafkaControllerPort());
            started.push(kafka);
            childArgs.add("--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers());
            // Spring Boot resets the log levels the broker set for itself when a service starts.
            EmbeddedKafkaBroker.NOISY_LOGGERS.forEach(name -> childArgs.add("--logging.level." + name + "=WARN"));
        }
        String[] serviceArgs = childArgs.toArray(String[]::new);
        if (settings.runs(Component.WORKER)) {
            worker = new SpringApplicationBuilder(WorkerApplication.class).run(serviceArgs);
            started.push(worker);
            List<String> bulkOverrides = List.of(
                    "--miniatura.worker.topic=${miniatura.kafka.bulk-topic}",
                    "--miniatura.worker.group=miniatura-worker-bulk",
                    "--spring.application.name=miniatura-worker-bulk",
                    // one thread: the live lane keeps the other core of a small machine for uploads
                    "--spring.cloud.stream.bindings.images-in-0.consumer.concurrency=1",
                    "--server.port=0");
            // a key given twice on the command line reads as both values joined, so the overridden ones are dropped
            List<String> bulkArgs = new ArrayList<>(childArgs.stream()
                    .filter(arg ->
                            bulkOverrides.stream().noneMatch(o -> arg.startsWith(o.substring(0, o.indexOf('=') + 1))))
                    .toList());
            bulkArgs.addAll(bulkOverrides);
            bulkWorker = new SpringApplicationBuilder(WorkerApplication.class).run(bulkArgs.toArray(String[]::new));
            started.push(bulkWorker);
        }
        if (settings.runs(Component.INGEST)) {
            devKey = DevApiKey.resolve(environment, settings.dataDir());
            // given twice, a key's values would be joined: the one from the command line is replaced, not repeated
            List<String> ingestArgs = new ArrayList<>(childArgs.stream()
                    .filter(arg -> !arg.startsWith("--" + DevApiKey.PROPERTY + "="))
                    .toList());
            ingestArgs.add("--" + DevApiKey.PROPERTY + "=" + devKey.key());
            ConfigurableApplicationContext workerContext = worker;
            ConfigurableApplicationContext bulkContext = bulkWorker;
            ingest = new SpringApplicationBuilder(IngestApplication.class)
                    .initializers(context -> {
                        if (workerContext != null) {
                            // The API's health includes the in-process worker's, so UP means the whole pipeline.
                            context.getBeanFactory().registerSingleton("worker", workerHealth(workerContext));
                        }
                        if (bulkContext != null) {
                            context.getBeanFactory().registerSingleton("workerBulk", workerHealth(bulkContext));
                        }
                    })
                    .run(ingestArgs.toArray(String[]::new));
            started.push(ingest);
        }
    }

    private static HealthIndicator workerHealth(ConfigurableApplicationContext worker) {
        return () -> {
            if (!worker.isActive()) {
                return Health.down().withDetail("error", "worker stopped").build();
            }
            Status status = worker.getBean(HealthEndpoint.class).health().getStatus();
            return Health.status(status).build();
        };
    }

    String banner() {
        String host = settings.host();
        StringBuilder b = new StringBuilder("\n  Miniatura standalone is ready (data in " + settings.dataDir() + ")\n");
        if (settings.runs(Component.KAFKA)) {
            b.append("    Kafka          ")
                    .append(host)
                    .append(':')
                    .append(settings.kafkaPort())
                    .append("   topics miniatura.images (live), miniatura.images.bulk (re-renders)\n");
        }
        if (settings.runs(Component.S3)) {
            b.append("    S3             http://")
                    .append(host)
                    .append(':')
                    .append(settings.s3Port())
                    .append("   buckets originals, thumbnails, metadata (")
                    .append(settings.accessKey())
                    .append(" / ****)\n");
        }
        if (worker != null) {
            b.append("    worker         http://localhost:")
                    .append(worker.getEnvironment().getProperty("local.server.port"))
                    .append("/actuator/health\n");
        }
        if (bulkWorker != null) {
            b.append("    bulk worker    http://localhost:")
                    .append(bulkWorker.getEnvironment().getProperty("local.server.port"))
                    .append(
                            "/actuator/health   (re-renders: java -jar miniatura-standalone.jar rerender --mode=missing)\n");
        }
        if (ingest != null) {
            String port = ingest.getEnvironment().getProperty("local.server.port");
            String auth = devKey.generated()
                    ? "-H \"Authorization: Bearer " + devKey.key() + "\" "
                    : "-H \"Authorization: Bearer $" + DevApiKey.ENV + "\" ";
            b.append("    ingest API     http://localhost:")
                    .append(port)
                    .append('\n')
                    .append("    API key        ")
                    .append(
                            devKey.generated()
                                    ? devKey.key() + "   (kept in " + devKey.file() + "; set " + DevApiKey.ENV
                                            + " to choose one)"
                                    : "from " + DevApiKey.ENV)
                    .append('\n')
                    .append("\n  Send a photo:       curl ")
                    .append(auth)
                    .append("-F file=@photo.jpg http://localhost:")
                    .append(port)
                    .append("/v1/images\n")
                    .append("  Ask for its status: curl http://localhost:")
                    .append(port)
                    .append("/v1/images/<imageId>\n")
                    .append("  See every variant:  http://localhost:")
                    .append(port)
                    .append("/images/<imageId>\n")
                    .append("  Browse the API:     http://localhost:")
                    .append(port)
                    .append("/swagger-ui.html\n")
                    .append("  Open a thumbnail:   http://")
                    .append(host)
                    .append(':')
                    .append(settings.s3Port())
                    .append("/thumbnails/<imageId>/s150.jpg\n")
                    .append("  (stored as files:   ")
                    .append(settings.dataDir().resolve("s3").resolve("thumbnails"))
                    .append("/<imageId>/<variant>.jpg)\n");
        }
        return b.toString();
    }

    public ConfigurableApplicationContext ingest() {
        return ingest;
    }

    public ConfigurableApplicationContext worker() {
        return worker;
    }

    /** The worker of the bulk lane (catalog re-renders). */
    public ConfigurableApplicationContext bulkWorker() {
        return bulkWorker;
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                log.warn("Stopping {} failed: {}", component, e.toString());
            }
        }
    }
}
