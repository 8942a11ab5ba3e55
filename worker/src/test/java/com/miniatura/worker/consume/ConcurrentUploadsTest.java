package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.config.KafkaSettings;
import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.Renderer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentMatchers;

/** A job's variants are uploaded side by side, and the job still ends only when every upload has. */
class ConcurrentUploadsTest {
    private static final List<VariantSpec> VARIANTS = IntStream.rangeClosed(1, 6)
            .mapToObj(i -> new VariantSpec(
                    "v" + i, 10 * i, 10 * i, Fit.INSIDE, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()))
            .toList();
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "public, max-age=60", false);

    private final InMemoryStore storage = new InMemoryStore();
    private final ImageJob job = new ImageJob(
            storage.store,
            new Renderer(RenderLimits.defaults()),
            new MiniaturaSettings(STORAGE, new KafkaSettings("t", 1, false), VariantCatalog.of(VARIANTS)),
            new WorkerSettings(RenderLimits.defaults()),
            new SimpleMeterRegistry());

    ConcurrentUploadsTest() {
        storage.objects.put("originals/img-1.jpg", InMemoryStore.jpeg(120, 90));
    }

    private static ImageEvent upload() {
        return new ImageEvent(
                "e-1",
                "/test",
                Instant.parse("2026-11-20T10:00:00Z"),
                new ImageUploaded("img-1", null, "originals", "img-1.jpg", null, null, null));
    }

    @Test
    void everyVariantIsInFlightAtOnceAndTheManifestComesAfterAll() throws Exception {
        // each variant PUT waits until all six have started: one after another, the first would wait in vain
        CountDownLatch started = new CountDownLatch(VARIANTS.size());
        AtomicBoolean allSeenTogether = new AtomicBoolean(true);
        doAnswer(call -> {
                    started.countDown();
                    if (!started.await(10, TimeUnit.SECONDS)) {
                        allSeenTogether.set(false);
                    }
                    storage.objects.put("thumbnails/" + call.getArgument(1), call.getArgument(2));
                    return "etag";
                })
                .when(storage.store)
                .put(eq("thumbnails"), ArgumentMatchers.matches("img-1/v\\d\\.jpg"), any(), any());

        assertThat(job.process(upload())).isEqualTo(ImageJob.Outcome.RENDERED);

        assertThat(allSeenTogether).isTrue();
        assertThat(storage.manifest("img-1").status()).isEqualTo("rendered");
        assertThat(storage.manifest("img-1").variants()).hasSize(6);
    }

    @Test
    void aFailedUploadFailsTheJobAsItWouldAloneAndTheManifestStaysPending() {
        doAnswer(call -> {
                    throw new StorageUnavailableException("storage unavailable: connection refused", null);
                })
                .when(storage.store)
                .put(eq("thumbnails"), eq("img-1/v4.jpg"), any(), any());

        assertThatThrownBy(() -> job.process(upload()))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessage("storage unavailable: connection refused");

        assertThat(storage.objects).containsKeys("thumbnails/img-1/v1.jpg", "thumbnails/img-1/v6.jpg");
        assertThat(storage.manifest("img-1").status())
                .as("only the render's attempt was recorded")
                .isEqualTo("pending");
    }
}
