package com.miniatura.ingest.http;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.miniatura.common.storage.ObjectStore;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * With the real producer configuration and no broker listening, an event is refused with 503 and
 * Retry-After (after max.block.ms), never accepted and silently dropped.
 */
@SpringBootTest(properties = {"miniatura.kafka.create-topic=false", "miniatura.storage.create-buckets=false"})
@AutoConfigureMockMvc
@WithTestApiKey
class BrokerDownTest {
    @Autowired
    MockMvc http;

    @MockitoBean
    ObjectStore store;

    @DynamicPropertySource
    static void nowhere(DynamicPropertyRegistry registry) throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            int closed = socket.getLocalPort();
            registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + closed);
        }
    }

    @Test
    void unreachableBrokerIs503WithRetryAfter() throws Exception {
        long started = System.nanoTime();
        http.perform(post("/v1/events")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"imageId\":\"img-1\",\"bucket\":\"originals\",\"key\":\"img-1.jpg\"}"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "10"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Event broker unavailable"));
        // A figure for the log, not an assertion: max.block.ms (5 s) bounds it.
        System.out.printf("broker down: refused with 503 after %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }
}
