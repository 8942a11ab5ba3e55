package com.miniatura.standalone.infra;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (combined broker+controller) whose log lives under dataDir and survives restarts.
 *
 * <p>The log directory, {@code dataDir/kraft-combined-logs}, is formatted on the first start only (a fresh random
 * cluster id); later starts find its {@code meta.properties} and keep the same cluster id, topics and records.
 *
 * <p>Kafka's broker-side loggers ({@code kafka.*}, {@code org.apache.kafka.{server,controller,raft,...}}) and the
 * config dumps ({@code org.apache.kafka.common.config.AbstractConfig}, which the clients share) are turned down to
 * WARN when the backend is Logback and the logger has no level of its own; give one a level (e.g.
 * {@code logging.level.kafka=INFO}) to hear more.
 *
 * <p>Like any Kafka server, it ends the JVM ({@code Exit.halt}) on a fatal metadata or log-directory fault
 * rather than run on in an unknown state; ordinary failures (a port in use) are thrown from {@link #start}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    static final int NODE_ID = 1;
    static final String LOG_DIR_NAME = "kraft-combined-logs";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /** Broker-side loggers made quiet unless the application configured them. */
    /** Loggers set to WARN: Spring Boot resets Logback when a service starts, so the launcher passes these on. */
    public static final List<String> NOISY_LOGGERS = List.of(
            "kafka",
            "state.change.logger",
            "org.apache.kafka.server",
            "org.apache.kafka.controller",
            "org.apache.kafka.raft",
            "org.apache.kafka.metadata",
            "org.apache.kafka.image",
            "org.apache.kafka.storage",
            "org.apache.kafka.coordinator",
            "org.apache.kafka.queue",
            "org.apache.kafka.snapshot",
            "org.apache.kafka.network",
            "org.apache.kafka.security",
            "org.apache.kafka.common.network",
            "org.apache.kafka.common.metrics",
            "org.apache.kafka.common.security",
            // Shared with the clients: the broker logs its ~300-line "KafkaConfig values" dump three times per
            // start through AbstractConfig, and a version banner per internal client through AppInfoParser.
            "org.apache.kafka.common.config.AbstractConfig",
            "org.apache.kafka.common.utils.AppInfoParser");

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats {@code dataDir/kraft-combined-logs} if it has no {@code meta.properties} yet, starts the combined
     * broker+controller and returns once an Admin client's {@code describeCluster} sees the broker.
     *
     * @param host the interface both listeners bind to, and the host advertised to clients: use a name clients
     *     can connect to ({@code localhost}), not {@code 0.0.0.0}
     * @param port the PLAINTEXT (client) port; fixed, as clients and the log's metadata refer to it
     * @param controllerPort the CONTROLLER (KRaft quorum) port, distinct from {@code port}
     * @throws RuntimeException from Kafka when a port is taken ("Socket server failed to bind"), the broker
     *     having been shut down again
     */
    public static EmbeddedKafkaBroker start(Path dataDir, String host, int port, int controllerPort) throws Exception {
        if (port <= 0 || controllerPort <= 0 || port == controllerPort) {
            throw new IllegalArgumentException("need two distinct fixed ports, got " + port + " and " + controllerPort);
        }
        long began = System.nanoTime();
        QuietLoggers.quiet(NOISY_LOGGERS);
        Path logDir = Files.createDirectories(dataDir.resolve(LOG_DIR_NAME)).toAbsolutePath();
        KafkaConfig config = new KafkaConfig(brokerProperties(logDir, host, port, controllerPort), false);

        if (Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            log.debug("{} is already formatted: keeping its cluster id", logDir);
        } else {
            format(logDir);
        }

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        String bootstrapServers = hostForUrl(host) + ":" + port;
        try {
            server.startup();
            awaitReady(bootstrapServers);
        } catch (Exception | Error e) {
            shutdown(server);
            throw e;
        }
        log.info(
                "Kafka broker (KRaft, log {}) accepting clients on {} in {} ms",
                logDir,
                bootstrapServers,
                (System.nanoTime() - began) / 1_000_000);
        return new EmbeddedKafkaBroker(server, bootstrapServers);
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code localhost:9092}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Shuts the broker and controller down cleanly (flushing the log) and releases both ports. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            shutdown(server);
        }
    }

    private static Properties brokerProperties(Path logDir, String host, int port, int controllerPort) {
        String h = hostForUrl(host);
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + h + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + h + ":" + port + ",CONTROLLER://" + h + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + h + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());

        // Single node: every internal topic has one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");

        p.put("num.partitions", "12");
        p.put("auto.create.topics.enable", "true");

        // One JVM shares its heap with the rest of the pipeline: the cleaner's default 128 MiB dedupe buffer
        // is far more than the compacted internal topics of one node need.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        return p;
    }

    private static void format(Path logDir) throws Exception {
        String clusterId = Uuid.randomUuid().toString();
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                .setNodeId(NODE_ID)
                .setClusterId(clusterId)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir.toString())
                .addDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
        log.info("Formatted new KRaft log directory {} with cluster id {}", logDir, clusterId);
    }

    private static void awaitReady(String bootstrapServers) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "embedded-kafka-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000))) {
            while (true) {
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                            .nodes()
                            .get(10, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "Kafka broker on " + bootstrapServers + " did not accept clients within "
                                        + READY_TIMEOUT,
                                e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Kafka broker on " + bootstrapServers + " reported no nodes within " + READY_TIMEOUT);
                }
                Thread.sleep(50);
            }
        }
    }

    private static void shutdown(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Kafka broker did not shut down cleanly", e);
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
