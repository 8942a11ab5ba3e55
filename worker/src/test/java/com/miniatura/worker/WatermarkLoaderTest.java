package com.miniatura.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.config.Problems;
import com.miniatura.worker.render.Watermarks;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Loading the catalog's watermarks at startup, and reporting every one that cannot be used. */
class WatermarkLoaderTest {

    private static final String LOGO = "classpath:watermarks/logo.png";

    @TempDir
    static Path dir;

    private final WatermarkLoader loader = new WatermarkLoader(getClass().getClassLoader());

    /** logo.png (16×8, committed): left half opaque red, top-right 50% blue, bottom-right transparent. */
    @Test
    void loadsAClasspathPngAsSrgbArgb() {
        Problems problems = new Problems();

        Watermarks watermarks = loader.load(catalog(Map.of("card", List.of(LOGO))), problems);

        assertThat(problems.messages()).isEmpty();
        BufferedImage logo = watermarks.get(LOGO);
        assertThat(logo.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
        assertThat(logo.getWidth()).isEqualTo(16);
        assertThat(logo.getHeight()).isEqualTo(8);
        assertThat(Integer.toHexString(logo.getRGB(0, 0))).isEqualTo("ffff0000");
        assertThat(Integer.toHexString(logo.getRGB(12, 1))).isEqualTo("800000ff");
        assertThat(logo.getRGB(12, 6) >>> 24).isZero();
    }

    /** Both spellings of a file location, and an opaque JPEG-style image that gains an alpha channel. */
    @Test
    void loadsFilesAndConvertsOpaqueImagesToArgb() throws IOException {
        BufferedImage rgb = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(4, 2, 0x336699);
        Path png = dir.resolve("opaque.png");
        ImageIO.write(rgb, "png", png.toFile());
        String plain = "file:" + png;
        String uri = png.toUri().toString(); // file:///...
        Problems problems = new Problems();

        Watermarks watermarks = loader.load(catalog(Map.of("a", List.of(plain), "b", List.of(uri))), problems);

        assertThat(problems.messages()).isEmpty();
        for (String source : List.of(plain, uri)) {
            BufferedImage image = watermarks.get(source);
            assertThat(image.getType()).as(source).isEqualTo(BufferedImage.TYPE_INT_ARGB);
            assertThat(Integer.toHexString(image.getRGB(4, 2))).as(source).isEqualTo("ff336699");
        }
    }

    record Unusable(String label, Function<Path, String> source, String reason) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Unusable> unusable() {
        return Stream.of(
                new Unusable("missing resource", d -> "classpath:watermarks/missing.png", "not found"),
                new Unusable(
                        "resource that is not an image", d -> "classpath:watermarks/not-an-image.png", "not an image"),
                new Unusable("missing file", d -> "file:" + d.resolve("missing.png"), "not found"),
                new Unusable("directory", d -> "file:" + d, "a directory, not a file"),
                new Unusable("empty file", d -> "file:" + write(d, "empty.png", new byte[0]), "empty"),
                new Unusable("text file", d -> "file:" + write(d, "notes.png", "hello".getBytes()), "not an image"),
                new Unusable(
                        "too wide", d -> "file:" + png(d, "wide.png", 4097, 1), "4097x1 pixels, more than 4096x4096"),
                new Unusable(
                        "too tall", d -> "file:" + png(d, "tall.png", 1, 4097), "1x4097 pixels, more than 4096x4096"),
                new Unusable(
                        "too many bytes",
                        d -> "file:" + write(d, "big.png", new byte[10 * 1024 * 1024 + 1]),
                        "larger than 10 MB"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusable")
    void reportsWhyASourceCannotBeUsedUnderItsKey(Unusable u) {
        String source = u.source().apply(dir);
        Problems problems = new Problems();

        loader.load(catalog(Map.of("card", List.of(source))), problems);

        assertThat(problems.messages())
                .containsExactly(
                        "miniatura.variants.card.filters[1].source: cannot read " + source + " (" + u.reason() + ")");
    }

    @Test
    void reportsATruncatedImageAsCorrupt() throws IOException {
        Path whole = png(dir, "whole.png", 64, 64);
        byte[] bytes = Files.readAllBytes(whole);
        String source = "file:" + write(dir, "truncated.png", Arrays.copyOf(bytes, bytes.length / 2));
        Problems problems = new Problems();

        loader.load(catalog(Map.of("card", List.of(source))), problems);

        assertThat(problems.messages())
                .singleElement()
                .asString()
                .startsWith("miniatura.variants.card.filters[1].source: cannot read " + source + " (corrupt image: ");
    }

    /**
     * Every broken source is reported at once, each under the key of its first use (variants in name
     * order, filters in list order); a source shared by several variants is read and reported once.
     */
    @Test
    void reportsEveryProblemOnceUnderItsFirstUse() {
        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("zoom", List.of("classpath:watermarks/gone.png"));
        variants.put("card", List.of(LOGO, "classpath:watermarks/gone.png", "classpath:watermarks/not-an-image.png"));
        variants.put("thumb", List.of("classpath:watermarks/not-an-image.png", "classpath:watermarks/other.png"));
        Problems problems = new Problems();

        Watermarks watermarks = loader.load(catalog(variants), problems);

        assertThat(problems.messages())
                .containsExactly(
                        "miniatura.variants.card.filters[2].source: cannot read classpath:watermarks/gone.png (not found)",
                        "miniatura.variants.card.filters[3].source: cannot read classpath:watermarks/not-an-image.png "
                                + "(not an image)",
                        "miniatura.variants.thumb.filters[2].source: cannot read classpath:watermarks/other.png (not found)");
        assertThat(watermarks.get(LOGO).getWidth())
                .as("the good one still loaded")
                .isEqualTo(16);
    }

    @Test
    void listsEachDistinctSourceWithTheKeyOfItsFirstUse() {
        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("b", List.of("file:/x.png", LOGO));
        variants.put("a", List.of(LOGO));

        assertThat(WatermarkLoader.sources(catalog(variants)))
                .containsExactly(
                        Map.entry(LOGO, "miniatura.variants.a.filters[1].source"),
                        Map.entry("file:/x.png", "miniatura.variants.b.filters[1].source"));
    }

    @Test
    void aCatalogWithoutWatermarksLoadsNothing() {
        Problems problems = new Problems();

        loader.load(catalog(Map.of("card", List.of())), problems);

        assertThat(problems.isEmpty()).isTrue();
    }

    /** Variants 200 wide whose filters are a grayscale (index 0) followed by one watermark per source. */
    private static VariantCatalog catalog(Map<String, List<String>> watermarkSources) {
        Map<String, Map<String, String>> raw = new LinkedHashMap<>();
        watermarkSources.forEach((name, sources) -> {
            Map<String, String> props = new LinkedHashMap<>();
            props.put("width", "200");
            props.put("filters[0]", "grayscale");
            for (int i = 0; i < sources.size(); i++) {
                props.put("filters[" + (i + 1) + "].type", "watermark");
                props.put("filters[" + (i + 1) + "].source", sources.get(i));
            }
            raw.put(name, props);
        });
        return VariantCatalog.parse(raw, Map.of("fit", "inside", "format", "png"));
    }

    private static Path write(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path png(Path dir, String name, int w, int h) {
        try {
            Path path = dir.resolve(name);
            ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB), "png", path.toFile());
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
