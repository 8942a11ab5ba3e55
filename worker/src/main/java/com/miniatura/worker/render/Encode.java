package com.miniatura.worker.render;

import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Step 7 (per variant): pixels → bytes. No metadata is passed to the writers, so nothing from the source
 * (EXIF, GPS, camera serials, ICC profiles) can leak into an output; the JPEG carries only a JFIF header.
 */
final class Encode {

    private Encode() {
    }

    /**
     * Encodes {@code image} (packed int RGB, or ARGB for formats with alpha) with the variant's format and
     * options; {@code copyright} (may be {@code null}) is written only when the variant keeps it.
     */
    static byte[] apply(BufferedImage image, VariantSpec spec, String copyright) {
        return apply(image, spec.format(), spec.quality());
    }

    static byte[] apply(BufferedImage image, OutputFormat format, int quality) {
        return switch (format) {
            case JPEG -> jpeg(image, quality);
            case PNG -> write(image, "png", null);
            case WEBP -> throw new UnsupportedOperationException("webp output");
        };
    }

    private static byte[] jpeg(BufferedImage image, int quality) {
        return write(image, "jpeg", writer -> {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(Math.max(1, Math.min(100, quality)) / 100f);
            if (param instanceof JPEGImageWriteParam jpeg) {
                jpeg.setOptimizeHuffmanTables(true); // a few % smaller for free; thumbnails are small
            }
            return param;
        });
    }

    private interface Params {
        ImageWriteParam of(ImageWriter writer);
    }

    private static byte[] write(BufferedImage image, String formatName, Params params) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(formatName);
        if (!writers.hasNext()) {
            throw new IllegalStateException("no ImageIO writer for " + formatName);
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, image.getWidth() * image.getHeight() / 4));
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), params == null ? null : params.of(writer));
        } catch (IOException e) {
            throw new UncheckedIOException("encoding " + formatName + " in memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
