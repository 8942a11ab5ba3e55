package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.worker.render.geometry.Orient;
import com.miniatura.worker.render.geometry.Turn;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Turn} against pixels actually moved by {@link Orient} and against naive rotations written out here:
 * on a 4×3 image whose every pixel is distinct, composing, inverting and mapping rectangles back must agree
 * with what turning the pixels does.
 */
class TurnTest {

    /** 4×3, every pixel distinct. */
    static final int[][] PATTERN = {
        {0x000001, 0x000002, 0x000003, 0x000004},
        {0x000105, 0x000106, 0x000107, 0x000108},
        {0x020009, 0x02000A, 0x02000B, 0x02000C}
    };

    static Stream<Arguments> pairs() {
        return IntStream.rangeClosed(1, 8)
                .boxed()
                .flatMap(a -> IntStream.rangeClosed(1, 8).mapToObj(b -> Arguments.of(new Turn(a), new Turn(b))));
    }

    @ParameterizedTest(name = "{0} then {1}")
    @MethodSource("pairs")
    void composingEqualsTurningTwice(Turn first, Turn second) {
        BufferedImage image = RenderTestSupport.image(PATTERN);

        BufferedImage twice = Orient.apply(Orient.apply(image, first.code()), second.code());
        BufferedImage once = Orient.apply(image, first.then(second).code());

        assertThat(RenderTestSupport.rgb(once)).isDeepEqualTo(RenderTestSupport.rgb(twice));
    }

    static IntStream codes() {
        return IntStream.rangeClosed(1, 8);
    }

    @ParameterizedTest(name = "code {0}")
    @MethodSource("codes")
    void inverseUndoesTheTurn(int code) {
        Turn turn = new Turn(code);
        BufferedImage image = RenderTestSupport.image(PATTERN);

        BufferedImage back =
                Orient.apply(Orient.apply(image, code), turn.inverse().code());

        assertThat(RenderTestSupport.rgb(back)).isDeepEqualTo(PATTERN);
        assertThat(turn.then(turn.inverse())).isEqualTo(Turn.NONE);
        assertThat(turn.inverse().then(turn)).isEqualTo(Turn.NONE);
    }

    @ParameterizedTest(name = "code {0}")
    @MethodSource("codes")
    void pointsAndEveryRectangleMapBackToTheStoredPixelsTheyShow(int code) {
        Turn turn = new Turn(code);
        BufferedImage stored = RenderTestSupport.image(PATTERN);
        BufferedImage turned = Orient.apply(stored, code);
        assertThat(turned.getWidth()).isEqualTo(turn.turnedWidth(4, 3));
        assertThat(turned.getHeight()).isEqualTo(turn.turnedHeight(4, 3));
        assertThat(turn.transposes()).isEqualTo(code >= 5);

        for (int y = 0; y < turned.getHeight(); y++) {
            for (int x = 0; x < turned.getWidth(); x++) {
                int[] s = turn.toStored(x, y, 4, 3);
                assertThat(turned.getRGB(x, y)).as("(%d,%d)", x, y).isEqualTo(stored.getRGB(s[0], s[1]));
            }
        }
        int checked = 0;
        for (Turn.Rect r : rectangles(turned.getWidth(), turned.getHeight())) {
            Turn.Rect s = turn.toStored(r, 4, 3);
            BufferedImage cropThenTurn = Orient.apply(stored.getSubimage(s.x(), s.y(), s.width(), s.height()), code);
            BufferedImage turnThenCrop = turned.getSubimage(r.x(), r.y(), r.width(), r.height());
            assertThat(RenderTestSupport.rgb(cropThenTurn))
                    .as("%s → %s", r, s)
                    .isDeepEqualTo(RenderTestSupport.rgb(turnThenCrop));
            checked++;
        }
        assertThat(checked).isEqualTo(60); // C(5,2)·C(4,2) rectangles in a 4×3 or 3×4 grid
    }

    /** A variant's rotate/flip/flop: {@link Turn#of} moves pixels like the naive operations, in that order. */
    record VariantTurn(int rotate, boolean flip, boolean flop, int expectedCode) {
        @Override
        public String toString() {
            return "rotate " + rotate + (flip ? " flip" : "") + (flop ? " flop" : "");
        }
    }

