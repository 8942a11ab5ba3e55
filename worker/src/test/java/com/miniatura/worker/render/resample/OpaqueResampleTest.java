package com.miniatura.worker.render.resample;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Exact geometry of the cascade's two resamplers on tiny synthetic images. */
class OpaqueResampleTest {

    /** A {@code TYPE_3BYTE_BGR} image from packed RGB pixels, row by row. */
    static BufferedImage bgr(int w, int h, int... rgb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        image.setRGB(0, 0, w, h, rgb, 0, w);
        return image;
    }

    /** The pixels as {@code 0xRRGGBB}, without the opaque alpha {@code getRGB} adds. */
    static int[] rgb(BufferedImage image) {
        return Arrays.stream(image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth()))
                .map(p -> p & 0xFFFFFF)
                .toArray();
    }

    @Test
    void boxIsTheRoundedMeanOfEachBlockAndDropsAPartialLastBlock() {
        BufferedImage source = bgr(
                5, 2, 0x000000, 0x0A141E, 0xFF0000, 0xFF0000, 0x777777, 0x020406, 0x000000, 0x00FF00, 0x0000FF,
                0x777777);
        BufferedImage box = OpaqueResample.box(source, 2);
        assertThat(box.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        assertThat(box.getWidth()).isEqualTo(2);
        assertThat(box.getHeight()).isEqualTo(1);
        // (0 + 10 + 2 + 0) / 4 = 3, (0 + 20 + 4 + 0) / 4 = 6, (0 + 30 + 6 + 0) / 4 = 9; (510, 255, 255) / 4 rounded
        assertThat(rgb(box)).containsExactly(0x030609, 0x804040);
    }

    @Test
    void boxOfARegionReadsOnlyThatRegion() {
        BufferedImage source =
                bgr(4, 2, 0xFFFFFF, 0x102030, 0x102030, 0xFFFFFF, 0xFFFFFF, 0x102030, 0x102030, 0xFFFFFF);
        assertThat(rgb(OpaqueResample.box(source, 1, 0, 2, 2, 2))).containsExactly(0x102030);
    }

    record Flat(String name, int srcW, int srcH, double x, double y, double w, double h, int outW, int outH) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Flat> flats() {
        return Stream.of(
                new Flat("2.5x reduction", 25, 20, 0, 0, 25, 20, 10, 8),
                new Flat("fractional crop", 40, 30, 3.25, 1.5, 20.5, 17, 7, 6),
                new Flat("edge crop", 40, 30, 30, 20, 10, 10, 4, 4),
                new Flat("enlargement", 4, 3, 0, 0, 4, 3, 9, 7));
    }

    /** Weights sum to exactly one wherever the taps are cut by an edge: a flat colour stays that colour. */
    @ParameterizedTest
    @MethodSource("flats")
    void aFlatColourStaysExactlyThatColour(Flat c) {
        int[] pixels = new int[c.srcW() * c.srcH()];
        Arrays.fill(pixels, 0x3C82D2);
        for (int lobes : new int[] {2, 3}) {
            BufferedImage out = OpaqueResample.lanczos(
                    lobes, bgr(c.srcW(), c.srcH(), pixels), c.x(), c.y(), c.w(), c.h(), c.outW(), c.outH());
            assertThat(out.getWidth()).isEqualTo(c.outW());
            assertThat(out.getHeight()).isEqualTo(c.outH());
            assertThat(rgb(out)).as("lobes %d", lobes).containsOnly(0x3C82D2);
        }
    }

    @Test
    void sameSizeWithAlignedPixelsIsACopy() {
        int[] pixels = new int[6 * 5];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i * 0x0F1E2D) & 0xFFFFFF;
        }
        BufferedImage out = OpaqueResample.lanczos(bgr(6, 5, pixels), 0, 0, 6, 5, 6, 5);
        assertThat(rgb(out)).containsExactly(pixels);
    }

    /**
     * A crop is filtered like the same region of a resampled whole (taps may reach past the crop's edge, as
     * far as the filter's support, so a crop has no edge artefacts), and reads nothing further out.
     */
    @Test
    void aCropReadsNothingBeyondTheFilterSupportAroundIt() {
        // columns 0-3 black, the rest white; a 2x reduction of columns 8-15 reaches back to column 8 - 2 x 2 = 4
        int[] pixels = new int[16 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i % 16 < 4 ? 0 : 0xFFFFFF;
        }
        assertThat(rgb(OpaqueResample.lanczos(bgr(16, 4, pixels), 8, 0, 8, 4, 4, 2)))
                .containsOnly(0xFFFFFF);
        // four columns further left, the support reaches the black columns
        assertThat(rgb(OpaqueResample.lanczos(bgr(16, 4, pixels), 4, 0, 8, 4, 4, 2)))
                .isNotEqualTo(rgb(OpaqueResample.lanczos(bgr(16, 4, pixels), 8, 0, 8, 4, 4, 2)));
    }

    /**
     * The horizontal pass packs B, G and R into one long (OpaqueResample.LANE): extreme values through the
     * most negative lobes — at every ratio, edge and fraction — must come out as a per-channel filter would.
     */
    @Test
    void packedChannelsNeverBleedIntoEachOtherAtAnyRatioOrEdge() {
        int[] pixels = new int[37 * 3];
        for (int i = 0; i < pixels.length; i++) { // alternating extremes, each channel out of phase
            pixels[i] = (i % 2 == 0 ? 0xFF0000 : 0) | (i % 3 == 0 ? 0x00FF00 : 0) | (i % 5 < 2 ? 0x0000FF : 0);
        }
        BufferedImage source = bgr(37, 3, pixels);
        for (int lobes : new int[] {2, 3}) {
            for (int outW = 1; outW <= 74; outW++) {
                for (double x : new double[] {0, 0.3, 5.5}) {
                    double w = 37 - x - (x > 1 ? 3.25 : 0);
                    BufferedImage all = OpaqueResample.lanczos(lobes, source, x, 0, w, 3, outW, 3);
                    for (int channel = 0; channel < 3; channel++) {
                        int shift = 8 * channel;
                        int[] alone = new int[pixels.length];
                        for (int i = 0; i < pixels.length; i++) {
                            alone[i] = pixels[i] & (0xFF << shift);
                        }
                        int[] expected = rgb(OpaqueResample.lanczos(lobes, bgr(37, 3, alone), x, 0, w, 3, outW, 3));
                        int[] actual = rgb(all);
                        for (int i = 0; i < actual.length; i++) {
                            assertThat(actual[i] & (0xFF << shift))
                                    .as("lobes %d, %d px from %s, pixel %d", lobes, outW, x, i)
                                    .isEqualTo(expected[i]);
                        }
                    }
                }
            }
        }
    }

    /** Regression: a subimage view of BGR bytes was copied with red and blue swapped. */
    @Test
    void aSubimageViewOfBgrBytesKeepsRedAndBlue() {
        BufferedImage source = bgr(3, 2, 0x000000, 0xFF0000, 0x0000FF, 0x000000, 0x123456, 0x00FF00);
        BufferedImage view = source.getSubimage(1, 0, 2, 2);
        assertThat(OpaqueResample.plainBgr(view)).isFalse();
        BufferedImage plain = OpaqueResample.plain(view);
        assertThat(OpaqueResample.plainBgr(plain)).isTrue();
        assertThat(rgb(plain)).containsExactly(0xFF0000, 0x0000FF, 0x123456, 0x00FF00);
    }

    @Test
    void packedIntsAreReadAsTheSamePixels() {
        BufferedImage ints = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        ints.setRGB(0, 0, 2, 1, new int[] {0xFF0000, 0x0000FF}, 0, 2);
        assertThat(rgb(OpaqueResample.plain(ints))).containsExactly(0xFF0000, 0x0000FF);
        assertThat(rgb(OpaqueResample.box(ints, 1))).containsExactly(0xFF0000, 0x0000FF);
    }
}
