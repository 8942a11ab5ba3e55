package com.miniatura.ingest.http;

import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.publish.EventPublisher;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The ingest API on a real server at a random port ({@code @LocalServerPort}), for what MockMvc does not show
 * (actuator's ports, the servlet container): authenticated with {@link WithTestApiKey}, storage and Kafka mocked as
 * in {@link IngestWebTest}, Kafka's health pointed at a port where no broker listens. A test that needs more settings
 * adds them with {@code @TestPropertySource}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "miniatura.kafka.create-topic=false",
            "miniatura.storage.create-buckets=false",
            "spring.kafka.bootstrap-servers=127.0.0.1:9"
        })
@WithTestApiKey
@MockitoBean(types = {ObjectStore.class, EventPublisher.class})
public @interface IngestServerTest {}
