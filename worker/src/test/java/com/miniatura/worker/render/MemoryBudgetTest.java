package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Opened;
import com.miniatura.worker.render.step.DecodePlan;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The memory budget: a render whose estimate can never fit is refused before decoding with a reason in plain
 * words; one that fits waits, first come first served, for the renders ahead of it; a wait that outlasts the
 * render timeout is a transient failure; two ordinary phone photos render side by side within the budget a
 * 320 MB heap gives.
 */
class MemoryBudgetTest {

    private static final long MB = 1L << 20;

    @Test
    void aReservationThatCanNeverFitIsRefused() {
        MemoryBudget budget = new MemoryBudget(100 * MB);

        assertThat(budget.fits(100 * MB)).isTrue();
        assertThat(budget.fits(100 * MB + 1)).isFalse();
        assertThatThrownBy(() -> budget.reserve(101 * MB, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The standalone runs two workers (the live and the bulk lane) in one heap: they must share one budget. */
    @Test
    void theWorkersOfOneJvmShareOneBudget() {
        assertThat(MemoryBudget.shared(100 * MB)).isSameAs(MemoryBudget.shared(200 * MB));
    }

    @Test
    void reservationsWaitFirstComeFirstServedUntilBytesAreGivenBack() throws Exception {
        MemoryBudget budget = new MemoryBudget(100 * MB);
        MemoryBudget.Lease first = budget.reserve(70 * MB, Duration.ZERO);
        List<String> order = new CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // a large render waits; a small one that arrives after it waits behind it, though it would fit now; the
            // two never fit together, so the order they run in is the order they were let in
            Future<?> large = threads.submit(() -> {
                try (MemoryBudget.Lease lease = budget.reserve(95 * MB, Duration.ofSeconds(30))) {
                    order.add("large");
                }
                return null;
            });
            awaitWaiting(budget, 1);
            Future<?> small = threads.submit(() -> {
                try (MemoryBudget.Lease lease = budget.reserve(10 * MB, Duration.ofSeconds(30))) {
                    order.add("small");
                }
                return null;
            });
            awaitWaiting(budget, 2);
            assertThat(order).isEmpty();
            assertThat(budget.reserved()).isEqualTo(70 * MB);

            first.close();
            large.get(10, TimeUnit.SECONDS);
            small.get(10, TimeUnit.SECONDS);

            assertThat(order).containsExactly("large", "small");
            assertThat(budget.reserved()).isZero();
            assertThat(budget.waiting()).isZero();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aWaitThatRunsOutReservesNothing() throws Exception {
        MemoryBudget budget = new MemoryBudget(100 * MB);
        try (MemoryBudget.Lease held = budget.reserve(90 * MB, Duration.ZERO)) {
            assertThat(budget.reserve(20 * MB, Duration.ofMillis(50))).isNull();
            assertThat(budget.reserved()).isEqualTo(90 * MB);
            assertThat(budget.waiting()).isZero();
        }
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void aLeaseClosedTwiceGivesItsBytesBackOnce() throws Exception {
        MemoryBudget budget = new MemoryBudget(100 * MB);
        MemoryBudget.Lease lease = budget.reserve(40 * MB, Duration.ZERO);
        try (MemoryBudget.Lease other = budget.reserve(30 * MB, Duration.ZERO)) {
            lease.close();
            lease.close();
            assertThat(budget.reserved()).isEqualTo(30 * MB);
        }
    }

    @Test
    void aSourceTooLargeForTheWholeBudgetFailsPermanentlyWithAReasonInPlainWords() {
        // the 10000×10000 RGBA PNG of the issue: 389 KB on disk, 400 MB decoded
        byte[] png = LargeImages.rgbaPng(10_000, 10_000);
        Renderer renderer =
                new Renderer(RenderLimits.defaults(), Watermarks.NONE, new MemoryBudget(128 * MB), TurboJpeg.load());

        RenderException e = catchThrowableOfType(
                RenderException.class, () -> renderer.render(png, RenderTestSupport.referenceVariants()));

        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE_FOR_MEMORY);
        assertThat(e.getMessage())
                .matches("image too large to render: decoding this 10000x10000 PNG with transparency"
                        + " needs about \\d+ MB of memory, more than the 128 MB this worker has for images"
                        + " \\(miniatura\\.worker\\.memory-budget\\)");
        assertThat(renderer.budget().reserved()).isZero();
    }

    @Test
    void withoutLibjpegTurboAHugeJpegIsRefusedSayingWhatWouldRenderIt() throws Exception {
        assumeNative();
        byte[] jpeg = Files.readAllBytes(LargeImages.photo(12_000, 9_000));
        Renderer imageIoOnly =
                new Renderer(RenderLimits.defaults(), Watermarks.NONE, new MemoryBudget(128 * MB), Optional.empty());

        RenderException e = catchThrowableOfType(
                RenderException.class, () -> imageIoOnly.render(jpeg, RenderTestSupport.referenceVariants()));

        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE_FOR_MEMORY);
        assertThat(e.getMessage())
                .matches("image too large to render: decoding this 12000x9000 JPEG needs about \\d+ MB of"
                        + " memory, more than the 128 MB this worker has for images \\(miniatura\\.worker\\.memory-budget\\);"
                        + " with libjpeg-turbo installed on the worker \\(Debian's libturbojpeg0\\), it would decode it at 1/4"
                        + " scale in about \\d+ MB");
    }

    @Test
    void aRenderThatWaitsLongerThanTheRenderTimeoutIsTransient() throws Exception {
        MemoryBudget budget = new MemoryBudget(64 * MB);
        Renderer renderer = new Renderer(
                new RenderLimits(
                        RenderLimits.DEFAULT_MAX_SOURCE_BYTES,
                        RenderLimits.DEFAULT_MAX_SOURCE_PIXELS,
                        RenderLimits.DEFAULT_MAX_SOURCE_FRAMES,
                        Duration.ofMillis(200)),
                Watermarks.NONE,
                budget,
                TurboJpeg.load());
        byte[] source = RenderTestSupport.fixture("catalog/flowers-1024.jpg");
        try (MemoryBudget.Lease everything = budget.reserve(64 * MB, Duration.ZERO)) {
            RenderBusyException e = catchThrowableOfType(
                    RenderBusyException.class, () -> renderer.render(source, RenderTestSupport.referenceVariants()));

            assertThat(e.getMessage())
                    .matches("the worker's memory for images stayed taken by other renders for 0 s;"
                            + " this one needs \\d+ MB");
        }
        assertThat(budget.reserved()).isZero();
    }

    /**
     * The pod the issue measured: {@code -XX:MaxRAMPercentage=60} of 512 MiB is a 307 MB heap, whose old generation
     * (serial collector) is 205 MB; the default budget is 60 % of that. Two 12 MP phone photos must both fit at once.
     */
    @Test
    void twoTwelveMegapixelPhotosRenderSideBySideInThePodsDefaultBudget() throws Exception {
        long budgetBytes = (long) (205 * MB * MemoryBudget.HEAP_SHARE);
        byte[] photo = Files.readAllBytes(LargeImages.photo(4_000, 3_000));
        for (Optional<TurboJpeg> decoder : List.of(TurboJpeg.load(), Optional.<TurboJpeg>empty())) {
            if (decoder.isEmpty() && TurboJpeg.load().isEmpty()) {
                continue;
            }
            long estimate;
            try (Opened opened = Decode.open(photo, RenderLimits.defaults(), decoder)) {
                estimate = DecodePlan.of(opened, photo, RenderTestSupport.referenceVariants())
                        .footprint()
                        .total();
            }
            System.out.printf(
                    "12 MP photo with %s: %d MB estimated, budget %d MB%n",
                    decoder.isPresent() ? "libjpeg-turbo" : "ImageIO", estimate / MB, budgetBytes / MB);
            assertThat(2 * estimate).as("two at once").isLessThanOrEqualTo(budgetBytes);
        }
        MemoryBudget budget = new MemoryBudget(budgetBytes);
        Renderer renderer = new Renderer(RenderLimits.defaults(), Watermarks.NONE, budget, TurboJpeg.load());
        long waited = 0;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<RenderResult>> renders = List.of(
                    threads.submit(() -> renderer.render(photo, RenderTestSupport.referenceVariants())),
                    threads.submit(() -> renderer.render(photo, RenderTestSupport.referenceVariants())));
            while (renders.stream().anyMatch(f -> !f.isDone())) {
                waited = Math.max(waited, budget.waiting());
                Thread.onSpinWait();
            }
            for (Future<RenderResult> render : renders) {
                assertThat(render.get().variants()).hasSize(6);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(waited).as("renders that waited for memory").isZero();
        assertThat(budget.reserved()).isZero();
    }

    private static void assumeNative() {
        NativeLibraries.turboJpeg();
    }

    private static void awaitWaiting(MemoryBudget budget, int renders) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (budget.waiting() < renders && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(budget.waiting()).isEqualTo(renders);
    }
}
