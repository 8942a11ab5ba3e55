package com.miniatura.worker;

import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.config.Problems;
import com.miniatura.worker.render.Watermarks;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Loads every watermark the catalog refers to, once, at startup, so that the renderer does no I/O and a
 * missing or broken logo stops the worker before it takes any job instead of failing every render.
 *
 * <p>Each distinct {@code source} is read once and reported under the key of its first use, e.g.
 * {@code miniatura.variants.card.filters[1].source: cannot read classpath:watermarks/logo.png (not found)}.
 * Every problem is reported, not only the first. The byte and pixel caps keep a mistaken path (a
 * photo, a decompression bomb) from costing the worker its memory: the pixel size is read from the
 * header before anything is decoded.
 */
public final class WatermarkLoader {

    /** Largest watermark file read. */
    public static final int MAX_BYTES = 10 * 1024 * 1024;
    /** Largest watermark side in pixels: far above any sensible logo, far below a bomb. */
    public static final int MAX_SIDE = 4096;

    private static final String CLASSPATH = "classpath:";
    private static final String FILE = "file:";

    static {
        // as in Decode: ImageIO may have scanned for plugins through another class loader than the one
        // holding the TwelveMonkeys readers (WebP, CMYK JPEG) in a packaged application
        ImageIO.scanForPlugins();
    }

    private final ClassLoader classLoader;

    /** @param classLoader where {@code classpath:} sources are looked up */
    public WatermarkLoader(ClassLoader classLoader) {
        this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    }

    /** Every distinct watermark source in {@code catalog} → the configuration key of its first use. */
    public static Map<String, String> sources(VariantCatalog catalog) {
        Map<String, String> sources = new LinkedHashMap<>();
        for (VariantSpec variant : catalog.variants()) {
            List<Filter> filters = variant.filters();
            for (int i = 0; i < filters.size(); i++) {
                if (filters.get(i) instanceof Filter.Watermark watermark) {
                    sources.putIfAbsent(
                            watermark.source(),
                            VariantCatalog.PREFIX + "." + variant.name() + ".filters[" + i + "].source");
                }
            }
        }
        return sources;
    }

    /**
     * Loads every watermark of {@code catalog}, adding one problem per source that cannot be used.
     *
     * @return the watermarks that loaded (all of them when {@code problems} gained nothing)
     */
    public Watermarks load(VariantCatalog catalog, Problems problems) {
        Map<String, BufferedImage> images = new LinkedHashMap<>();
        sources(catalog).forEach((source, key) -> {
            try {
                images.put(source, Watermarks.toArgb(decode(read(source))));
            } catch (Unusable e) {
                problems.add(key, "cannot read " + source + " (" + e.getMessage() + ")");
            }
        });
        return Watermarks.of(images);
    }

    /** Why a source cannot be used, in the words of the problem message. */
    private static final class Unusable extends Exception {
        Unusable(String reason) {
            super(reason, null, false, false);
        }
    }

    private byte[] read(String source) throws Unusable {
        if (source.startsWith(CLASSPATH)) {
            String path = source.substring(CLASSPATH.length());
            URL resource = classLoader.getResource(path.startsWith("/") ? path.substring(1) : path);
            if (resource == null) {
                throw new Unusable("not found");
            }
            try (InputStream in = resource.openStream()) {
                return readCapped(in);
            } catch (IOException e) {
                throw new Unusable(describe(e));
            }
        }
        if (source.startsWith(FILE)) {
            String rest = source.substring(FILE.length());
            Path path;
            try {
                path = rest.startsWith("//") ? Path.of(URI.create(source)) : Path.of(rest);
            } catch (RuntimeException e) {
                throw new Unusable("not a file path");
            }
            if (Files.isDirectory(path)) {
                throw new Unusable("a directory, not a file");
            }
            try (InputStream in = Files.newInputStream(path)) {
                return readCapped(in);
            } catch (NoSuchFileException e) {
                throw new Unusable("not found");
            } catch (IOException e) {
                throw new Unusable(describe(e));
            }
        }
        // the catalog only lets classpath: and file: through
        throw new Unusable("expected classpath: or file:");
    }

    private static byte[] readCapped(InputStream in) throws IOException, Unusable {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = in.read(buffer)) != -1; ) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_BYTES) {
                throw new Unusable("larger than " + MAX_BYTES / (1024 * 1024) + " MB");
            }
        }
        if (out.size() == 0) {
            throw new Unusable("empty");
        }
        return out.toByteArray();
    }

    private static BufferedImage decode(byte[] bytes) throws Unusable {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new Unusable("not an image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width > MAX_SIDE || height > MAX_SIDE) {
                    throw new Unusable(width + "x" + height + " pixels, more than " + MAX_SIDE + "x" + MAX_SIDE);
                }
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new Unusable("not an image");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // decoders throw IOException, and sometimes IllegalArgumentException & co., on damaged data
            throw new Unusable("corrupt image: " + describe(e));
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
