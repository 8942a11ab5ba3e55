package com.miniatura.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.common.testing.Actuator;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.cloud.stream.endpoint.BindingsEndpoint;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The worker's port (8081, actuator only, reachable by anyone who reaches the pod) serves health, info and
 * prometheus, read-only, and says no more than UP or DOWN. Regression: Spring Cloud Stream's bindings endpoint was
 * exposed with its write operation, and {@code POST /actuator/bindings/images-in-0 {"state":"STOPPED"}} stopped the
 * consumer, unauthenticated.
 */
class ManagementPortTest {
    private static final String TOPIC = "management-it.images";

    static EmbeddedKafkaKraftBroker kafka;
    static ConfigurableApplicationContext worker;
    static String base;

    @BeforeAll
    static void start() {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        kafka.addTopics(
                new NewTopic(TOPIC, 1, (short) 1), new NewTopic(DeadLetterContract.topicOf(TOPIC), 1, (short) 1));
        worker = new SpringApplicationBuilder(WorkerApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                        "--miniatura.kafka.topic=" + TOPIC,
                        "--miniatura.kafka.partitions=1",
                        "--miniatura.storage.endpoint=http://127.0.0.1:9",
                        "--miniatura.storage.create-buckets=false",
                        "--spring.cloud.stream.bindings.images-in-0.consumer.concurrency=1");
        base = "http://127.0.0.1:" + worker.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
    }

    static Stream<Arguments> refused() {
        return Stream.concat(
                Actuator.refusedByEveryService(),
                Stream.of(
                        Arguments.of("POST", "/actuator/bindings/images-in-0", "{\"state\":\"STOPPED\"}"),
                        Arguments.of("POST", "/actuator/bindings/images-in-0", "{\"state\":\"PAUSED\"}"),
                        Arguments.of("GET", "/actuator/bindings", null),
                        Arguments.of("GET", "/actuator/bindings/images-in-0", null),
                        Arguments.of("GET", "/actuator/health/binders", null)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refused")
    void anythingButHealthInfoAndPrometheusIsRefused(String method, String path, String body) throws Exception {
        Actuator.assertRefused(send(method, path, body), method, path);
    }

    @Test
    void stoppingTheBindingOverHttpIsRefusedAndTheConsumerRunsOn() throws Exception {
        assertThat(send("POST", "/actuator/bindings/images-in-0", "{\"state\":\"STOPPED\"}")
                        .statusCode())
                .isIn(404, 405);
        BindingsLifecycleController bindings = worker.getBean(BindingsLifecycleController.class);
        assertThat(bindings.queryState("images-in-0"))
                .singleElement()
                .satisfies(binding -> assertThat(binding.isRunning())
                        .as("the images-in-0 consumer")
                        .isTrue());
        assertThat(worker.getBeanNamesForType(BindingsEndpoint.class))
                .as("no bindings endpoint at all")
                .isEmpty();
    }

    @Test
    void onlyHealthInfoAndPrometheusAreListed() throws Exception {
        Actuator.assertOnlyHealthInfoAndPrometheusListed(send("GET", "/actuator", null));
    }

    @Test
    void healthSaysUpOrDownAndNothingElseWhileTheProbesStillAnswer() throws Exception {
        // Storage is unreachable here, so the status is DOWN; which component is down is not said.
        Actuator.assertHealthSaysUpOrDownAndNothingElse(base);
        assertThat(send("GET", "/actuator/prometheus", null).body())
                .contains("spring_cloud_stream_binder_kafka_offset");
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return Actuator.send(base, method, path, body);
    }
}
