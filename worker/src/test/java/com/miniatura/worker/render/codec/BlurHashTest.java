package com.miniatura.worker.render.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.RenderResult;
import com.miniatura.worker.render.RenderTestSupport;
import com.miniatura.worker.render.Renderer;
import com.miniatura.worker.render.geometry.Orient;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BlurHash} against the published format: the base-83 alphabet, the length, a decoder written here
 * from the description (what a page does with the string), and strings produced by the reference
 * JavaScript encoder ({@code blurhash} 2.0.5 on npm) for the same pixels.
 */
class BlurHashTest {

    @Test
    void base83AlphabetIsExactlyThePublishedOne() {
        assertThat(BlurHash.BASE83)
                .isEqualTo("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~");
        assertThat(BlurHash.BASE83.chars().distinct().count()).isEqualTo(83);
        assertThat(BlurHash.base83(0, 1)).isEqualTo("0");
        assertThat(BlurHash.base83(82, 1)).isEqualTo("~");
        assertThat(BlurHash.base83(83, 2)).isEqualTo("10");
        assertThat(BlurHash.base83(83 * 83 - 1, 2)).isEqualTo("~~");
        assertThat(BlurHash.base83(0xFFFFFF, 4)).isEqualTo("TSUA"); // 16777215 = 29·83³ + 28·83² + 30·83 + 10
        for (int value : new int[] {0, 1, 82, 83, 6888, 6889, 0x336699, 0xFFFFFF}) {
            assertThat(decode83(BlurHash.base83(value, 4))).isEqualTo(value);
        }
    }

    static Stream<Arguments> componentCounts() {
        return IntStream.rangeClosed(1, 9)
                .boxed()
                .flatMap(cx -> IntStream.rangeClosed(1, 9).mapToObj(cy -> Arguments.of(cx, cy)));
    }

    @ParameterizedTest(name = "{0}x{1} components")
    @MethodSource("componentCounts")
    void lengthIsFourPlusTwoPerComponentAndTheFirstCharacterSaysTheCounts(int cx, int cy) {
        BufferedImage image = image(9, 7, (x, y) -> (x * 28) << 16 | (y * 36) << 8 | ((x * y * 5) & 0xFF));

        String hash = BlurHash.encode(image, cx, cy);

        assertThat(hash).hasSize(4 + 2 * cx * cy);
        int flag = decode83(hash.substring(0, 1));
        assertThat(new int[] {flag % 9 + 1, flag / 9 + 1}).containsExactly(cx, cy);
        assertThat(hash.chars().allMatch(c -> BlurHash.BASE83.indexOf(c) >= 0)).isTrue();
    }

    record Flat(String label, int width, int height, int rgb) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Flat> flats() {
        return Stream.of(
                new Flat("64×48 steel blue", 64, 48, 0x336699),
                new Flat("48×64 light grey", 48, 64, 0xC0C0C0),
                new Flat("64×64 spring green", 64, 64, 0x10F080),
                new Flat("7×5 near black", 7, 5, 0x030201),
                new Flat("5×7 white", 5, 7, 0xFFFFFF),
                new Flat("1×1 orange", 1, 1, 0xFF8000),
                new Flat("3×2 purple (fewer pixels than components)", 3, 2, 0x800080));
    }

