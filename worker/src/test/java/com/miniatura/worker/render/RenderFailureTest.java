package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.codec.DecodeFailures;
import com.sun.management.ThreadMXBean;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sources that must be rejected, each with the exact reason and message sellers and support will see. */
class RenderFailureTest {

    private static final RenderLimits DEFAULTS = RenderLimits.defaults();

    record Case(String label, Supplier<byte[]> source, RenderLimits limits, Reason reason, String message) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("empty bytes", () -> new byte[0], DEFAULTS, Reason.EMPTY, "empty file"),
                new Case("null", () -> null, DEFAULTS, Reason.EMPTY, "empty file"),
                new Case(
                        "a text file",
                        () -> "<html><body>not a photo</body></html>\n".getBytes(StandardCharsets.UTF_8),
                        DEFAULTS,
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: HTML page, not an image"),
                new Case(
                        "two bytes",
                        () -> new byte[] {1, 2},
                        DEFAULTS,
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: not a recognised image"),
                new Case(
                        "an icon: readable, but not a format we publish",
                        RenderFailureTest::icoWithPng,
                        DEFAULTS,
                        Reason.UNSUPPORTED_FORMAT,
                        "unsupported format: Windows icon (ICO); we accept JPEG, PNG, GIF, WebP, BMP and TIFF"),
                new Case(
                        "invalid/truncated.jpg",
                        () -> RenderTestSupport.fixture("invalid/truncated.jpg"),
                        DEFAULTS,
                        Reason.CORRUPT,
                        "truncated image: the JPEG file stops after 10000 bytes, before the image is complete"),
                new Case(
                        "a photo cut in half",
                        () -> half("photos/DSCN0010.jpg"),
                        DEFAULTS,
                        Reason.CORRUPT,
                        "truncated image: the JPEG file stops after 80856 bytes, before the image is complete"),
                new Case(
                        "a photo with garbled entropy data",
                        () -> garble("photos/flowers.jpeg", 40_000, 200),
                        DEFAULTS,
                        Reason.CORRUPT,
                        "corrupt image: Corrupt JPEG data: premature end of data segment"),
                new Case(
                        "a GIF cut inside its first frame",
                        () -> Arrays.copyOf(RenderTestSupport.fixture("formats/rotating-squares.gif"), 1000),
                        DEFAULTS,
                        Reason.CORRUPT,
                        "truncated image: the GIF file stops after 1000 bytes, before the image is complete"),
                new Case(
                        "a WebP cut in half",
                        () -> half("formats/4.webp"),
                        DEFAULTS,
                        Reason.CORRUPT,
                        "truncated image: the WebP file stops after 88486 bytes, before the image is complete"),
                new Case(
                        "a PNG cut inside its header",
                        () -> Arrays.copyOf(RenderTestSupport.fixture("color/with-alpha.png"), 40),
                        DEFAULTS,
                        Reason.CORRUPT,
                        "truncated image: the PNG file stops after 40 bytes, before the image is complete"),
                new Case(
                        "a PNG whose pixel data is not zlib",
                        () -> png(2, 2, new byte[] {1, 2, 3, 4, 5, 6}),
                        DEFAULTS,
                        Reason.CORRUPT,
                        "corrupt image: Error reading PNG image data (incorrect header check)"),
                new Case(
                        "a PNG header declaring 20000x20000",
                        () -> png(20_000, 20_000, deflate(new byte[64])),
                        DEFAULTS,
                        Reason.TOO_MANY_PIXELS,
                        "source too large: 20000x20000 = 400000000 pixels exceeds the limit of 250000000"),
                new Case(
                        "one pixel over a pixel limit",
                        () -> RenderTestSupport.fixture("formats/320x240.jpg"),
                        new RenderLimits(1_000_000, 76_799),
                        Reason.TOO_MANY_PIXELS,
                        "source too large: 320x240 = 76800 pixels exceeds the limit of 76799"),
                new Case(
                        "60 MB against the default 50 MB",
                        () -> new byte[60 * 1024 * 1024],
                        DEFAULTS,
                        Reason.TOO_LARGE,
                        "source too large: 62914560 bytes exceeds the limit of 52428800"),
                new Case(
                        "a real photo over a byte limit",
                        () -> RenderTestSupport.fixture("formats/320x240.jpg"),
                        new RenderLimits(81_197, 100_000_000),
                        Reason.TOO_LARGE,
                        "source too large: 81198 bytes exceeds the limit of 81197"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectsWithReasonAndPlainMessage(Case c) {
        byte[] source = c.source().get();
        Renderer renderer = new Renderer(c.limits());

        RenderException e = catchThrowableOfType(
                RenderException.class, () -> renderer.render(source, RenderTestSupport.referenceVariants()));

        assertThat(e).as("expected a RenderException").isNotNull();
        assertThat(e.reason()).isEqualTo(c.reason());
        assertThat(e.getMessage()).isEqualTo(c.message());
    }

    @Test
    void limitsAreInclusive() throws RenderException {
        byte[] source = RenderTestSupport.fixture("formats/320x240.jpg");
        Renderer renderer = new Renderer(new RenderLimits(source.length, 320 * 240));

        assertThat(renderer.render(source, List.of()).source()).isEqualTo(new SourceInfo("jpeg", 320, 240, 1));
    }

    @Test
    void refusesAHugeHeaderWithoutAllocatingItsPixels() {
        byte[] bomb = png(20_000, 20_000, deflate(new byte[64]));
        assertThat(bomb.length).isLessThan(300);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Renderer renderer = new Renderer(RenderLimits.defaults());
        assertThatThrownBy(() -> renderer.render(new byte[] {1}, List.of()))
                .isInstanceOf(RenderException.class); // warm up ImageIO

        long before = threads.getThreadAllocatedBytes(thread);
        assertThatThrownBy(() -> renderer.render(bomb, List.of()))
                .isInstanceOf(RenderException.class)
                .extracting(e -> ((RenderException) e).reason())
                .isEqualTo(Reason.TOO_MANY_PIXELS);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(allocated).as("bytes allocated; decoding would need 1.2 GB").isLessThan(16L * 1024 * 1024);
    }

    record Warning(String text, boolean damage) {
        @Override
        public String toString() {
            return text;
        }
    }

    static Stream<Warning> warnings() {
        return Stream.of(
                new Warning("Premature end of JPEG file", true),
                new Warning("Truncated File - Missing EOI marker", true),
                new Warning("Corrupt JPEG data: premature end of data segment", true),
                new Warning("Corrupt JPEG data: bad Huffman code", true),
                new Warning("Corrupt JPEG data: found marker 0xd9 instead of RST3", true),
                new Warning("Corrupt JPEG data: 12 extraneous bytes before marker 0xd9", false),
                new Warning("ICC profile is Perceptual, ignoring, treating as Display class", false),
                new Warning(
                        "No embedded ICC color profile, defaulting to \"generic\" CMYK ICC profile. Colors may look incorrect.",
                        false),
                new Warning("Warning: unknown JFIF revision number 1.03", false),
                new Warning("Bad 'ICC_PROFILE' chunk(s): Truncated ICC Profile data. Ignoring ICC profile.", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("warnings")
    void onlyWarningsAboutMissingOrDamagedDataFailTheRender(Warning w) {
        assertThat(DecodeFailures.isDamage(w.text())).isEqualTo(w.damage());
    }

    // --- synthetic sources ----------------------------------------------------------------------

    private static byte[] half(String fixture) {
        byte[] bytes = RenderTestSupport.fixture(fixture);
        return Arrays.copyOf(bytes, bytes.length / 2);
    }

    private static byte[] garble(String fixture, int from, int count) {
        byte[] bytes = RenderTestSupport.fixture(fixture);
        for (int i = from; i < from + count; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }

    /** A minimal 8-bit RGB PNG: signature, IHDR, one IDAT with the given payload, IEND. */
    static byte[] png(int width, int height, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(
                out,
                "IHDR",
                ByteBuffer.allocate(13)
                        .putInt(width)
                        .putInt(height)
                        .put((byte) 8)
                        .put((byte) 2)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[data.length + 64];
        int length = deflater.deflate(buffer);
        deflater.end();
        return Arrays.copyOf(buffer, length);
    }

    /** A Windows icon holding one 1×1 PNG. */
    private static byte[] icoWithPng() {
        byte[] image = png(1, 1, deflate(new byte[] {0, 1, 2, 3}));
        ByteBuffer header = ByteBuffer.allocate(22)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0)
                .putShort((short) 1)
                .putShort((short) 1) // ICONDIR: icon, 1 image
                .put((byte) 1)
                .put((byte) 1)
                .put((byte) 0)
                .put((byte) 0) // 1×1, no palette
                .putShort((short) 1)
                .putShort((short) 32)
                .putInt(image.length)
                .putInt(22); // planes, bpp, size, offset
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(image);
        return out.toByteArray();
    }
}
