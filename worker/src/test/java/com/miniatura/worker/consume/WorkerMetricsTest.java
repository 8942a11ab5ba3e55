package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.config.KafkaSettings;
import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.Renderer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a worker exports per image: time per render step, bytes per variant, images in flight, outcomes. */
class WorkerMetricsTest {
    private static final VariantSpec A =
            new VariantSpec("a", 40, 40, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of());
    private static final VariantSpec B =
            new VariantSpec("b", 20, null, Fit.INSIDE, OutputFormat.PNG, 80, false, 0xFFFFFF, List.of());
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "public, max-age=60", false);

    @Test
    void aRenderRecordsEachStepEachVariantsBytesAndItsOutcome() throws Exception {
        InMemoryStore storage = new InMemoryStore();
        storage.objects.put("originals/img-1.jpg", InMemoryStore.jpeg(1200, 800));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ImageJob job = new ImageJob(
                storage.store,
                new Renderer(RenderLimits.defaults()),
                new MiniaturaSettings(STORAGE, new KafkaSettings("t", 1, false), VariantCatalog.of(List.of(A, B))),
                new WorkerSettings(RenderLimits.defaults()),
                meters);
        long started = System.nanoTime();
        job.process(new ImageEvent(
                "ev-1",
                "/test",
                "image.uploaded",
                Instant.EPOCH,
                new ImageUploaded("img-1", null, "originals", "img-1.jpg", null, null, null)));
        double wall = (System.nanoTime() - started) / 1e9;

        double sum = 0;
        for (String step : List.of("decode", "colour", "resize", "finish", "encode", "analysis", "upload")) {
            Timer timer = meters.get("miniatura.render.step").tag("step", step).timer();
            assertThat(timer.count()).as(step).isEqualTo(1);
            sum += timer.totalTime(TimeUnit.SECONDS);
        }
        assertThat(meters.get("miniatura.render.step")
                        .tag("step", "decode")
                        .timer()
                        .totalTime(TimeUnit.NANOSECONDS))
                .as("a 1200x800 JPEG takes some time to decode")
                .isPositive();
        assertThat(sum).as("the steps do not add up to more than the job took").isLessThanOrEqualTo(wall);
        for (VariantSpec v : List.of(A, B)) {
            var bytes = meters.get("miniatura.variant.bytes")
                    .tag("variant", v.name())
                    .summary();
            assertThat(bytes.count()).isEqualTo(1);
            assertThat(bytes.totalAmount()).isPositive();
        }
        assertThat(meters.get("miniatura.images")
                        .tag("outcome", "rendered")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("miniatura.images.inflight").gauge().value()).isZero();
    }
}
