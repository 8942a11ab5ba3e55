package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Filter;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FiltersTest {

    record Case(String label, int argbIn, int expectedArgb) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** Rec. 601 luma: round(0.299 R + 0.587 G + 0.114 B). */
    static Stream<Case> grayscale() {
        return Stream.of(
                new Case("red", 0xFFFF0000, 0xFF4C4C4C),      // 76.2
                new Case("green", 0xFF00FF00, 0xFF969696),    // 149.7
                new Case("blue", 0xFF0000FF, 0xFF1D1D1D),     // 29.1
                new Case("white", 0xFFFFFFFF, 0xFFFFFFFF),
                new Case("black", 0xFF000000, 0xFF000000),
                new Case("mid grey stays", 0xFF808080, 0xFF808080),
                new Case("skin tone", 0xFFE0AC69, 0xFFB4B4B4),  // 66.98 + 100.96 + 11.97 = 179.9
                new Case("alpha is kept", 0x40FF0000, 0x404C4C4C));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grayscale")
    void grayscaleWritesLumaToAllChannels(Case c) {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                image.setRGB(x, y, c.argbIn());
            }
        }

        BufferedImage gray = Filters.apply(image, List.of(new Filter.Grayscale()));

        assertThat(gray.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
        assertThat(gray.getRGB(2, 1)).isEqualTo(c.expectedArgb());
        assertThat(image.getRGB(2, 1)).as("input untouched").isEqualTo(c.argbIn());
    }

    @Test
    void noFiltersReturnsTheSameImage() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        assertThat(Filters.apply(image, List.of())).isSameAs(image);
    }

    @Test
    void worksOnASubimageView() {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        image.setRGB(2, 2, 0xFF0000);
        BufferedImage gray = Filters.apply(image.getSubimage(1, 1, 2, 2), List.of(new Filter.Grayscale()));

        assertThat(gray.getWidth()).isEqualTo(2);
        assertThat(gray.getRGB(1, 1)).isEqualTo(0xFF4C4C4C);
        assertThat(gray.getRGB(0, 0)).isEqualTo(0xFF000000);
    }
}
