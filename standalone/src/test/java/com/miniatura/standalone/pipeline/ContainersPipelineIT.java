package com.miniatura.standalone.pipeline;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same end-to-end scenarios against real Kafka (KRaft) and MinIO containers. Skipped, and
 * reported as skipped, where no Docker engine is available (as on the CI machine).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainersPipelineIT extends PipelineScenarios {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.0.0");

    /** Docker Hub no longer serves minio/minio; the same image is published on quay.io. */
    @Container
    static final MinIOContainer MINIO = new MinIOContainer(
                    DockerImageName.parse("quay.io/minio/minio:RELEASE.2025-02-28T09-55-16Z")
                            .asCompatibleSubstituteFor("minio/minio"))
            .withUserName("minioadmin")
            .withPassword("minioadmin");

    @BeforeAll
    static void start() {
        bootstrapServers = KAFKA.getBootstrapServers();
        pipeline = Pipeline.start(
                bootstrapServers,
                MINIO.getS3URL(),
                "minioadmin",
                "minioadmin",
                "--miniatura.storage.create-buckets=true");
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
