package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.testing.ExternalTools;
import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Encode;
import com.miniatura.worker.render.filter.ToSrgb;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of WebP we write is accepted by {@code dwebp}, libwebp's reference decoder: lossy, lossless, with
 * alpha, and with the copyright chunk in a rewritten extended container. Also judges lossy quality through that
 * decoder on every catalog photo (see {@link WebpEncodeTest#photos} for why not through TwelveMonkeys).
 * Skipped where {@code dwebp} is not installed.
 */
class WebpDwebpTest {

    @TempDir
    Path dir;

    static Stream<WebpEncodeTest.Kind> kinds() {
        return WebpEncodeTest.kinds();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void dwebpDecodesEveryKind(WebpEncodeTest.Kind kind) {
        for (int[] size : new int[][] {{1, 1}, {97, 61}, {800, 533}}) {
            BufferedImage image = kind.image(size[0], size[1]);

            BufferedImage decoded = dwebp(kind.encode(image), kind + " " + size[0] + "x" + size[1]);

            assertThat(new int[] {decoded.getWidth(), decoded.getHeight()})
                    .as("%s: size", kind)
                    .containsExactly(size);
            assertThat(decoded.getColorModel().hasAlpha()).as("%s: alpha", kind).isEqualTo(kind.alpha());
            if (kind.lossless()) {
                int[] in = Arrays.stream(EncodePngTest.pixels(image))
                        .map(p -> p >>> 24 == 0 ? 0 : p)
                        .toArray();
                int[] out = Arrays.stream(EncodePngTest.pixels(decoded))
                        .map(p -> p >>> 24 == 0 ? 0 : p)
                        .toArray();
                assertThat(out)
                        .as("%s %dx%d: every visible pixel exact", kind, size[0], size[1])
                        .isEqualTo(in);
            }
        }
    }

    static Stream<String> catalogPhotos() {
        return Stream.of(
                        "2569067123_aca715a2ee_o-1024.jpg",
                        "DSCN0010-1024.jpg",
                        "HMD_Nokia_8.3_5G-1024.jpg",
                        "flowers-1024.jpg",
                        "iphone_hdr_NO-1024.jpg",
                        "nikon-e950-1024.jpg")
                .map(f -> "catalog/" + f);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogPhotos")
    void lossyQ80IsCloseOnEveryCatalogPhoto(String fixture) throws RenderException {
        BufferedImage photo = ToSrgb.apply(Decode.decode(RenderTestSupport.fixture(fixture), RenderLimits.defaults())
                .image());

        BufferedImage decoded = dwebp(Encode.apply(photo, WebpEncodeTest.spec(80, false), null), fixture);

        // measured 32.9–47.6 dB over these six
        assertThat(Pixels.psnr(photo, ToSrgb.apply(decoded))).as("PSNR (dB)").isGreaterThanOrEqualTo(30);
    }

    /** Runs {@code dwebp in.webp -o out.png}, expects exit status 0 and returns the PNG it wrote. */
    private BufferedImage dwebp(byte[] webp, String label) {
        Path tool = ExternalTools.require("dwebp", "webp");
        try {
            Path in = Files.createTempFile(dir, "in", ".webp");
            Path out = dir.resolve(in.getFileName() + ".png");
            Files.write(in, webp);
            Process process = new ProcessBuilder(tool.toString(), in.toString(), "-o", out.toString())
                    .redirectErrorStream(true)
                    .start();
            // a guard against a hung tool, not a timing assertion
            boolean finished = process.waitFor(60, TimeUnit.SECONDS);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!finished) {
                process.destroyForcibly();
            }
            assertThat(finished).as("%s: dwebp finished", label).isTrue();
            assertThat(process.exitValue())
                    .as("%s: dwebp exit status; it said: %s", label, output)
                    .isZero();
            BufferedImage png = ImageIO.read(out.toFile());
            assertThat(png).as("%s: dwebp wrote a PNG", label).isNotNull();
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
