package com.miniatura.ingest.health;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/** UP when the Kafka cluster answers a describe-cluster call within 3 s. */
@Component("kafka")
class KafkaHealthIndicator implements HealthIndicator, AutoCloseable {
    private final Admin admin;

    KafkaHealthIndicator(KafkaAdmin kafkaAdmin) {
        Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
        config.put("request.timeout.ms", 3000);
        config.put("default.api.timeout.ms", 3000);
        this.admin = Admin.create(config);
    }

    @Override
    public Health health() {
        try {
            var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000));
            String id = cluster.clusterId().get(3, TimeUnit.SECONDS);
            int nodes = cluster.nodes().get(3, TimeUnit.SECONDS).size();
            return Health.up()
                    .withDetail("clusterId", id)
                    .withDetail("nodes", nodes)
                    .build();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Health.down()
                    .withDetail("error", String.valueOf(e.getMessage()))
                    .build();
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
