package com.miniatura.ingest.publish;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.DeadLetterContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Creates the event topics (live and bulk lanes, each with its dead-letter topic) when missing and {@code miniatura.kafka.create-topic} is on (standalone,
 * dev). It never alters an existing topic: adding partitions would move imageIds to other partitions
 * and break the per-image ordering of events (which is why Spring's {@code NewTopic} beans, which do
 * add partitions, are not used).
 */
@Component
public class TopicProvisioner implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private final KafkaAdmin kafkaAdmin;
    private final MiniaturaSettings settings;

    TopicProvisioner(KafkaAdmin kafkaAdmin, MiniaturaSettings settings) {
        this.kafkaAdmin = kafkaAdmin;
        this.settings = settings;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (!settings.kafka().createTopic()) {
            return;
        }
        Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
        // The dead-letter topic too: the worker publishes its dead letters itself (not through the binder,
        // which would create it) and a missing topic would leave them waiting on metadata.
        // The bulk lane's pair as well, so its workers and the rerender command find them on a fresh setup.
        String topic = settings.kafka().topic();
        String bulk = settings.kafka().bulkTopic();
        create(
                config,
                List.of(topic, DeadLetterContract.topicOf(topic), bulk, DeadLetterContract.topicOf(bulk)),
                settings.kafka().partitions());
    }

    /**
     * Creates those of {@code topics} that do not exist; a failure is logged, not thrown (Kafka may come up later).
     * Every wait is bounded: an admin client closed without a timeout was seen to hang for two minutes.
     */
    public static void create(Map<String, Object> clientConfig, List<String> topics, int partitions) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put("request.timeout.ms", 5000);
        config.put("default.api.timeout.ms", 10000);
        Admin admin = Admin.create(config);
        try {
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            List<String> created = new ArrayList<>();
            for (String topic : topics) {
                if (existing.contains(topic)) {
                    continue;
                }
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) -1)))
                            .all()
                            .get(15, TimeUnit.SECONDS);
                    log.info("Created topic {} with {} partitions", topic, partitions);
                    created.add(topic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        log.warn(
                                "Could not create topic {}: {}",
                                topic,
                                e.getCause().toString());
                    }
                }
            }
            awaitLeaders(admin, created);
        } catch (Exception e) {
            // Not fatal: Kafka may come up after us; publishing answers 503 until it does.
            log.warn("Could not create topics {}: {}", topics, e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Waits (up to 10 s) until every partition of the new topics has a leader. Creation returns once the
     * controller has the topic, before the broker leads its partitions; an idempotent producer whose first batch
     * met that NOT_LEADER_OR_FOLLOWER was seen to retry it as OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery
     * timeout (RerenderIT's key-file run failed so, after 120 s).
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                boolean led = admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (led) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // not described yet: ask again
            }
            Thread.sleep(100);
        }
        log.warn("Topics {} still have partitions without a leader after 10 s", topics);
    }
}
