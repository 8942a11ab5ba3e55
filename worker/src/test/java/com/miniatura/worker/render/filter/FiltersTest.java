package com.miniatura.worker.render.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.Gravity;
import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.Watermarks;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The colour filters' exact values, and what every filter promises about its input and output. */
class FiltersTest {

    record Case(String label, Filter filter, int argbIn, int expectedArgb) {
        @Override
        public String toString() {
            return filter.canonical() + ": " + label;
        }
    }

    static final Filter GRAY = new Filter.Grayscale();
    static final Filter SEPIA = new Filter.Sepia();

    /** Expected values worked out by hand from the documented formulas; rounding is half up. */
    static Stream<Case> colourFilters() {
        return Stream.of(
                // Rec. 601 luma: round(0.299 R + 0.587 G + 0.114 B)
                new Case("red", GRAY, 0xFFFF0000, 0xFF4C4C4C), // 76.2
                new Case("green", GRAY, 0xFF00FF00, 0xFF969696), // 149.7
                new Case("blue", GRAY, 0xFF0000FF, 0xFF1D1D1D), // 29.1
                new Case("white", GRAY, 0xFFFFFFFF, 0xFFFFFFFF),
                new Case("mid grey stays", GRAY, 0xFF808080, 0xFF808080),
                new Case("skin tone", GRAY, 0xFFE0AC69, 0xFFB4B4B4), // 66.98 + 100.96 + 11.97 = 179.9
                new Case("alpha is kept", GRAY, 0x40FF0000, 0x404C4C4C),
                // sepia rows (.393 .769 .189) (.349 .686 .168) (.272 .534 .131)
                new Case("red", SEPIA, 0xFFFF0000, 0xFF645945), // 100.2, 89.0, 69.4
                new Case("mid grey", SEPIA, 0xFF808080, 0xFFAD9A78), // 172.9, 154.0, 119.9
                new Case("white clamps R and G", SEPIA, 0xFFFFFFFF, 0xFFFFFFEF), // 344.5, 306.8, 238.9
                new Case("black stays", SEPIA, 0xFF000000, 0xFF000000),
                new Case("alpha is kept", SEPIA, 0x80808080, 0x80AD9A78),
                new Case("x1.5, green clamps", new Filter.Brightness(1.5), 0xFF64C80A, 0xFF96FF0F), // 150, 300, 15
                new Case("x0.5 rounds half up", new Filter.Brightness(0.5), 0xFFFF0301, 0xFF800201), // 127.5, 1.5, 0.5
                new Case("x0 is black", new Filter.Brightness(0), 0xFF123456, 0xFF000000),
                new Case("x1 is identity", new Filter.Brightness(1), 0xFF123456, 0xFF123456),
                new Case("alpha is kept", new Filter.Brightness(2), 0x00102030, 0x00204060),
                new Case("x2, both ends clamp", new Filter.Contrast(2), 0xFF0AF080, 0xFF00FF80), // -108, 352, 128
                new Case("x2 inside range", new Filter.Contrast(2), 0xFF64C88C, 0xFF48FF98), // 72, 272, 152
                new Case("x0.5 rounds half up", new Filter.Contrast(0.5), 0xFF00FF7F, 0xFF40C080), // 64, 191.5, 127.5
                new Case("x0 is flat grey", new Filter.Contrast(0), 0xFF00FF12, 0xFF808080),
                new Case("alpha is kept", new Filter.Contrast(2), 0x7F64C88C, 0x7F48FF98));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("colourFilters")
    void colourFilterGivesTheExactValue(Case c) {
        BufferedImage image = filled(3, 2, BufferedImage.TYPE_INT_ARGB, c.argbIn());

        BufferedImage out = Filters.apply(image, List.of(c.filter()));

        assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                assertThat(Integer.toHexString(out.getRGB(x, y)))
                        .as("(%d,%d)", x, y)
                        .isEqualTo(Integer.toHexString(c.expectedArgb()));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("colourFilters")
    void colourFilterGivesTheSameRgbOnAnOpaqueImage(Case c) {
        BufferedImage image = filled(2, 2, BufferedImage.TYPE_INT_RGB, c.argbIn());

        BufferedImage out = Filters.apply(image, List.of(c.filter()));

        assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(Integer.toHexString(out.getRGB(1, 1))).isEqualTo(Integer.toHexString(0xFF000000 | c.expectedArgb()));
    }

    /** One filter of every kind, for the promises every filter keeps. */
    static Stream<Filter> everyFilter() {
        return Stream.of(
                GRAY,
                SEPIA,
                new Filter.Brightness(1.3),
                new Filter.Contrast(1.4),
                new Filter.Blur(1.2),
                new Filter.Sharpen(1, 2),
                new Filter.Watermark("logo", Gravity.SOUTH_EAST, 0.5, 0.5, 0.1));
    }

    static final Watermarks LOGO = Watermarks.of(Map.of("logo", filled(4, 2, BufferedImage.TYPE_INT_ARGB, 0xC0FFFF00)));

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyFilter")
    void returnsANewImageOfTheSameTypeAndSizeAndLeavesTheInputAlone(Filter filter) {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage image = noise(9, 7, type, 1);
            int[] before = image.getRGB(0, 0, 9, 7, null, 0, 9);

            BufferedImage out = Filters.apply(image, List.of(filter), LOGO);

            assertThat(out).isNotSameAs(image);
            assertThat(out.getType()).isEqualTo(type);
            assertThat(out.getWidth()).isEqualTo(9);
            assertThat(out.getHeight()).isEqualTo(7);
            assertThat(image.getRGB(0, 0, 9, 7, null, 0, 9))
                    .as("input untouched")
                    .isEqualTo(before);
            assertThat(out.getRGB(0, 0, 9, 7, null, 0, 9))
                    .as("the filter did something")
                    .isNotEqualTo(before);
        }
    }

    /**
     * A subimage view (what a plain crop hands over) shares its parent's array at an offset and a wider
     * stride: filtering it must give exactly what filtering a standalone copy gives, and must neither read
     * pixels outside the view (the blur's clamped edges) nor write to the parent.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyFilter")
    void aSubimageViewIsFilteredLikeAStandaloneCopy(Filter filter) {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage parent = noise(20, 16, type, 2);
            int[] parentBefore = parent.getRGB(0, 0, 20, 16, null, 0, 20);
            BufferedImage view = parent.getSubimage(3, 5, 11, 8);
            BufferedImage copy = new BufferedImage(11, 8, type);
            copy.setRGB(0, 0, 11, 8, view.getRGB(0, 0, 11, 8, null, 0, 11), 0, 11);

            BufferedImage fromView = Filters.apply(view, List.of(filter), LOGO);
            BufferedImage fromCopy = Filters.apply(copy, List.of(filter), LOGO);

            assertThat(fromView.getRGB(0, 0, 11, 8, null, 0, 11)).isEqualTo(fromCopy.getRGB(0, 0, 11, 8, null, 0, 11));
            assertThat(parent.getRGB(0, 0, 20, 16, null, 0, 20))
                    .as("parent untouched")
                    .isEqualTo(parentBefore);
        }
    }

    @Test
    void noFiltersReturnsTheSameImage() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        assertThat(Filters.apply(image, List.of())).isSameAs(image);
    }

    @Test
    void refusesImageTypesOtherThanPackedIntOrBgrBytes() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_4BYTE_ABGR);
        assertThatThrownBy(() -> Filters.apply(image, List.of(GRAY)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("filters need TYPE_INT_RGB, TYPE_INT_ARGB or TYPE_3BYTE_BGR, not image type 6");
    }

    /** Regression: the bytes of a BGR raster come out of getDataElements in band order (R, G, B), not B, G, R. */
    @Test
    void bgrBytesAreFilteredLikeTheSamePixelsAsInts() {
        BufferedImage ints = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        BufferedImage bytes = new BufferedImage(4, 3, BufferedImage.TYPE_3BYTE_BGR);
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0x123456, 0xFEDCBA, 0x808080};
        for (int i = 0; i < colours.length; i++) {
            ints.setRGB(i % 3, i / 3, colours[i]);
            bytes.setRGB(1 + i % 3, 1 + i / 3, colours[i]);
        }
        BufferedImage view = bytes.getSubimage(1, 1, 3, 2);
        for (List<Filter> filters : List.of(List.<Filter>of(GRAY), List.of(SEPIA))) {
            BufferedImage fromInts = Filters.apply(ints, filters);
            BufferedImage fromBytes = Filters.apply(view, filters);
            assertThat(fromBytes.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(fromBytes.getRGB(0, 0, 3, 2, null, 0, 3))
                    .as(filters.toString())
                    .containsExactly(fromInts.getRGB(0, 0, 3, 2, null, 0, 3));
        }
    }

    /**
     * Filters run in the listed order. Grayscale then sepia tints the gray (a sepia photo); sepia then
     * grayscale throws the tint away again (a plain gray photo). Black is black both ways.
     */
    @Test
    void orderMattersWhereTheFiltersDoNotCommute() {
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xFF0000);
        image.setRGB(1, 0, 0x3080C0);
        image.setRGB(2, 0, 0x000000);

        BufferedImage sepiaPhoto = Filters.apply(image, List.of(GRAY, SEPIA));
        BufferedImage grayPhoto = Filters.apply(image, List.of(SEPIA, GRAY));

        // red: luma 76 → sepia (103, 91, 71); sepia (100, 89, 69) → luma 90
        assertThat(Integer.toHexString(sepiaPhoto.getRGB(0, 0))).isEqualTo("ff675b47");
        assertThat(Integer.toHexString(grayPhoto.getRGB(0, 0))).isEqualTo("ff5a5a5a");
        assertThat(Pixels.maxChannelSpread(grayPhoto))
                .as("sepia then grayscale is neutral")
                .isZero();
        int tinted = sepiaPhoto.getRGB(1, 0);
        assertThat((tinted >> 16) & 0xFF)
                .as("grayscale then sepia is warm: R > G > B")
                .isGreaterThan((tinted >> 8) & 0xFF);
        assertThat((tinted >> 8) & 0xFF).isGreaterThan(tinted & 0xFF);
        assertThat(sepiaPhoto.getRGB(2, 0))
                .as("black either way")
                .isEqualTo(grayPhoto.getRGB(2, 0))
                .isEqualTo(0xFF000000);
    }

    static BufferedImage filled(int w, int h, int type, int argb) {
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, argb);
            }
        }
        return image;
    }

    /** Deterministic varied pixels; with alpha, the alpha varies too (including 0 and 255). */
    static BufferedImage noise(int w, int h, int type, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int alpha = switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> 255;
                    default -> random.nextInt(256);
                };
                image.setRGB(x, y, (alpha << 24) | random.nextInt(1 << 24));
            }
        }
        return image;
    }
}
