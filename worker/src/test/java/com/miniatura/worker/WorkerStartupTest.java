package com.miniatura.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.config.InvalidConfigurationException;
import com.miniatura.common.config.Problems;
import com.miniatura.worker.render.Avif;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A misconfigured worker refuses to start and names every bad key at once. */
class WorkerStartupTest {

    @Test
    void refusesToStartListingEveryProblem() {
        assertThat(problemsStarting(
                        "--miniatura.variants.card.width=640",
                        "--miniatura.variants.card.quality=150",
                        "--miniatura.variants.s150.fit=fill",
                        "--miniatura.worker.max-source-pixels=lots",
                        "--miniatura.worker.max-source-frames=0",
                        "--miniatura.worker.render-timeout=soon",
                        "--miniatura.worker.shutdown-deadline=0s",
                        "--miniatura.worker.max-render-attempts=0",
                        "--miniatura.variants.g150.filters[0].type=blur",
                        "--miniatura.storage.endpoint=localhost:9000"))
                .containsExactlyInAnyOrder(
                        "miniatura.storage.endpoint: expected an http(s) URL such as http://localhost:9000 but was \"localhost:9000\"",
                        "miniatura.variants.card.quality: expected 1..100 or auto but was 150",
                        "miniatura.variants.s150.fit: expected one of cover, contain, inside but was \"fill\"",
                        "miniatura.worker.max-source-pixels: expected a positive number of pixels such as 250000000 but was \"lots\"",
                        "miniatura.worker.max-source-frames: expected a number of frames 1..1000000 such as 1000 but was \"0\"",
                        "miniatura.worker.render-timeout: expected a positive duration such as 60s but was \"soon\"",
                        "miniatura.worker.shutdown-deadline: expected a positive duration such as 30s but was \"0s\"",
                        "miniatura.worker.max-render-attempts: expected a number of attempts 1..1000 such as 3 but was \"0\"",
                        "miniatura.variants.g150.filters[0].sigma: expected a number 0.3..50 but was not set");
    }

    /** Once the catalog itself is valid, the watermark images it names are read: a missing one is fatal. */
    @Test
    void refusesToStartWithAWatermarkThatCannotBeRead() {
        assertThat(problemsStarting(
                        "--miniatura.variants.m300.filters[0].type=watermark",
                        "--miniatura.variants.m300.filters[0].source=classpath:watermarks/missing.png"))
                .containsExactly(
                        "miniatura.variants.m300.filters[0].source: cannot read classpath:watermarks/missing.png (not found)");
    }

    /**
     * A catalog listing AVIF on a worker that cannot encode it (no libavif15, or another release): refused at startup
     * naming each such variant, rather than dead-lettering every image it renders.
     */
    @Test
    void refusesACatalogListingAvifWhenThisWorkerHasNoAvifEncoder() {
        Problems problems = new Problems();
        VariantCatalog catalog = VariantCatalog.parse(
                Map.of(
                        "d800", Map.of("width", "800", "height", "800", "formats[0]", "jpeg", "formats[1]", "avif"),
                        "s150", Map.of("width", "150")),
                Map.of("fit", "inside", "format", "jpeg", "quality", "80"));
        WorkerConfiguration.requireEncoders(catalog, Optional.empty(), problems);
        assertThat(problems.messages())
                .containsExactly("miniatura.variants.d800: lists format avif, but " + Avif.absence());
        assertThat(Avif.absence())
                .satisfiesAnyOf(
                        reason -> assertThat(reason)
                                .isEqualTo(
                                        "AVIF needs libavif 0.11.x (Debian 12's libavif15), which this worker cannot load"),
                        reason -> assertThat(reason)
                                .isEqualTo("AVIF is turned off on this worker (-Dminiatura.avif.disabled=true)"));

        Problems none = new Problems();
        WorkerConfiguration.requireEncoders(catalog, Avif.load(), none);
        assertThat(none.messages())
                .as("with libavif, nothing to say")
                .hasSize(Avif.load().isPresent() ? 0 : 1);
    }

    /** Starts a worker (no consumer) with {@code args} and returns the configuration problems it refused with. */
    private static List<String> problemsStarting(String... args) {
        String[] argv = Stream.concat(
                        Stream.of(
                                "--server.port=0",
                                "--spring.cloud.stream.bindings.images-in-0.consumer.auto-startup=false"),
                        Stream.of(args))
                .toArray(String[]::new);
        Throwable failure = catchThrowable(() ->
                new SpringApplicationBuilder(WorkerApplication.class).run(argv).close());
        Throwable cause = failure;
        while (cause != null && !(cause instanceof InvalidConfigurationException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("startup failure %s", failure).isNotNull();
        return ((InvalidConfigurationException) cause).problems();
    }
}
