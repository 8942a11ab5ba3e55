package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.worker.render.geometry.Orient;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pixel-exact orientation on a tiny image where every pixel is unique, for each raster layout. */
class OrientTest {

    /** Source pixel (sx, sy) shown at upright (x, y), for a stored w × h image — the EXIF definitions. */
    interface Mapping {
        int[] source(int x, int y, int w, int h);
    }

    static final Mapping[] EXIF = {
        null,
        (x, y, w, h) -> new int[] {x, y}, // 1 normal
        (x, y, w, h) -> new int[] {w - 1 - x, y}, // 2 mirrored left-right
        (x, y, w, h) -> new int[] {w - 1 - x, h - 1 - y}, // 3 rotated 180
        (x, y, w, h) -> new int[] {x, h - 1 - y}, // 4 mirrored top-bottom
        (x, y, w, h) -> new int[] {y, x}, // 5 transposed
        (x, y, w, h) -> new int[] {y, h - 1 - x}, // 6 needs 90 CW: stored bottom-left is upright top-left
        (x, y, w, h) -> new int[] {w - 1 - y, h - 1 - x}, // 7 transverse
        (x, y, w, h) -> new int[] {w - 1 - y, x}, // 8 needs 270 CW: stored top-right is upright top-left
    };

    /** Layouts: the fast array paths (interleaved bytes, packed ints) and the generic raster path. */
    static final int[] TYPES = {
        BufferedImage.TYPE_3BYTE_BGR,
        BufferedImage.TYPE_4BYTE_ABGR,
        BufferedImage.TYPE_BYTE_GRAY,
        BufferedImage.TYPE_INT_RGB,
        BufferedImage.TYPE_INT_ARGB,
        BufferedImage.TYPE_USHORT_GRAY,
        BufferedImage.TYPE_USHORT_565_RGB,
        BufferedImage.TYPE_BYTE_BINARY
    };

    static Stream<Arguments> cases() {
        return IntStream.of(TYPES)
                .boxed()
                .flatMap(type -> IntStream.rangeClosed(1, 8).mapToObj(o -> Arguments.of(type, o)));
    }

    @ParameterizedTest(name = "image type {0}, orientation {1}")
    @MethodSource("cases")
    void movesEveryPixelWhereExifSays(int type, int orientation) {
        int w = 5;
        int h = 3;
        BufferedImage stored = numbered(w, h, type);
        BufferedImage before = copy(stored);

        BufferedImage upright = Orient.apply(stored, orientation);

        boolean swaps = orientation >= 5;
        assertThat(upright.getWidth()).isEqualTo(swaps ? h : w);
        assertThat(upright.getHeight()).isEqualTo(swaps ? w : h);
        assertThat(upright.getColorModel()).isEqualTo(stored.getColorModel());
        for (int y = 0; y < upright.getHeight(); y++) {
            for (int x = 0; x < upright.getWidth(); x++) {
                int[] s = EXIF[orientation].source(x, y, w, h);
                for (int band = 0; band < stored.getRaster().getNumBands(); band++) {
                    assertThat(upright.getRaster().getSample(x, y, band))
                            .as("type %d orientation %d pixel (%d,%d) band %d", type, orientation, x, y, band)
                            .isEqualTo(stored.getRaster().getSample(s[0], s[1], band));
                }
            }
        }
        assertThat(sameSamples(stored, before)).as("input untouched").isTrue();
    }

    @Test
    void normalOrientationReturnsTheSameImage() {
        BufferedImage image = numbered(4, 2, BufferedImage.TYPE_INT_RGB);
        assertThat(Orient.apply(image, 1)).isSameAs(image);
        assertThat(Orient.apply(image, 0)).isSameAs(image);
        assertThat(Orient.apply(image, 9)).isSameAs(image);
    }