    /** A flat colour decodes to that colour everywhere, within 2 levels per channel. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("flats")
    void flatColourDecodesToThatColour(Flat c) {
        String hash = BlurHash.of(image(c.width(), c.height(), (x, y) -> c.rgb()));

        int[][] decoded = decode(hash, 32, 24);
        for (int[] row : decoded) {
            for (int rgb : row) {
                for (int shift = 0; shift <= 16; shift += 8) {
                    assertThat((rgb >> shift) & 0xFF).isCloseTo((c.rgb() >> shift) & 0xFF, within(2));
                }
            }
        }
    }

    @Test
    void structureSurvives() {
        // left half red, right half blue: 4 horizontal components round the step off (the outer edges
        // decode as about e50083 and 7b00e8), but each quarter stays clearly its colour
        String sideBySide = BlurHash.of(image(64, 48, (x, y) -> x < 32 ? 0xFF0000 : 0x0000FF));
        int[][] decoded = decode(sideBySide, 32, 24);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 8; x++) {
                int left = decoded[y][x];
                int right = decoded[y][31 - x];
                assertThat(red(left))
                        .as("left (%d,%d)", x, y)
                        .isGreaterThan(200)
                        .isGreaterThan(blue(left) + 80);
                assertThat(blue(right))
                        .as("right (%d,%d)", 31 - x, y)
                        .isGreaterThan(200)
                        .isGreaterThan(red(right) + 80);
                assertThat(green(left) + green(right)).isZero();
            }
        }
        // top half green, bottom half white, portrait
        String stacked = BlurHash.of(image(48, 64, (x, y) -> y < 32 ? 0x00C000 : 0xFFFFFF));
        assertThat(stacked).hasSize(4 + 2 * 12);
        int[][] tall = decode(stacked, 24, 32);
        for (int y = 0; y < 6; y++) {
            int top = tall[y][12];
            int bottom = tall[31 - y][12];
            assertThat(green(top))
                    .as("top row %d", y)
                    .isGreaterThan(red(top) + 60)
                    .isGreaterThan(blue(top) + 60);
            assertThat(Math.min(red(bottom), Math.min(green(bottom), blue(bottom))))
                    .as("bottom row %d", 31 - y)
                    .isGreaterThan(200);
        }
    }

    @Test
    void componentsFollowTheShape() {
        assertThat(BlurHash.components(640, 480)).containsExactly(4, 3);
        assertThat(BlurHash.components(480, 640)).containsExactly(3, 4);
        assertThat(BlurHash.components(500, 500)).containsExactly(4, 4);
        assertThat(BlurHash.of(image(64, 48, (x, y) -> 0))).hasSize(28);
        assertThat(BlurHash.of(image(48, 64, (x, y) -> 0))).hasSize(28);
        assertThat(BlurHash.of(image(64, 64, (x, y) -> 0))).hasSize(36);
    }

    @Test
    void transparencyIsPaintedOverWhite() {
        BufferedImage clear = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB); // all 0x00000000
        assertThat(decode(BlurHash.of(clear), 4, 4)[1][1]).isEqualTo(0xFFFFFF);
    }

    /** Images written out identically here and in the reference run; see the class comment. */
    record Vector(
            String label,
            int width,
            int height,
            int cx,
            int cy,
            IntBinaryOperator pixel,
            String reference,
            String ours) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Vector> vectors() {
        return Stream.of(
                new Vector(
                        "8×6 red | blue",
                        8,
                        6,
                        4,
                        3,
                        (x, y) -> x < 4 ? 0xFF0000 : 0x0000FF,
                        "L~LjfL|T,SST$A$1sRb0fQfQfQfQ",
                        "L~LjfL|TfQFOfQfQfQfQfQfQfQfQ"),
                // the npm encoder takes the largest *signed* AC value as the maximum where the description
                // (and the C reference) take the largest magnitude: here a negative one is largest, and that
                // encoder gives "LDH27k3B|cO?z4NKo1aOhCfjfQfj". This is its output with magnitudes.
                new Vector(
                        "32×24 gradient",
                        32,
                        24,
                        4,
                        3,
                        (x, y) -> (x * 8) << 16 | (y * 10) << 8 | 128,
                        "LxH27k2swxX8mHWWjtf7gJfjfQfj",
                        "L#H27k2E$5SMdefQfQfQgcfQfQfQ"),
                new Vector(
                        "24×32 portrait pattern",
                        24,
                        32,
                        3,
                        4,
                        (x, y) -> (255 - x * 10) << 16 | (y * 8) << 8 | ((x * y) % 256),
                        "T;IXpb|=$1mBnijvgFflfTnio3js",
                        "T,IXpb|X$1dGfPfTgYfTfSenfTfO"),
                new Vector(
                        "4×4 black | white, one component",
                        4,
                        4,
                        1,
                        1,
                        (x, y) -> x < 2 ? 0x000000 : 0xFFFFFF,
                        "00Lqe9",
                        "00Lqe9"));
    }

    /**
     * With the reference sampling grid, the strings are the reference encoder's, character for character;
     * with pixel centres (what the renderer uses) they are pinned here so a change shows.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void knownVectors(Vector v) {
        BufferedImage image = image(v.width(), v.height(), v.pixel());

        assertThat(BlurHash.encode(image, v.cx(), v.cy(), BlurHash.REFERENCE_GRID))
                .isEqualTo(v.reference());
        assertThat(BlurHash.encode(image, v.cx(), v.cy())).isEqualTo(v.ours());
    }

    /** Decoded hashes of the orientation fixtures, against Landscape_1's: see the printed measurements. */
    private static final double UPRIGHT = 6.0;

