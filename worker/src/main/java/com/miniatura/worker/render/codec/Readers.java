package com.miniatura.worker.render.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;

/**
 * The one ImageIO reader used for each supported format, chosen by provider class rather than by whatever
 * order plugins happened to register in (several jars on the classpath offer readers for the same format).
 *
 * <ul>
 *   <li>JPEG: TwelveMonkeys, for CMYK/YCCK, embedded ICC profiles (converted to sRGB as it decodes) and
 *       files the JDK reader rejects;</li>
 *   <li>WebP: TwelveMonkeys, pure Java. The libwebp-backed reader of {@code webp-imageio} (on the classpath
 *       for encoding) runs native code: a hostile file could crash the JVM instead of throwing;</li>
 *   <li>TIFF and BMP: TwelveMonkeys, which reads more compressions and header versions than the JDK's;</li>
 *   <li>PNG and GIF: the JDK's.</li>
 * </ul>
 */
public final class Readers {

    /** Format → provider class name. Names, not classes: the JDK's providers are in a non-exported package. */
    public static final Map<String, String> PROVIDERS = Map.of(
            "jpeg", "com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi",
            "png", "com.sun.imageio.plugins.png.PNGImageReaderSpi",
            "gif", "com.sun.imageio.plugins.gif.GIFImageReaderSpi",
            "webp", "com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi",
            "bmp", "com.twelvemonkeys.imageio.plugins.bmp.BMPImageReaderSpi",
            "tiff", "com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi");

    static {
        // ImageIO discovers plugins once, through the class loader that first touches it. In a packaged
        // application that may not be the one holding the TwelveMonkeys jars, so scan again.
        ImageIO.scanForPlugins();
    }

    private Readers() {}

    /**
     * A new reader for {@code format}. A missing provider is a deployment error (a jar left out), not bad
     * input, so it throws {@link IllegalStateException} rather than refusing the source.
     */
    public static ImageReader create(String format) {
        String provider = PROVIDERS.get(format);
        if (provider == null) {
            throw new IllegalArgumentException("no reader chosen for format " + format);
        }
        Iterator<ImageReaderSpi> spis =
                IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, false);
        while (spis.hasNext()) {
            ImageReaderSpi spi = spis.next();
            if (spi.getClass().getName().equals(provider)) {
                try {
                    return spi.createReaderInstance();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create the " + format + " reader " + provider, e);
                }
            }
        }
        throw new IllegalStateException(
                "ImageIO reader " + provider + " for " + format + " is not registered; is its jar on the classpath?");
    }
}