    /** Later steps (filters, padding) rely on the packed sRGB types surviving a turn, subimages included. */
    @ParameterizedTest(name = "orientation {0}")
    @MethodSource("orientations")
    void packedIntTypesSurviveATurn(int orientation) {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage whole = numbered(6, 4, type);
            assertThat(Orient.apply(whole, orientation).getType()).isEqualTo(type);
            assertThat(Orient.apply(whole.getSubimage(1, 1, 4, 2), orientation).getType())
                    .isEqualTo(type);
        }
    }

    static IntStream orientations() {
        return IntStream.rangeClosed(1, 8);
    }

    @Test
    void subimageWithOffsetsTakesTheGenericPath() {
        BufferedImage big = numbered(9, 7, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage sub = big.getSubimage(2, 1, 5, 3);
        BufferedImage upright = Orient.apply(sub, 6);

        assertThat(upright.getWidth()).isEqualTo(3);
        assertThat(upright.getRaster().getSample(0, 0, 0))
                .isEqualTo(sub.getRaster().getSample(0, 2, 0));
        assertThat(upright.getRaster().getSample(2, 4, 1))
                .isEqualTo(sub.getRaster().getSample(4, 0, 1));
    }

    @Test
    void tiffOrientationIsAppliedEndToEnd() throws RenderException {
        // 3×2 uncompressed RGB TIFF, orientation 6 (rotate 90 CW) in IFD0
        int[][] stored = {{0xFF0000, 0x00FF00, 0x0000FF}, {0xFFFF00, 0x00FFFF, 0xFF00FF}};
        ExifOrientationTest.Bytes b = new ExifOrientationTest.Bytes(true);
        b.raw("II").u16(42).u32(8).u16(10);
        b.u16(256).u16(3).u32(1).u16(3).u16(0); // ImageWidth
        b.u16(257).u16(3).u32(1).u16(2).u16(0); // ImageLength
        b.u16(258).u16(3).u32(3).u32(134); // BitsPerSample 8,8,8 at 134
        b.u16(259).u16(3).u32(1).u16(1).u16(0); // Compression: none
        b.u16(262).u16(3).u32(1).u16(2).u16(0); // Photometric: RGB
        b.u16(273).u16(4).u32(1).u32(140); // StripOffsets
        b.u16(274).u16(3).u32(1).u16(6).u16(0); // Orientation
        b.u16(277).u16(3).u32(1).u16(3).u16(0); // SamplesPerPixel
        b.u16(278).u16(3).u32(1).u16(2).u16(0); // RowsPerStrip
        b.u16(279).u16(4).u32(1).u32(18); // StripByteCounts
        b.u32(0).u16(8).u16(8).u16(8);
        for (int[] row : stored) {
            for (int rgb : row) {
                b.u8(rgb >> 16).u8((rgb >> 8) & 0xFF).u8(rgb & 0xFF);
            }
        }

        RenderResult result = new Renderer(RenderLimits.defaults())
                .render(
                        b.bytes(),
                        List.of(RenderTestSupport.png("p", 10, 10, Fit.INSIDE, false, RenderTestSupport.WHITE)));

        assertThat(result.source()).isEqualTo(new SourceInfo("tiff", 2, 3, 6));
        BufferedImage out = RenderTestSupport.read(result.variants().get(0).bytes());
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 2; x++) {
                int[] s = EXIF[6].source(x, y, 3, 2);
                assertThat(out.getRGB(x, y) & 0xFFFFFF).as("(%d,%d)", x, y).isEqualTo(stored[s[1]][s[0]]);
            }
        }
    }

    /** Every sample distinct (modulo the band's range): pixel index × band-specific factors. */
    private static BufferedImage numbered(int w, int h, int type) {
        BufferedImage image = new BufferedImage(w, h, type);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int index = y * w + x + 1;
                for (int band = 0; band < raster.getNumBands(); band++) {
                    int bits = raster.getSampleModel().getSampleSize(band);
                    int value = bits == 1 ? (index * 7 + x) % 3 % 2 : (index * (band + 3)) % (1 << bits);
                    raster.setSample(x, y, band, value);
                }
            }
        }
        return image;
    }

    private static BufferedImage copy(BufferedImage image) {
        return new BufferedImage(image.getColorModel(), image.copyData(null), image.isAlphaPremultiplied(), null);
    }

    private static boolean sameSamples(BufferedImage a, BufferedImage b) {
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                for (int band = 0; band < a.getRaster().getNumBands(); band++) {
                    if (a.getRaster().getSample(x, y, band) != b.getRaster().getSample(x, y, band)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
