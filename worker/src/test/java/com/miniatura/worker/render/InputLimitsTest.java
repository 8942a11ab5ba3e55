package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Frames;
import com.miniatura.worker.render.codec.Opened;
import com.miniatura.worker.render.filter.ToSrgb;
import com.sun.management.ThreadMXBean;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The limits of {@link RenderLimits}: pixels declared by the header and frames counted from the container are
 * refused before anything is decoded; the render deadline aborts a decode in progress.
 */
class InputLimitsTest {

    private static final RenderLimits DEFAULTS = RenderLimits.defaults();

    // --- pixels -----------------------------------------------------------------------------------------

    /** Generated once: a real, valid 20000×20000 PNG (black, 8-bit gray), about 400 KB. */
    private static byte[] bomb;

    private static synchronized byte[] bomb() {
        if (bomb == null) {
            bomb = SyntheticInputs.blackGrayPng(20_000, 20_000);
        }
        return bomb;
    }

    @Test
    void refusesA400MegapixelPngFromItsHeaderWithoutAllocatingItsPixels() throws RenderException {
        byte[] png = bomb();
        assertThat(png.length).as("bytes on disk").isBetween(100_000, 1_000_000);
        Decode.decode(SyntheticInputs.png(SyntheticInputs.rgbPatches()), DEFAULTS); // warm up ImageIO and the classes
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();

        long before = threads.getThreadAllocatedBytes(thread);
        RenderException e = catchThrowableOfType(RenderException.class, () -> Decode.decode(png, DEFAULTS));
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_PIXELS);
        assertThat(e.getMessage())
                .isEqualTo("source too large: 20000x20000 = 400000000 pixels exceeds the limit of 250000000");
        System.out.printf(
                "20000x20000 PNG: %d bytes on disk, %d bytes allocated while refusing it%n", png.length, allocated);
        assertThat(allocated).as("bytes allocated; decoding would need 400 MB").isLessThan(16L * 1024 * 1024);
    }

    /** The bomb's generator writes valid PNGs: the same code at a small size decodes to black. */
    @Test
    void theBombGeneratorWritesARealPng() throws RenderException {
        BufferedImage small = ToSrgb.apply(
                Decode.decode(SyntheticInputs.blackGrayPng(200, 100), DEFAULTS).image());

        assertThat(new int[] {small.getWidth(), small.getHeight()}).containsExactly(200, 100);
        assertThat(RenderTestSupport.argb(small, 150, 70)).containsExactly(255, 0, 0, 0);
    }

    @Test
    void aGifCanvasIsCountedToo() {
        // a 10×10 frame on a 20000×20000 logical screen: the canvas we compose on is what would be allocated
        byte[] gif = SyntheticInputs.gifOnScreen(
                SyntheticInputs.gif(new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_INDEXED)), 20_000, 20_000, 0, 0);

        RenderException e = catchThrowableOfType(RenderException.class, () -> Decode.decode(gif, DEFAULTS));

        assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_PIXELS);
        assertThat(e.getMessage())
                .isEqualTo("source too large: 20000x20000 = 400000000 pixels exceeds the limit of 250000000");
    }

    // --- frames -----------------------------------------------------------------------------------------

    record FrameCase(String label, Supplier<byte[]> source, int limit, String refusalOrNull) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<FrameCase> frameCases() {
        String over = "too many frames: 1200 exceeds the limit of 1000";
        return Stream.of(
                new FrameCase("GIF of 1200 frames", () -> SyntheticInputs.gifFrames(1200), 1000, over),
                new FrameCase("animated WebP of 1200 frames", () -> SyntheticInputs.animatedWebp(1200), 1000, over),
                new FrameCase("TIFF of 1200 pages", () -> SyntheticInputs.tiffPages(1200), 1000, over),
                new FrameCase(
                        "APNG declaring 1200 frames",
                        () -> SyntheticInputs.apng(SyntheticInputs.png(SyntheticInputs.rgbPatches()), 1200),
                        1000,
                        over),
                new FrameCase(
                        "GIF of 1000 frames: the limit is inclusive",
                        () -> SyntheticInputs.gifFrames(1000),
                        1000,
                        null),
                new FrameCase("animated WebP of 1000 frames", () -> SyntheticInputs.animatedWebp(1000), 1000, null),
                new FrameCase("TIFF of 1000 pages", () -> SyntheticInputs.tiffPages(1000), 1000, null),
                new FrameCase(
                        "formats/rotating-squares.gif (30 frames) against 29",
                        () -> RenderTestSupport.fixture("formats/rotating-squares.gif"),
                        29,
                        "too many frames: 30 exceeds the limit of 29"),
                new FrameCase(
                        "formats/rotating-squares.gif against 30",
                        () -> RenderTestSupport.fixture("formats/rotating-squares.gif"),
                        30,
                        null),
                new FrameCase(
                        "a JPEG is one frame",
                        () -> SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false),
                        1,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frameCases")
    void framesAreCountedFromTheContainer(FrameCase c) throws RenderException {
        byte[] source = c.source().get();
        RenderLimits limits = new RenderLimits(
                DEFAULTS.maxSourceBytes(), DEFAULTS.maxSourcePixels(), c.limit(), DEFAULTS.renderTimeout());

        if (c.refusalOrNull() == null) {
            assertThat(Decode.decode(source, limits).image()).isNotNull();
        } else {
            RenderException e = catchThrowableOfType(RenderException.class, () -> Decode.decode(source, limits));
            assertThat(e).as("expected a refusal").isNotNull();
            assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_FRAMES);
            assertThat(e.getMessage()).isEqualTo(c.refusalOrNull());
        }
    }

    @Test
    void countsExactly() {
        assertThat(Frames.count("gif", SyntheticInputs.gifFrames(7))).isEqualTo(7);
        assertThat(Frames.count("webp", SyntheticInputs.animatedWebp(7))).isEqualTo(7);
        assertThat(Frames.count("tiff", SyntheticInputs.tiffPages(7))).isEqualTo(7);
        assertThat(Frames.count("png", SyntheticInputs.apng(SyntheticInputs.png(SyntheticInputs.rgbPatches()), 7)))
                .isEqualTo(7);
        assertThat(Frames.count("webp", SyntheticInputs.webp(SyntheticInputs.rgbPatches(), true)))
                .isEqualTo(1);
        assertThat(Frames.count("png", SyntheticInputs.png(SyntheticInputs.rgbPatches())))
                .isEqualTo(1);
        assertThat(Frames.count("gif", RenderTestSupport.fixture("formats/rotating-squares.gif")))
                .isEqualTo(30);
    }

    @Test
    void aTiffWhoseIfdChainLoopsIsCountedOnceRound() {
        byte[] tiff = SyntheticInputs.tiffPages(3);
        // make the last IFD's "next" point back at the first (offset 8): an endless chain in a naive walker
        int lastNext = tiff.length - 4;
        tiff[lastNext + 3] = 8;

        assertThat(Frames.count("tiff", tiff)).isEqualTo(3);
    }

    // --- deadline ---------------------------------------------------------------------------------------

    /** A clock that reads 0 for its first {@code calls} readings and 61 s after: the 60 s budget runs out mid-decode. */
    static final class JumpingClock implements LongSupplier {
        private final int calls;
        final AtomicInteger readings = new AtomicInteger();

        JumpingClock(int calls) {
            this.calls = calls;
        }

        @Override
        public long getAsLong() {
            return readings.incrementAndGet() <= calls
                    ? 0
                    : Duration.ofSeconds(61).toNanos();
        }
    }

    record DeadlineCase(String label, Supplier<byte[]> source) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<DeadlineCase> deadlineCases() {
        return Stream.of(
                new DeadlineCase("PNG", () -> SyntheticInputs.png(noise(512, 512))),
                new DeadlineCase("JPEG", () -> SyntheticInputs.jpeg(noise(512, 512), false)),
                new DeadlineCase("GIF", () -> SyntheticInputs.gif(noise(512, 512))),
                new DeadlineCase("WebP", () -> SyntheticInputs.webp(noise(512, 512), false)),
                new DeadlineCase("BMP", () -> SyntheticInputs.bmp(noise(512, 512))),
                new DeadlineCase("TIFF", () -> SyntheticInputs.tiff(noise(512, 512))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadlineCases")
    void theDeadlineStopsADecodeInProgress(DeadlineCase c) {
        byte[] source = c.source().get();
        JumpingClock clock = new JumpingClock(3); // start, image started, first progress report

        // ImageIO's readers report progress, which can abort them; libjpeg-turbo is checked around its decode (below)
        RenderException e = catchThrowableOfType(
                RenderException.class,
                () -> decodeWithImageIo(source, Deadline.start(DEFAULTS.renderTimeout(), clock)));

        assertThat(e).as("expected a RenderException").isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.TIMED_OUT);
        assertThat(e.getMessage()).isEqualTo("render timed out: took longer than 60 s (while decoding)");
    }

    /**
     * The PNG reader reports progress once per row: an undisturbed decode reads the clock hundreds of times, an
     * aborted one stops within a couple of rows of the deadline.
     */
    @Test
    void theDecoderIsAbortedNotWaitedFor() throws RenderException {
        byte[] png = SyntheticInputs.png(noise(512, 512));
        JumpingClock never = new JumpingClock(Integer.MAX_VALUE);
        decodeWithImageIo(png, Deadline.start(DEFAULTS.renderTimeout(), never));

        JumpingClock expiring = new JumpingClock(5);
        catchThrowableOfType(
                RenderException.class,
                () -> decodeWithImageIo(png, Deadline.start(DEFAULTS.renderTimeout(), expiring)));

        System.out.printf(
                "clock readings: %d undisturbed, %d when the deadline passes at the 6th%n",
                never.readings.get(), expiring.readings.get());
        assertThat(never.readings.get()).isGreaterThan(500);
        assertThat(expiring.readings.get()).isLessThanOrEqualTo(8);
    }

    @Test
    void theRendererReportsTheDecodingDeadline() {
        Renderer renderer = new Renderer(
                DEFAULTS, Watermarks.NONE, new MemoryBudget(1L << 30), Optional.empty(), new JumpingClock(3));

        RenderException e = catchThrowableOfType(
                RenderException.class,
                () -> renderer.render(
                        SyntheticInputs.jpeg(noise(512, 512), false), RenderTestSupport.referenceVariants()));

        assertThat(e.reason()).isEqualTo(Reason.TIMED_OUT);
        assertThat(e.getMessage()).isEqualTo("render timed out: took longer than 60 s (while decoding)");
    }

    /**
     * libjpeg-turbo's decode is one native call, which nothing can stop: the deadline is checked as it starts and the
     * moment it returns (the pixel limit bounds how long it can take: 250 MP decode in about a second).
     */
    @Test
    void aNativeDecodeIsCheckedAsItStartsAndAsItReturns() {
        NativeLibraries.turboJpeg();
        byte[] jpeg = SyntheticInputs.jpeg(noise(512, 512), false);
        for (int before : new int[] {1, 2}) { // passes at the check before the decode, or at the one after it
            Renderer renderer = new Renderer(
                    DEFAULTS, Watermarks.NONE, new MemoryBudget(1L << 30), TurboJpeg.load(), new JumpingClock(before));

            RenderException e = catchThrowableOfType(
                    RenderException.class, () -> renderer.render(jpeg, RenderTestSupport.referenceVariants()));

            assertThat(e.reason()).isEqualTo(Reason.TIMED_OUT);
            assertThat(e.getMessage()).isEqualTo("render timed out: took longer than 60 s (while decoding)");
        }
    }

    private static void decodeWithImageIo(byte[] source, Deadline deadline) throws RenderException {
        try (Opened opened = Decode.open(source, DEFAULTS, Optional.empty())) {
            opened.read(1, deadline);
        } catch (Decode.NativeFailure impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static BufferedImage noise(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(width * 31L + height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }
}