    static Stream<VariantTurn> variantTurns() {
        return Stream.of(
                new VariantTurn(0, false, false, 1), new VariantTurn(90, false, false, 6),
                new VariantTurn(180, false, false, 3), new VariantTurn(270, false, false, 8),
                new VariantTurn(0, true, false, 4), new VariantTurn(0, false, true, 2),
                new VariantTurn(0, true, true, 3), new VariantTurn(90, true, false, 7),
                new VariantTurn(90, false, true, 5), new VariantTurn(90, true, true, 8),
                new VariantTurn(180, true, false, 2), new VariantTurn(270, true, false, 5),
                new VariantTurn(270, false, true, 7), new VariantTurn(270, true, true, 6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variantTurns")
    void variantTurnMatchesNaiveRotation(VariantTurn c) {
        Turn turn = Turn.of(c.rotate(), c.flip(), c.flop());

        assertThat(turn.code()).isEqualTo(c.expectedCode());
        BufferedImage turned = Orient.apply(RenderTestSupport.image(PATTERN), turn.code());
        assertThat(RenderTestSupport.rgb(turned)).isDeepEqualTo(Naive.variant(PATTERN, c.rotate(), c.flip(), c.flop()));
    }

    @ParameterizedTest(name = "EXIF {0}")
    @MethodSource("codes")
    void exifTurnMatchesTheExifDefinition(int orientation) {
        BufferedImage turned = Orient.apply(
                RenderTestSupport.image(PATTERN), Turn.exif(orientation).code());

        assertThat(RenderTestSupport.rgb(turned)).isDeepEqualTo(Naive.upright(PATTERN, orientation));
    }

    @Test
    void outOfRangeOrientationIsAsStoredButBadCodesAndAnglesAreBugs() {
        assertThat(Turn.exif(0)).isEqualTo(Turn.NONE);
        assertThat(Turn.exif(9)).isEqualTo(Turn.NONE);
        assertThatThrownBy(() -> new Turn(9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("turn code must be 1..8: 9");
        assertThatThrownBy(() -> Turn.of(45, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rotate must be 0, 90, 180 or 270: 45");
    }

    private static List<Turn.Rect> rectangles(int w, int h) {
        List<Turn.Rect> all = new ArrayList<>();
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                for (int rw = 1; x + rw <= w; rw++) {
                    for (int rh = 1; y + rh <= h; rh++) {
                        all.add(new Turn.Rect(x, y, rw, rh));
                    }
                }
            }
        }
        return all;
    }

    /** Rotations and mirrors the obvious way, on rows of pixels: the independent reference. */
    static final class Naive {

        private Naive() {}

        /** Clockwise quarter turn: the new top row is the old left column, read bottom to top. */
        static int[][] rotate90(int[][] in) {
            int h = in.length;
            int w = in[0].length;
            int[][] out = new int[w][h];
            for (int y = 0; y < w; y++) {
                for (int x = 0; x < h; x++) {
                    out[y][x] = in[h - 1 - x][y];
                }
            }
            return out;
        }

        static int[][] rotate(int[][] in, int degrees) {
            int[][] out = in;
            for (int i = 0; i < degrees / 90; i++) {
                out = rotate90(out);
            }
            return out;
        }

        /** Mirror top to bottom. */
        static int[][] flip(int[][] in) {
            int[][] out = new int[in.length][];
            for (int y = 0; y < in.length; y++) {
                out[y] = in[in.length - 1 - y].clone();
            }
            return out;
        }

        /** Mirror left to right. */
        static int[][] flop(int[][] in) {
            int[][] out = new int[in.length][in[0].length];
            for (int y = 0; y < in.length; y++) {
                for (int x = 0; x < in[0].length; x++) {
                    out[y][x] = in[y][in[0].length - 1 - x];
                }
            }
            return out;
        }

        /** The EXIF definitions as exiftool words them: what to do to the stored image to show it. */
        static int[][] upright(int[][] stored, int orientation) {
            return switch (orientation) {
                case 2 -> flop(stored); // mirror horizontal
                case 3 -> rotate(stored, 180); // rotate 180
                case 4 -> flip(stored); // mirror vertical
                case 5 -> rotate(flop(stored), 270); // mirror horizontal and rotate 270 CW
                case 6 -> rotate(stored, 90); // rotate 90 CW
                case 7 -> rotate(flop(stored), 90); // mirror horizontal and rotate 90 CW
                case 8 -> rotate(stored, 270); // rotate 270 CW
                default -> stored;
            };
        }

        /** A variant's turn on an upright image: rotate clockwise, then flip, then flop. */
        static int[][] variant(int[][] upright, int rotate, boolean flip, boolean flop) {
            int[][] out = rotate(upright, rotate);
            out = flip ? flip(out) : out;
            return flop ? flop(out) : out;
        }
    }
}
