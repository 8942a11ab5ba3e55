package com.miniatura.worker.render;

import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.testing.Fixtures;
import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.codec.Decode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Shared helpers for the render tests: fixtures, the reference variants, pixel comparisons. */
public final class RenderTestSupport {

    public static final int WHITE = 0xFFFFFF;

    private RenderTestSupport() {}

    /** The shared fixture folder (system property {@code miniatura.fixtures}); skips the test when absent, fails it under CI. */
    public static Path fixtures() {
        return Fixtures.images();
    }

    public static byte[] fixture(String relative) {
        try {
            return Files.readAllBytes(fixtures().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static VariantSpec spec(
            String name,
            Integer width,
            Integer height,
            Fit fit,
            OutputFormat format,
            int quality,
            boolean upscale,
            int background,
            Filter... filters) {
        return new VariantSpec(name, width, height, fit, format, quality, upscale, background, List.of(filters));
    }

    public static VariantSpec jpeg(
            String name, Integer width, Integer height, Fit fit, int quality, Filter... filters) {
        return spec(name, width, height, fit, OutputFormat.JPEG, quality, false, WHITE, filters);
    }

    public static VariantSpec png(
            String name, Integer width, Integer height, Fit fit, boolean upscale, int background) {
        return spec(name, width, height, fit, OutputFormat.PNG, 100, upscale, background);
    }

    /** The six variants every fixture is rendered with. */
    public static List<VariantSpec> referenceVariants() {
        return List.of(
                jpeg("s150", 150, 150, Fit.COVER, 80),
                jpeg("m300", 300, 300, Fit.INSIDE, 80),
                jpeg("c480", 480, null, Fit.INSIDE, 82),
                jpeg("d800", 800, 800, Fit.INSIDE, 85),
                jpeg("z1600", 1600, 1600, Fit.INSIDE, 85),
                jpeg("g150", 150, 150, Fit.COVER, 80, new Filter.Grayscale()));
    }

    /**
     * Expected output size of a reference variant for an upright {@code w × h} source, written out
     * independently of {@link Geometry}: square cover boxes give the box, or the largest square a small
     * source holds; inside boxes shrink the long side to the box (never enlarging).
     */
    public static int[] expectedReferenceSize(int w, int h, VariantSpec spec) {
        int bw = spec.width();
        if (spec.fit() == Fit.COVER) {
            int side = Math.min(bw, Math.min(w, h));
            return new int[] {side, side};
        }
        if (spec.height() == null) { // width-only
            return w <= bw ? new int[] {w, h} : new int[] {bw, (int) Math.round(h * (double) bw / w)};
        }
        if (Math.max(w, h) <= bw) {
            return new int[] {w, h};
        }
        return w >= h
                ? new int[] {bw, (int) Math.round(h * (double) bw / w)}
                : new int[] {(int) Math.round(w * (double) bw / h), bw};
    }

    public static BufferedImage read(byte[] encoded) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(encoded));
            if (image == null) {
                throw new AssertionError("output is not a decodable image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] writePng(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mean absolute difference per channel (R, G, B; 0..255) of two images of the same size. */
    public static double meanAbsDiff(BufferedImage a, BufferedImage b) {
        return Pixels.meanAbsoluteDifference(a, b);
    }

    /** Markers of the JPEG segments before the first scan, e.g. {@code 0xE0} for APP0. */
    public static List<Integer> jpegMarkers(byte[] jpeg) {
        List<Integer> markers = new ArrayList<>();
        int pos = 2;
        while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
            int marker = jpeg[pos + 1] & 0xFF;
            markers.add(marker);
            if (marker == 0xDA) {
                break;
            }
            pos += 2 + (((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF));
        }
        return markers;
    }

    /** The ARGB at {@code (x, y)} as {a, r, g, b}. */
    public static int[] argb(BufferedImage image, int x, int y) {
        int p = image.getRGB(x, y);
        return new int[] {p >>> 24, (p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
    }

    /** {@link Decode} with the default limits and a generous deadline. */
    public static Decode.Decoded decode(byte[] source) {
        try {
            return Decode.decode(
                    source, RenderLimits.defaults(), Deadline.start(Duration.ofMinutes(5), System::nanoTime));
        } catch (RenderException e) {
            throw new AssertionError(e);
        }
    }

    /** Every pixel as 0xRRGGBB (alpha dropped), row by row. */
    public static int[][] rgb(BufferedImage image) {
        int[][] out = new int[image.getHeight()][image.getWidth()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out[y][x] = image.getRGB(x, y) & 0xFFFFFF;
            }
        }
        return out;
    }

    /** An opaque {@code TYPE_INT_RGB} image from rows of 0xRRGGBB. */
    public static BufferedImage image(int[][] rows) {
        BufferedImage image = new BufferedImage(rows[0].length, rows.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[0].length; x++) {
                image.setRGB(x, y, rows[y][x]);
            }
        }
        return image;
    }

    /**
     * An uncompressed 8-bit RGB TIFF of {@code rows} (0xRRGGBB) carrying EXIF {@code orientation} in IFD0:
     * lossless, so orientation can be checked pixel by pixel end to end.
     */
    public static byte[] tiff(int[][] rows, int orientation) {
        int w = rows[0].length;
        int h = rows.length;
        ByteBuffer b = ByteBuffer.allocate(140 + w * h * 3).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) 10);
        entry(b, 256, 3, 1, w); // ImageWidth
        entry(b, 257, 3, 1, h); // ImageLength
        entry(b, 258, 3, 3, 134); // BitsPerSample 8,8,8, stored at 134
        entry(b, 259, 3, 1, 1); // Compression: none
        entry(b, 262, 3, 1, 2); // Photometric: RGB
        entry(b, 273, 4, 1, 140); // StripOffsets
        entry(b, 274, 3, 1, orientation); // Orientation
        entry(b, 277, 3, 1, 3); // SamplesPerPixel
        entry(b, 278, 3, 1, h); // RowsPerStrip
        entry(b, 279, 4, 1, w * h * 3); // StripByteCounts
        b.putInt(0).putShort((short) 8).putShort((short) 8).putShort((short) 8);
        for (int[] row : rows) {
            for (int rgb : row) {
                b.put((byte) (rgb >> 16)).put((byte) (rgb >> 8)).put((byte) rgb);
            }
        }
        return b.array();
    }

    private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3 && count == 1) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt(value);
        }
    }
}
