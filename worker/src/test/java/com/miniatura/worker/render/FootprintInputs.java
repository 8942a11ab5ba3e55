package com.miniatura.worker.render;

import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.filter.ToSrgb;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.imageio.IIOImage;
import javax.imageio.ImageWriteParam;

/**
 * One source of each kind the memory model distinguishes (decoder, colour model, bit depth, alpha), made from a
 * real 8 MP phone photo so the encoded sizes are realistic; written once under {@code target/footprint/}.
 */
final class FootprintInputs {

    /** A source and whether libjpeg-turbo should decode it (when installed). */
    record Kind(String name, String file, boolean useNative) {}

    private FootprintInputs() {}

    static final Path DIR = Path.of("target", "footprint");

    /** The kinds, each written to {@link #DIR} if not there yet. */
    static List<Kind> kinds() {
        Map<String, Supplier<byte[]>> makers = new LinkedHashMap<>();
        makers.put("photo.jpg", () -> RenderTestSupport.fixture("photos/iphone_hdr_NO.jpg"));
        makers.put("progressive.jpg", () -> SyntheticInputs.jpeg(photo(), true));
        makers.put(
                "p3.jpg",
                () -> SyntheticInputs.withIccProfile(
                        SyntheticInputs.jpeg(photo(), false),
                        SyntheticInputs.matrixProfile("P3", SyntheticInputs.DISPLAY_P3, 0),
                        65519));
        makers.put("gray.jpg", () -> SyntheticInputs.jpeg(convert(photo(), BufferedImage.TYPE_BYTE_GRAY), false));
        makers.put("cmyk.jpg", () -> RenderTestSupport.fixture("color/Channel_digital_image_CMYK_color.jpg"));
        makers.put("rgb.png", () -> SyntheticInputs.png(photo()));
        makers.put("rgba.png", () -> SyntheticInputs.png(withAlpha(photo())));
        makers.put("rgb16.png", () -> SyntheticInputs.png(rgb16(photo())));
        makers.put("gray16.png", () -> SyntheticInputs.png(gray16(photo())));
        makers.put("palette.png", () -> SyntheticInputs.png(convert(photo(), BufferedImage.TYPE_BYTE_INDEXED)));
        makers.put(
                "interlaced.png",
                () -> SyntheticInputs.write(
                        () -> new IIOImage(photo(), null, null),
                        "png",
                        SyntheticInputs.JDK,
                        p -> p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT)));
        makers.put("palette.gif", () -> SyntheticInputs.gif(convert(photo(), BufferedImage.TYPE_BYTE_INDEXED)));
        makers.put("lossy.webp", () -> SyntheticInputs.webp(photo(), false));
        makers.put("lossless-alpha.webp", () -> SyntheticInputs.webp(withAlpha(half(photo())), true));
        makers.put("rgb.bmp", () -> SyntheticInputs.bmp(photo()));
        makers.put("rgb.tiff", () -> SyntheticInputs.tiff(photo()));
        try {
            Files.createDirectories(DIR);
            List<Kind> kinds = new ArrayList<>();
            for (Map.Entry<String, Supplier<byte[]>> maker : makers.entrySet()) {
                Path file = DIR.resolve(maker.getKey());
                if (!Files.exists(file)) {
                    Files.write(file, maker.getValue().get());
                }
                boolean jpeg = maker.getKey().endsWith(".jpg");
                kinds.add(new Kind(maker.getKey(), file.toString(), false));
                if (jpeg) {
                    kinds.add(new Kind(maker.getKey() + " (libjpeg-turbo)", file.toString(), true));
                }
            }
            return kinds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small file of the same format, to load the decoder's classes before measuring. */
    static Path warmup(Kind kind) {
        Path file = DIR.resolve("warmup-" + kind.name().replaceAll("[^a-z0-9.-]", "_"));
        try {
            if (!Files.exists(file)) {
                byte[] source = Files.readAllBytes(Path.of(kind.file()));
                Decode.Decoded decoded = Decode.decode(source, RenderLimits.defaults());
                BufferedImage small = new BufferedImage(
                        64,
                        48,
                        decoded.image().getColorModel().hasAlpha()
                                ? BufferedImage.TYPE_INT_ARGB
                                : BufferedImage.TYPE_INT_RGB);
                Graphics2D g = small.createGraphics();
                g.drawImage(ToSrgb.apply(decoded.image()), 0, 0, 64, 48, null);
                g.dispose();
                String format = decoded.format();
                Files.write(
                        file,
                        switch (format) {
                            case "jpeg" -> SyntheticInputs.jpeg(small, false);
                            case "webp" -> SyntheticInputs.webp(small, false);
                            case "tiff" -> SyntheticInputs.tiff(small);
                            default -> SyntheticInputs.write(small, format, SyntheticInputs.JDK);
                        });
            }
            return file;
        } catch (IOException | RenderException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BufferedImage photo;

    private static synchronized BufferedImage photo() {
        if (photo == null) {
            try {
                photo = ToSrgb.apply(
                        Decode.decode(RenderTestSupport.fixture("photos/iphone_hdr_NO.jpg"), RenderLimits.defaults())
                                .image());
            } catch (RenderException e) {
                throw new IllegalStateException(e);
            }
        }
        return photo;
    }

    private static BufferedImage convert(BufferedImage image, int type) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
        Graphics2D g = out.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage half(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth() / 2, image.getHeight() / 2, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(image, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }

    private static BufferedImage withAlpha(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_4BYTE_ABGR);
        Graphics2D g = out.createGraphics();
        g.setComposite(AlphaComposite.Src);
        g.drawImage(image, 0, 0, null);
        g.dispose();
        WritableRaster alpha = out.getAlphaRaster();
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                alpha.setSample(x, y, 0, (x + y) % 256);
            }
        }
        return out;
    }

    private static BufferedImage rgb16(BufferedImage image) {
        BufferedImage out = SyntheticInputs.rgb16Patches();
        out = new BufferedImage(
                out.getColorModel(),
                out.getColorModel().createCompatibleWritableRaster(image.getWidth(), image.getHeight()),
                false,
                null);
        WritableRaster raster = out.getRaster();
        int[] rgb = new int[3];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                rgb[0] = ((p >> 16) & 0xFF) * 257;
                rgb[1] = ((p >> 8) & 0xFF) * 257;
                rgb[2] = (p & 0xFF) * 257;
                raster.setPixel(x, y, rgb);
            }
        }
        return out;
    }

    private static BufferedImage gray16(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = out.getRaster();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                raster.setSample(x, y, 0, ((image.getRGB(x, y) >> 8) & 0xFF) * 257);
            }
        }
        assert raster.getDataBuffer().getDataType() == DataBuffer.TYPE_USHORT;
        return out;
    }
}
