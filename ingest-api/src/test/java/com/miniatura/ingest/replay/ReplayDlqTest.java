package com.miniatura.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * {@code replay-dlq} against an embedded broker holding three dead letters, as the worker writes them:
 * the filters pick the right ones, a dry run publishes nothing, and a replay publishes each with its
 * original key, value and event headers but none of the dead-letter headers.
 */
class ReplayDlqTest {
    private static EmbeddedKafkaKraftBroker kafka;
    private static int run;

    @BeforeAll
    static void start() {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
    }

    @AfterAll
    static void stop() {
        kafka.destroy();
    }

    /** A fresh topic pair with three dead letters: two storage outages and one unknown envelope. */
    private static String topicWithDeadLetters() throws Exception {
        String topic = "replay-" + (++run) + ".images";
        kafka.addTopics(
                new NewTopic(topic, 2, (short) 1), new NewTopic(DeadLetterContract.topicOf(topic), 1, (short) 1));
        deadLetter(
                topic,
                "img-1",
                "com.miniatura.common.storage.StorageUnavailableException",
                "get originals/img-1.jpg failed: connection refused");
        deadLetter(
                topic,
                "img-2",
                "com.miniatura.worker.consume.PermanentEventException",
                "invalid event (not marked failed: unknown envelope)");
        deadLetter(
                topic,
                "img-3",
                "com.miniatura.common.storage.StorageUnavailableException",
                "put thumbnails/img-3/s150.jpg failed: 503 SlowDown");
        return topic;
    }

    private static void deadLetter(String topic, String imageId, String errorClass, String reason) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_type", "image.uploaded");
        headers.put("ce_id", "e-" + imageId);
        headers.put("ce_source", "/test");
        headers.put("kafka_dlt-original-topic", topic);
        headers.put(DeadLetterContract.ERROR_CLASS, errorClass);
        headers.put(DeadLetterContract.ERROR_REASON, reason);
        headers.put(DeadLetterContract.ATTEMPTS, "6");
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(
                    DeadLetterContract.topicOf(topic), imageId, "{\"imageId\":\"" + imageId + "\"}");
            headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        }
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--dry-run                                   | img-1 img-2 img-3",
                "--dry-run --error-class=StorageUnavailableException | img-1 img-3",
                "--dry-run --reason=SLOWDOWN                 | img-3",
                "--dry-run --error-class=StorageUnavailableException --limit=1 | img-1"
            })
    void dryRunCountsWhatMatchesAndPublishesNothing(String flags, String expected) throws Exception {
        String topic = topicWithDeadLetters();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = command(topic, out, flags.trim().split("\\s+"));
        assertThat(status).isZero();
        int matching = expected.split(" ").length;
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("Dead letters read from " + topic + ".dlq: 3;")
                .contains(": " + matching + "; dry run, nothing published");
        assertThat(records(topic, 0, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void replayPublishesTheOriginalEventsWithoutDeadLetterHeaders() throws Exception {
        String topic = topicWithDeadLetters();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(command(topic, out, "--error-class=com.miniatura.common.storage.StorageUnavailableException"))
                .isZero();
        System.out.print("replay-dlq printed: " + out.toString(StandardCharsets.UTF_8));
        List<ConsumerRecord<String, String>> replayed = records(topic, 2, Duration.ofSeconds(30));
        assertThat(replayed).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("img-1", "img-3");
        for (ConsumerRecord<String, String> record : replayed) {
            assertThat(record.value()).isEqualTo("{\"imageId\":\"" + record.key() + "\"}");
            assertThat(StreamSupport.stream(record.headers().spliterator(), false)
                            .map(h -> h.key())
                            .toList())
                    .containsExactly("ce_specversion", "ce_type", "ce_id", "ce_source");
        }
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("replayed to " + topic + ": 2")
                .contains("2  com.miniatura.common.storage.StorageUnavailableException");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--limit=0        | replay-dlq: --limit: expected a positive number but was \"0\"",
                "--reason         | replay-dlq: --reason: expected --reason=VALUE",
                "--everything     | replay-dlq: unknown argument --everything"
            })
    void badArgumentsExitWithStatus2NamingTheProblem(String flag, String message) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayDlqCommand.run(
                new String[] {flag.trim()},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(message.trim())
                .contains(ReplayDlqCommand.USAGE);
    }

    @Test
    void helpListsEveryFlagAndExits0() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = ReplayDlqCommand.run(
                new String[] {"--help"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith(ReplayDlqCommand.USAGE)
                .contains("--reason", "--error-class", "--limit", "--dry-run");
    }

    private static int command(String topic, ByteArrayOutputStream out, String... flags) {
        List<String> args = new ArrayList<>(List.of(flags));
        args.add("--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString());
        args.add("--miniatura.kafka.topic=" + topic);
        return ReplayDlqCommand.run(
                args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    }

    private static List<ConsumerRecord<String, String>> records(String topic, int expected, Duration wait) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "replay-test-reader-" + topic);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long giveUp = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < giveUp && (expected == 0 || records.size() < expected)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
