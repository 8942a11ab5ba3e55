package com.miniatura.standalone.pipeline;

import com.miniatura.standalone.infra.EmbeddedS3Server;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The end-to-end scenarios against an embedded KRaft broker (spring-kafka-test) and an S3Proxy
 * server on local disk: runs everywhere, no Docker needed.
 */
class EmbeddedPipelineIT extends PipelineScenarios {
    @TempDir
    static Path s3Dir;

    static EmbeddedKafkaKraftBroker kafka;
    static EmbeddedS3Server s3;

    /**
     * The JVM's system properties before the broker started. spring-kafka-test sets
     * {@code spring.kafka.bootstrap-servers} (and {@code spring.embedded.kafka.brokers}) as system properties and
     * never clears them; left behind, they sent the in-process standalone of every later IT in this JVM to this
     * dead broker (IntegrationsIT and ImagePageBrowserIT failed so in CI).
     */
    private static Properties systemProperties;

    @BeforeAll
    static void start() throws Exception {
        systemProperties = (Properties) System.getProperties().clone();
        kafka = new EmbeddedKafkaKraftBroker(1, 12);
        kafka.afterPropertiesSet();
        // Provisioned up front, as in production, with the partition count the services expect.
        kafka.addTopics(new NewTopic("miniatura.images", 12, (short) 1));
        s3 = EmbeddedS3Server.start(
                s3Dir,
                "localhost",
                freePort(),
                "minioadmin",
                "minioadmin",
                List.of("originals", "thumbnails", "metadata"));
        bootstrapServers = kafka.getBrokersAsString();
        pipeline = Pipeline.start(bootstrapServers, s3.endpoint(), "minioadmin", "minioadmin");
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
        System.setProperties(systemProperties);
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
