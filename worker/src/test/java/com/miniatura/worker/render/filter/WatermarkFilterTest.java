package com.miniatura.worker.render.filter;

import static com.miniatura.worker.render.filter.FiltersTest.filled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.Gravity;
import com.miniatura.worker.render.Watermarks;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The watermark filter: where it lands, how big it is, how it blends. */
class WatermarkFilterTest {

    private static final BufferedImage WHITE_40x20 = filled(40, 20, BufferedImage.TYPE_INT_ARGB, 0xFFFFFFFF);

    record Position(Gravity gravity, int x, int y) {
        @Override
        public String toString() {
            return gravity.configName();
        }
    }

    /**
     * 100×60 variant, scale 0.2 → a 20×10 watermark; margin 0.1 of the shorter side (60) → 6 pixels.
     * Centred axes: (100 − 20) / 2 = 40 and (60 − 10) / 2 = 25; far edges: 100 − 6 − 20 = 74, 60 − 6 − 10 = 44.
     */
    static Stream<Position> positions() {
        return Stream.of(
                new Position(Gravity.NORTH_WEST, 6, 6),
                new Position(Gravity.NORTH, 40, 6),
                new Position(Gravity.NORTH_EAST, 74, 6),
                new Position(Gravity.WEST, 6, 25),
                new Position(Gravity.CENTER, 40, 25),
                new Position(Gravity.EAST, 74, 25),
                new Position(Gravity.SOUTH_WEST, 6, 44),
                new Position(Gravity.SOUTH, 40, 44),
                new Position(Gravity.SOUTH_EAST, 74, 44));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("positions")
    void landsAtItsPositionInsideTheMargin(Position p) {
        BufferedImage variant = filled(100, 60, BufferedImage.TYPE_INT_RGB, 0xFF000000);

        BufferedImage out = watermark(variant, WHITE_40x20, p.gravity(), 1, 0.2, 0.1);

        assertThat(changed(variant, out)).isEqualTo(new Rectangle(p.x(), p.y(), 20, 10));
        assertThat(out.getRGB(p.x(), p.y())).as("opaque white").isEqualTo(0xFFFFFFFF);
        assertThat(out.getRGB(p.x() + 19, p.y() + 9)).isEqualTo(0xFFFFFFFF);
    }

    record Blend(String label, int mark, int variant, double opacity, int expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** SrcOver with extra alpha: {@code opacity × mark + (1 − opacity) × variant}, per channel, ±1 for 8-bit maths. */
    static Stream<Blend> blends() {
        return Stream.of(
                new Blend("white at 0.5 over black", 0xFFFFFFFF, 0xFF000000, 0.5, 0xFF808080), // 127.5
                new Blend("red at 0.25 over blue", 0xFFFF0000, 0xFF0000FF, 0.25, 0xFF4000BF), // 63.75, 191.25
                new Blend("black at 0.8 over white", 0xFF000000, 0xFFFFFFFF, 0.8, 0xFF333333), // 51
                new Blend("half-transparent white at 0.5 over black", 0x80FFFFFF, 0xFF000000, 0.5, 0xFF404040),
                new Blend("opacity 1 replaces", 0xFF123456, 0xFFABCDEF, 1, 0xFF123456));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blends")
    void blendsWithItsOpacity(Blend b) {
        BufferedImage variant = filled(20, 20, BufferedImage.TYPE_INT_RGB, b.variant());
        BufferedImage mark = filled(10, 10, BufferedImage.TYPE_INT_ARGB, b.mark());

        BufferedImage out = watermark(variant, mark, Gravity.CENTER, b.opacity(), 0.5, 0);

        int p = out.getRGB(10, 10);
        for (int shift = 0; shift < 24; shift += 8) {
            assertThat((p >> shift) & 0xFF)
                    .as("channel at bit %d of %08x", shift, p)
                    .isCloseTo((b.expected() >> shift) & 0xFF, Offset.offset(1));
        }
    }

    record Size(double scale, int width, int height) {
        @Override
        public String toString() {
            return "scale " + scale;
        }
    }

    /** 200×150 variant, 40×20 watermark (2:1), no margin: width = scale × 200, enlarged too (see WatermarkFilter). */
    static Stream<Size> sizes() {
        return Stream.of(
                new Size(0.1, 20, 10),
                new Size(0.2, 40, 20),
                new Size(0.33, 66, 33),
                new Size(0.5, 100, 50),
                new Size(1, 200, 100));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sizes")
    void scaleSetsItsWidth(Size s) {
        BufferedImage variant = filled(200, 150, BufferedImage.TYPE_INT_RGB, 0xFF000000);

        BufferedImage out = watermark(variant, WHITE_40x20, Gravity.NORTH_WEST, 1, s.scale(), 0);

        assertThat(changed(variant, out)).isEqualTo(new Rectangle(0, 0, s.width(), s.height()));
    }

    record Fit(String label, int markW, int markH, double scale, double margin, Rectangle expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** 100×60 variant: a watermark that would overflow is shrunk (aspect kept) to fit inside the margins. */
    static Stream<Fit> fits() {
        return Stream.of(
                // 50 wide would be 200 tall; 60 − 2×6 = 48 tall → 12 wide, at 100 − 6 − 12 = 82
                new Fit("tall logo", 10, 40, 0.5, 0.1, new Rectangle(82, 6, 12, 48)),
                // 100 wide does not fit 100 − 2×6 = 88 → 88×44
                new Fit("full width with a margin", 40, 20, 1, 0.1, new Rectangle(6, 6, 88, 44)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fits")
    void isShrunkToFitInsideTheMargins(Fit f) {
        BufferedImage variant = filled(100, 60, BufferedImage.TYPE_INT_RGB, 0xFF000000);
        BufferedImage mark = filled(f.markW(), f.markH(), BufferedImage.TYPE_INT_ARGB, 0xFFFFFFFF);

        BufferedImage out = watermark(variant, mark, Gravity.NORTH_EAST, 1, f.scale(), f.margin());

        assertThat(changed(variant, out)).isEqualTo(f.expected());
    }

    /**
     * On a transparent variant, SrcOver raises alpha only where the watermark has alpha: outside its box,
     * and under its transparent half, the variant stays fully transparent.
     */
    @Test
    void keepsTransparentAreasTransparent() {
        BufferedImage variant = new BufferedImage(50, 50, BufferedImage.TYPE_INT_ARGB); // 0x00000000
        BufferedImage mark = new BufferedImage(20, 10, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                mark.setRGB(x, y, 0xFFFFFFFF); // left half opaque white, right half transparent
            }
        }

        BufferedImage out = watermark(variant, mark, Gravity.CENTER, 0.5, 0.4, 0); // 20×10 at (15, 20)

        for (int y = 0; y < 50; y++) {
            for (int x = 0; x < 50; x++) {
                boolean underOpaqueHalf = x >= 15 && x < 25 && y >= 20 && y < 30;
                int p = out.getRGB(x, y);
                if (underOpaqueHalf) {
                    assertThat(p >>> 24).as("(%d,%d) alpha", x, y).isBetween(127, 128);
                    assertThat(p & 0xFFFFFF).as("(%d,%d) colour", x, y).isEqualTo(0xFFFFFF);
                } else {
                    assertThat(p >>> 24).as("(%d,%d) alpha", x, y).isZero();
                }
            }
        }
    }

    /**
     * Downscaling mixes opaque white with transparent black; interpolating without premultiplied alpha
     * would turn that into half-transparent gray, a dark fringe around every logo. White over white must
     * stay white.
     */
    @Test
    void downscalingDoesNotDarkenSoftEdges() {
        BufferedImage checker = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                checker.setRGB(x, y, ((x + y) & 1) == 0 ? 0xFFFFFFFF : 0x00000000);
            }
        }
        BufferedImage variant = filled(40, 40, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF);

        BufferedImage out = watermark(variant, checker, Gravity.CENTER, 1, 0.4, 0);

        assertThat(out.getRGB(0, 0, 40, 40, null, 0, 40)).containsOnly(0xFFFFFFFF);
    }

    @Test
    void anUnknownSourceIsABugNotASilentSkip() {
        BufferedImage variant = filled(10, 10, BufferedImage.TYPE_INT_RGB, 0xFF000000);
        Filter filter = new Filter.Watermark("classpath:nope.png", Gravity.CENTER, 1, 0.5, 0);

        assertThatThrownBy(() -> Filters.apply(variant, List.of(filter), Watermarks.of(Map.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no watermark loaded for classpath:nope.png");
    }

    private static BufferedImage watermark(
            BufferedImage variant, BufferedImage mark, Gravity gravity, double opacity, double scale, double margin) {
        Filter filter = new Filter.Watermark("logo", gravity, opacity, scale, margin);
        return Filters.apply(variant, List.of(filter), Watermarks.of(Map.of("logo", mark)));
    }

    /** The bounding box of the pixels that differ, or {@code null} when none do. */
    private static Rectangle changed(BufferedImage before, BufferedImage after) {
        Rectangle box = null;
        for (int y = 0; y < before.getHeight(); y++) {
            for (int x = 0; x < before.getWidth(); x++) {
                if (before.getRGB(x, y) != after.getRGB(x, y)) {
                    box = box == null ? new Rectangle(x, y, 1, 1) : box.union(new Rectangle(x, y, 1, 1));
                }
            }
        }
        return box;
    }
}
