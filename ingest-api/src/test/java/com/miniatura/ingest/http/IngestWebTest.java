package com.miniatura.ingest.http;

import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.publish.EventPublisher;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The ingest API's HTTP tests: the whole application behind MockMvc, authenticated with {@link WithTestApiKey}, with
 * storage ({@link ObjectStore}) and Kafka ({@link EventPublisher}) replaced by Mockito mocks that a test
 * {@code @Autowired}s to stub and verify. No topic or bucket is created at startup. A test that needs more settings
 * adds them with {@code @TestPropertySource}; tests with the same settings share one application context.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@SpringBootTest(properties = {"miniatura.kafka.create-topic=false", "miniatura.storage.create-buckets=false"})
@AutoConfigureMockMvc
@WithTestApiKey
@MockitoBean(types = {ObjectStore.class, EventPublisher.class})
public @interface IngestWebTest {}
