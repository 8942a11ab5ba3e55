package com.miniatura.worker.render;

import static com.miniatura.worker.render.SyntheticInputs.Entry;
import static com.miniatura.worker.render.SyntheticInputs.afterIhdr;
import static com.miniatura.worker.render.SyntheticInputs.animatedWebp;
import static com.miniatura.worker.render.SyntheticInputs.concat;
import static com.miniatura.worker.render.SyntheticInputs.deflate;
import static com.miniatura.worker.render.SyntheticInputs.exif;
import static com.miniatura.worker.render.SyntheticInputs.gifFrames;
import static com.miniatura.worker.render.SyntheticInputs.gifOnScreen;
import static com.miniatura.worker.render.SyntheticInputs.iccpChunk;
import static com.miniatura.worker.render.SyntheticInputs.insertAfterSoi;
import static com.miniatura.worker.render.SyntheticInputs.pngChunk;
import static com.miniatura.worker.render.SyntheticInputs.segment;
import static com.miniatura.worker.render.SyntheticInputs.tiffStructure;
import static com.miniatura.worker.render.SyntheticInputs.webpWith;

import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the committed seed corpora of the image fuzz tests (docs/fuzzing.md): tiny files of every format and
 * container feature the readers walk, written by real encoders (JDK, TwelveMonkeys, libwebp) from a photo shrunk
 * to a few pixels, plus the byte-level variants {@link SyntheticInputs} builds (EXIF, ICC, animation, pages).
 * Not part of the build: run it when the seeds need regenerating, then commit what changed:
 *
 * <pre>./mvnw -B -ntp -pl worker -am test -Dtest=FuzzSeeds -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.writeSeeds=true -Dfuzz.skip</pre>
 *
 * Crash inputs that fuzzing found live next to these seeds under their own names ({@code crash-*}, or a name
 * saying what they are) and are kept: only the files this class names are overwritten.
 */
@EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
class FuzzSeeds {

    private static final Path RESOURCES = Paths.get("src/test/resources/com/miniatura/worker/render");

    @Test
    void write() throws IOException {
        Map<String, byte[]> seeds = seeds();
        write(seeds, "SniffFuzzTestInputs/format", name -> true);
        write(seeds, "TruncationFuzzTestInputs/endsEarly", name -> !name.startsWith("other-"));
        write(seeds, "DecodeFuzzTestInputs/decode", name -> !name.startsWith("other-"));
        write(
                seeds,
                "FramesFuzzTestInputs/walk",
                name -> name.startsWith("gif-")
                        || name.startsWith("webp-")
                        || name.startsWith("tiff-")
                        || name.startsWith("png-apng")
                        || name.equals("png-rgb.png"));
        write(
                seeds,
                "ExifFuzzTestInputs/read",
                name -> name.contains("exif")
                        || name.startsWith("tiff-")
                        || name.equals("jpeg-baseline.jpg")
                        || name.equals("png-rgb.png"));
        write(seeds, "IccFuzzTestInputs/fromPng", name -> name.startsWith("png-"));
        write(seeds, "JpegHeaderFuzzTestInputs/parse", name -> name.startsWith("jpeg-"));
    }

