package com.miniatura.worker.consume;

import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.worker.consume.ImageJob.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every meter the image job exports, registered here and nowhere else: outcomes, images in flight, poisoned images,
 * time per render step, bytes per variant, and what became of orphaned variant objects.
 */
final class WorkerMetrics {
    private final MeterRegistry meters;
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter poisoned;
    final Counter orphansDeleted;
    final Counter orphansFailed;
    final Counter orphansKept;

    WorkerMetrics(MeterRegistry meters) {
        this.meters = meters;
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(
                    outcome,
                    Counter.builder("miniatura.images")
                            .description(
                                    "Image events handled by the worker, by outcome (skipped: already rendered from this original"
                                            + " and catalog; ignored: an upload published before the image was deleted, or a deletion"
                                            + " older than the image's upload)")
                            .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                            .register(meters));
        }
        Gauge.builder("miniatura.images.inflight", inFlight, AtomicInteger::get)
                .description("Image events being handled right now")
                .register(meters);
        this.poisoned = Counter.builder("miniatura.images.poisoned")
                .description("Images failed because workers stopped (their JVM died) max-render-attempts times while"
                        + " rendering one event of them")
                .register(meters);
        this.orphansDeleted = Counter.builder("miniatura.orphans.deleted")
                .description("Variant objects a render removed because the manifest it wrote no longer lists them")
                .register(meters);
        this.orphansFailed = Counter.builder("miniatura.orphans.failed")
                .description(
                        "Variant objects a render could not remove (storage failed); rerender --prune removes them")
                .register(meters);
        this.orphansKept = Counter.builder("miniatura.orphans.kept")
                .description("Variant objects a render left in place because a newer render may own them;"
                        + " rerender --prune removes them once no manifest lists them")
                .register(meters);
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void ended() {
        inFlight.decrementAndGet();
    }

    void outcome(Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    void poisoned() {
        poisoned.increment();
    }

    /**
     * Time per render step ({@code RenderResult.Step}, and {@code upload}: the variants' PUTs side by side), as a
     * histogram so dashboards can show percentiles across pods.
     */
    void step(String step, Duration time) {
        Timer.builder("miniatura.render.step")
                .tag("step", step)
                .description(
                        "Time per render step of one image: decode, colour, shrink, plan, passthrough, twin, resize,"
                                + " finish, encode, analysis, blurhash (the pipeline's step names) and upload")
                .publishPercentileHistogram()
                .register(meters)
                .record(time);
    }

    void variantBytes(String variant, OutputFormat format, long bytes) {
        meters.summary("miniatura.variant.bytes", "variant", variant, "format", format.configName())
                .record(bytes);
    }
}
