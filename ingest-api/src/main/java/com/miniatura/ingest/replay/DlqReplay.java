package com.miniatura.ingest.replay;

import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.common.storage.ObjectStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-publishes dead letters to the image topic after the cause was fixed.
 *
 * <p>Reads {@code <topic>.dlq} from its beginning up to the end it had when the replay started (dead
 * letters arriving meanwhile are left for a later run), keeps those matching the filter, and publishes
 * each with its original key, value and event headers — the {@code miniatura-*} and {@code kafka_dlt-*}
 * headers the worker added are dropped, so a replayed event is exactly the event that failed. Nothing is
 * removed from the dead-letter topic and no consumer offsets are kept: running it again replays again,
 * which is harmless because the worker skips images already rendered from the same original.
 *
 * <p>A deletion older than the image's current upload is not replayed ({@link StaleDeletions}): it would erase the
 * image its seller uploaded again after asking for the deletion. Each one skipped is named in the output.
 */
public final class DlqReplay {
    /** Headers the worker and Spring Kafka add to a dead letter, not part of the original event. */
    private static final List<String> DEAD_LETTER_HEADER_PREFIXES = DeadLetterContract.ADDED_HEADER_PREFIXES;

    private final Map<String, Object> kafka;
    private final String topic;
    private final StaleDeletions staleDeletions;
    private final PrintStream out;

    /**
     * @param kafka client settings (bootstrap servers, security) shared by the consumer and producer
     * @param topic the image topic; dead letters are read from {@link DeadLetterContract#topicOf its dead-letter topic}
     * @param store where the images' statuses and originals are, to tell a deletion older than the image's upload
     */
    public DlqReplay(Map<String, Object> kafka, String topic, ObjectStore store, PrintStream out) {
        this.kafka = Map.copyOf(kafka);
        this.topic = topic;
        this.staleDeletions = new StaleDeletions(store);
        this.out = out;
    }

    /**
     * What a run found and did. {@code skipped}: matching deletions not replayed, being older than the image's
     * upload (in a dry run too); {@code byError}: error class → matching dead letters.
     */
    public record Result(long read, long matching, long replayed, long skipped, Map<String, Long> byError) {}

    public Result run(ReplayOptions options) throws Exception {
        String dlq = DeadLetterContract.topicOf(topic);
        Map<String, Object> consumerConfig = new HashMap<>(kafka);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, Object> producerConfig = new HashMap<>(kafka);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        long read = 0;
        long matching = 0;
        long skipped = 0;
        Map<String, Long> byError = new TreeMap<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = options.dryRun()
                        ? null
                        : new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<PartitionInfo> infos = consumer.partitionsFor(dlq, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("dead-letter topic " + dlq + " does not exist");
            }
            infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(partition)) {
                        continue; // arrived after the replay started
                    }
                    read++;
                    String errorClass = header(record, DeadLetterContract.ERROR_CLASS);
                    String reason = header(record, DeadLetterContract.ERROR_REASON);
                    if (!options.matches(errorClass, reason) || matching >= options.limit()) {
                        continue;
                    }
                    matching++;
                    byError.merge(errorClass == null ? "(no error class)" : errorClass, 1L, Long::sum);
                    Optional<String> skip = staleDeletions.skip(record);
                    if (skip.isPresent()) {
                        skipped++;
                        out.println(skip.get());
                    } else if (producer != null) {
                        sent.add(producer.send(new ProducerRecord<>(
                                topic, null, record.key(), record.value(), originalHeaders(record))));
                    }
                }
            }
            if (producer != null) {
                producer.flush();
                for (Future<RecordMetadata> future : sent) {
                    future.get(); // an unacknowledged replay fails the command: nothing is reported as done that is not
                }
            }
        }
        Result result = new Result(read, matching, sent.size(), skipped, byError);
        out.printf(
                "Dead letters read from %s: %d; matching %s: %d; %s; old deletions skipped: %d%n",
                dlq,
                read,
                options.describe(),
                matching,
                options.dryRun() ? "dry run, nothing published" : "replayed to " + topic + ": " + sent.size(),
                skipped);
        byError.forEach((error, count) -> out.printf("  %6d  %s%n", count, error));
        return result;
    }

    private static RecordHeaders originalHeaders(ConsumerRecord<?, ?> record) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            String name = header.key().toLowerCase(Locale.ROOT);
            if (DEAD_LETTER_HEADER_PREFIXES.stream().noneMatch(name::startsWith)) {
                headers.add(header);
            }
        }
        return headers;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