    private static void write(Map<String, byte[]> seeds, String dir, Predicate<String> which) throws IOException {
        Path target = RESOURCES.resolve(dir);
        Files.createDirectories(target);
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            if (which.test(seed.getKey())) {
                Files.write(target.resolve(seed.getKey()), seed.getValue());
            }
        }
    }

    static Map<String, byte[]> seeds() throws IOException {
        BufferedImage photo = photo(24, 16);
        BufferedImage small = photo(8, 6);
        BufferedImage argb = withAlpha(photo);
        BufferedImage palette = palette(photo);
        BufferedImage gray = convert(photo, BufferedImage.TYPE_BYTE_GRAY);
        byte[] p3 = SyntheticInputs.matrixProfile("Display P3", SyntheticInputs.DISPLAY_P3, 2.2);
        byte[] exifLittle = exif(true, 6, SyntheticInputs.text("© Fotógrafa\0Editor", StandardCharsets.UTF_8));
        byte[] exifBig = exif(false, 8, SyntheticInputs.text("Copyright 2024 Example", StandardCharsets.US_ASCII));

        Map<String, byte[]> seeds = new LinkedHashMap<>();
        // JPEG: baseline (JFIF), progressive, gray, EXIF (APP1), ICC (APP2, split in two), CMYK (Adobe APP14), a
        // lossless frame header (refused by FormatSniffer), cut short
        byte[] jpeg = SyntheticInputs.jpeg(photo, false);
        seeds.put("jpeg-baseline.jpg", jpeg);
        seeds.put("jpeg-progressive.jpg", SyntheticInputs.jpeg(photo, true));
        seeds.put("jpeg-gray.jpg", SyntheticInputs.jpeg(gray, false));
        seeds.put(
                "jpeg-exif.jpg",
                insertAfterSoi(
                        SyntheticInputs.jpeg(small, false),
                        segment(0xE1, concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), exifBig))));
        seeds.put("jpeg-icc.jpg", SyntheticInputs.withIccProfile(SyntheticInputs.jpeg(small, false), p3, 300));
        seeds.put("jpeg-cmyk.jpg", SyntheticInputs.cmykJpeg(false, null));
        seeds.put("jpeg-lossless-sof3.jpg", SyntheticInputs.withSof(SyntheticInputs.jpeg(small, false), 0xC3));
        seeds.put("jpeg-truncated.jpg", Arrays.copyOf(jpeg, jpeg.length / 2));

        // PNG: RGB, RGBA, palette with a transparent entry, 8-bit gray, iCCP, eXIf, zTXt, sRGB before iCCP, an
        // APNG frame count, cut short
        byte[] png = SyntheticInputs.png(photo);
        seeds.put("png-rgb.png", png);
        seeds.put("png-rgba.png", SyntheticInputs.png(argb));
        seeds.put("png-palette.png", SyntheticInputs.png(palette));
        seeds.put("png-gray.png", SyntheticInputs.png(gray));
        byte[] smallPng = SyntheticInputs.png(small);
        seeds.put("png-iccp.png", afterIhdr(smallPng, iccpChunk(p3)));
        seeds.put("png-exif.png", afterIhdr(smallPng, pngChunk("eXIf", exifLittle)));
        seeds.put(
                "png-ztxt.png",
                afterIhdr(
                        smallPng,
                        pngChunk(
                                "zTXt",
                                concat(
                                        "Comment\0\0".getBytes(StandardCharsets.ISO_8859_1),
                                        deflate("a tiny seed".getBytes(StandardCharsets.US_ASCII))))));
        seeds.put("png-srgb-iccp.png", afterIhdr(smallPng, pngChunk("sRGB", new byte[] {0}), iccpChunk(p3)));
        seeds.put("png-apng.png", SyntheticInputs.apng(smallPng, 3));
        seeds.put("png-truncated.png", Arrays.copyOf(png, png.length - 20));

        // GIF: still (JDK writer), animated (three frames with graphic control extensions), a frame off the
        // corner of a larger logical screen, cut short
        byte[] gif = SyntheticInputs.gif(palette);
        seeds.put("gif-still.gif", gif);
        seeds.put("gif-animated.gif", gifFrames(3));
        seeds.put("gif-onscreen.gif", gifOnScreen(SyntheticInputs.gif(palette(small)), 12, 10, 3, 2));
        seeds.put("gif-truncated.gif", Arrays.copyOf(gif, gif.length - 10));

        // WebP: lossy (VP8), lossless (VP8L), lossy with alpha (VP8X + ALPH), animated (ANMF), VP8X with EXIF,
        // VP8X with ICC and EXIF, cut short
        byte[] lossy = SyntheticInputs.webp(photo, false);
        seeds.put("webp-lossy.webp", lossy);
        seeds.put("webp-lossless.webp", SyntheticInputs.webp(photo, true));
        seeds.put("webp-alpha.webp", SyntheticInputs.webp(argb, false));
        seeds.put("webp-animated.webp", animatedWebp(3));
        byte[] smallLossy = SyntheticInputs.webp(small, false);
        seeds.put("webp-vp8x-exif.webp", webpWith(smallLossy, small.getWidth(), small.getHeight(), null, exifLittle));
        seeds.put("webp-vp8x-icc-exif.webp", webpWith(smallLossy, small.getWidth(), small.getHeight(), p3, exifBig));
        seeds.put("webp-truncated.webp", Arrays.copyOf(lossy, lossy.length - 16));

        // BMP: 24-bit, 8-bit palette, cut short
        byte[] bmp = SyntheticInputs.bmp(small);
        seeds.put("bmp-24.bmp", bmp);
        seeds.put("bmp-palette.bmp", SyntheticInputs.bmp(palette(small)));
        seeds.put("bmp-truncated.bmp", Arrays.copyOf(bmp, bmp.length - 30));

        // TIFF: TwelveMonkeys uncompressed and LZW, hand-made with EXIF tags in IFD0 (both byte orders), three
        // pages, a DNG (refused by FormatSniffer), cut short
        byte[] tiff = SyntheticInputs.tiff(small);
        seeds.put("tiff-rgb.tif", tiff);
        seeds.put(
                "tiff-lzw.tif",
                SyntheticInputs.write(
                        () -> new IIOImage(small, null, null), "tiff", SyntheticInputs.TWELVEMONKEYS, p -> {
                            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                            p.setCompressionType("LZW");
                        }));
        seeds.put("tiff-exif-le.tif", exifLittle);
        seeds.put("tiff-exif-be.tif", exifBig);
        seeds.put("tiff-pages.tif", SyntheticInputs.tiffPages(3));
        seeds.put(
                "tiff-dng.tif",
                tiffStructure(true, List.of(List.of(new Entry(0xC612, 1, 4, new byte[] {1, 4, 0, 0}))), null));
        seeds.put("tiff-truncated.tif", Arrays.copyOf(tiff, tiff.length - 40));

        // What FormatSniffer names and refuses
        seeds.put(
                "other-svg.svg",
                "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>\n"
                        .getBytes(StandardCharsets.UTF_8));
        seeds.put(
                "other-html.html",
                "<!DOCTYPE html>\n<html><body><svg></svg></body></html>\n".getBytes(StandardCharsets.UTF_8));
        seeds.put("other-text.txt", "\uFEFFnot an image, just text\n".getBytes(StandardCharsets.UTF_8));
        seeds.put("other-pdf.pdf", "%PDF-1.7\n%\u00e2\u00e3\n".getBytes(StandardCharsets.ISO_8859_1));
        seeds.put(
                "other-avif.avif",
                concat(new byte[] {0, 0, 0, 0x1C}, "ftypavif\0\0\0\0avifmif1miaf".getBytes(StandardCharsets.US_ASCII)));
        seeds.put(
                "other-heic.heic",
                concat(new byte[] {0, 0, 0, 0x18}, "ftypheic\0\0\0\0mif1heic".getBytes(StandardCharsets.US_ASCII)));
        seeds.put("other-jxl.jxl", new byte[] {(byte) 0xFF, 0x0A, (byte) 0xFA, 0x7F});
        seeds.put("other-jp2.jp2", new byte[] {0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, (byte) 0x87, 0x0A});
        seeds.put("other-bigtiff.tif", new byte[] {'I', 'I', 0x2B, 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0});
        seeds.put("other-ico.ico", new byte[] {0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0});
        seeds.put("other-psd.psd", "8BPS\0\1".getBytes(StandardCharsets.US_ASCII));
        seeds.put("other-gzip.gz", deflateGzip());
        seeds.put("other-zip.zip", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0});
        return seeds;
    }

    /** A photo of the shared fixtures shrunk to {@code width × height}, or a gradient where they are absent. */
    private static BufferedImage photo(int width, int height) throws IOException {
        BufferedImage source = null;
        String fixtures = System.getProperty("miniatura.fixtures");
        if (fixtures != null) {
            File flowers = new File(fixtures, "catalog/flowers-1024.jpg");
            if (flowers.isFile()) {
                source = ImageIO.read(flowers);
            }
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        if (source == null) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    out.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 0x60);
                }
            }
            return out;
        }
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(source.getScaledInstance(width, height, Image.SCALE_AREA_AVERAGING), 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage withAlpha(BufferedImage rgb) {
        BufferedImage out = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int alpha = 255 * x / Math.max(1, rgb.getWidth() - 1);
                out.setRGB(x, y, alpha << 24 | (rgb.getRGB(x, y) & 0xFFFFFF));
            }
        }
        return out;
    }

    /** {@code rgb} through a 16-entry palette whose last entry is transparent. */
    private static BufferedImage palette(BufferedImage rgb) {
        byte[] r = new byte[16];
        byte[] g = new byte[16];
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) (i * 17);
            g[i] = (byte) (255 - i * 17);
            b[i] = (byte) (i * 8 + 64);
        }
        IndexColorModel icm = new IndexColorModel(8, 16, r, g, b, 15);
        BufferedImage out = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, icm);
        Graphics2D graphics = out.createGraphics();
        graphics.drawImage(rgb, 0, 0, null);
        graphics.dispose();
        return out;
    }

    private static BufferedImage convert(BufferedImage image, int type) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
        Graphics2D g = out.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return out;
    }

    private static byte[] deflateGzip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write("seed".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }
}
