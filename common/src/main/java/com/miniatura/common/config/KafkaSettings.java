package com.miniatura.common.config;

import java.util.Map;

/**
 * The event topic, from {@code miniatura.kafka.*}. Broker addresses and client settings are Spring's
 * own {@code spring.kafka.*} keys.
 *
 * @param topic       topic of image events: the live lane (uploads and deletions)
 * @param bulkTopic   topic of catalog re-render events: the bulk lane, consumed by workers of its own so a
 *                    backfill never queues ahead of a live upload (docs/rerender.md)
 * @param partitions  partitions when a service creates the topic
 * @param createTopic whether services create the topic when it is missing (standalone, dev)
 */
public record KafkaSettings(String topic, String bulkTopic, int partitions, boolean createTopic) {
    public static final String PREFIX = "miniatura.kafka";
    public static final String DEFAULT_BULK_TOPIC = "miniatura.images.bulk";

    /** Settings with the default bulk topic. */
    public KafkaSettings(String topic, int partitions, boolean createTopic) {
        this(topic, DEFAULT_BULK_TOPIC, partitions, createTopic);
    }

    /** As {@link #from(ConfigurationSection, Problems)}, from relative keys such as {@code bulk-topic}: for tests and tools. */
    public static KafkaSettings from(Map<String, String> raw, Problems problems) {
        return from(ConfigurationSection.of(PREFIX, raw), problems);
    }

    /** Validates {@code miniatura.kafka.*}, adding a problem per bad key. */
    public static KafkaSettings from(ConfigurationSection raw, Problems problems) {
        String topic = raw.get("topic");
        if (topic == null || !topic.matches("[A-Za-z0-9._-]{1,249}")) {
            problems.expected(
                    PREFIX + ".topic", "a topic name of letters, digits, '.', '_' or '-'", Problems.show(topic));
        }
        String bulkTopic = raw.getOrDefault("bulk-topic", DEFAULT_BULK_TOPIC);
        if (!bulkTopic.matches("[A-Za-z0-9._-]{1,249}")) {
            problems.expected(
                    PREFIX + ".bulk-topic",
                    "a topic name of letters, digits, '.', '_' or '-'",
                    Problems.show(bulkTopic));
        } else if (bulkTopic.equals(topic)) {
            problems.expected(
                    PREFIX + ".bulk-topic",
                    "a topic other than miniatura.kafka.topic (the live lane)",
                    Problems.show(bulkTopic));
        }
        int partitions = 0;
        String p = raw.getOrDefault("partitions", "12");
        try {
            partitions = Integer.parseInt(p.trim());
        } catch (NumberFormatException e) {
            partitions = -1;
        }
        if (partitions < 1 || partitions > 10_000) {
            problems.expected(PREFIX + ".partitions", "1..10000", Problems.show(p));
        }
        String create = raw.getOrDefault("create-topic", "false").trim();
        if (!create.equals("true") && !create.equals("false")) {
            problems.expected(PREFIX + ".create-topic", "true or false", Problems.show(create));
        }
        return new KafkaSettings(topic, bulkTopic, partitions, create.equals("true"));
    }
}