    @Test
    void renderedHashIsOfTheUprightImage() throws RenderException {
        List<int[][]> decoded = new ArrayList<>();
        for (int orientation = 1; orientation <= 8; orientation++) {
            RenderResult result = new Renderer(RenderLimits.defaults())
                    .render(
                            RenderTestSupport.fixture("orientation/Landscape_" + orientation + ".jpg"),
                            List.of(RenderTestSupport.png("t", 16, 16, Fit.INSIDE, false, 0)));
            String hash = result.blurhash();
            assertThat(hash)
                    .as("Landscape_%d is 600×450 upright: 4×3 components", orientation)
                    .hasSize(28)
                    .startsWith("L");
            decoded.add(decode(hash, 32, 24));
        }
        BufferedImage reference = RenderTestSupport.image(decoded.get(0));
        for (int orientation = 2; orientation <= 8; orientation++) {
            double diff =
                    Pixels.meanAbsoluteDifference(RenderTestSupport.image(decoded.get(orientation - 1)), reference);
            System.out.printf("blurhash Landscape_%d vs Landscape_1: MAD %.2f%n", orientation, diff);
            assertThat(diff).as("Landscape_%d vs Landscape_1", orientation).isLessThan(UPRIGHT);
        }
        for (int code = 2; code <= 4; code++) { // the same hash painted mirrored or upside down
            double wrong = Pixels.meanAbsoluteDifference(Orient.apply(reference, code), reference);
            System.out.printf("blurhash Landscape_1 turned by %d: MAD %.2f%n", code, wrong);
            assertThat(wrong).isGreaterThan(2 * UPRIGHT);
        }
    }

    // --- a decoder, from the published description ---

    /** {@code width × height} pixels (0xRRGGBB rows) that a page would paint for {@code hash}. */
    static int[][] decode(String hash, int width, int height) {
        int flag = decode83(hash.substring(0, 1));
        int cx = flag % 9 + 1;
        int cy = flag / 9 + 1;
        assertThat(hash).hasSize(4 + 2 * cx * cy);
        double maximum = (decode83(hash.substring(1, 2)) + 1) / 166.0;
        double[][] colours = new double[cx * cy][3];
        int dc = decode83(hash.substring(2, 6));
        colours[0] = new double[] {
            BlurHash.toLinear(dc >> 16), BlurHash.toLinear((dc >> 8) & 0xFF), BlurHash.toLinear(dc & 0xFF)
        };
        for (int k = 1; k < cx * cy; k++) {
            int value = decode83(hash.substring(4 + 2 * k, 6 + 2 * k));
            int[] quantised = {value / (19 * 19), (value / 19) % 19, value % 19};
            for (int c = 0; c < 3; c++) {
                double v = (quantised[c] - 9) / 9.0;
                colours[k][c] = Math.copySign(v * v, v) * maximum;
            }
        }
        int[][] pixels = new int[height][width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double[] sum = new double[3];
                for (int j = 0; j < cy; j++) {
                    for (int i = 0; i < cx; i++) {
                        double basis = Math.cos(Math.PI * x * i / width) * Math.cos(Math.PI * y * j / height);
                        for (int c = 0; c < 3; c++) {
                            sum[c] += colours[j * cx + i][c] * basis;
                        }
                    }
                }
                pixels[y][x] = BlurHash.toSrgb(sum[0]) << 16 | BlurHash.toSrgb(sum[1]) << 8 | BlurHash.toSrgb(sum[2]);
            }
        }
        return pixels;
    }

    static int decode83(String digits) {
        int value = 0;
        for (char c : digits.toCharArray()) {
            value = value * 83 + BlurHash.BASE83.indexOf(c);
        }
        return value;
    }

    private static BufferedImage image(int w, int h, IntBinaryOperator pixel) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, pixel.applyAsInt(x, y));
            }
        }
        return image;
    }

    private static int red(int rgb) {
        return (rgb >> 16) & 0xFF;
    }

    private static int green(int rgb) {
        return (rgb >> 8) & 0xFF;
    }

    private static int blue(int rgb) {
        return rgb & 0xFF;
    }
}
