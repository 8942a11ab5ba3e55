package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.testing.Fixtures;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.filter.ToSrgb;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests: every file in the shared fixture folder is rendered with the reference catalog plus a
 * set of feature variants (content-aware crops, turns, filters, WebP), and each output is compared with
 * the reviewed rendering recorded in {@code src/test/resources/goldens/fixtures.tsv} (ImageIO without libjpeg-turbo:
 * {@code fixtures-imageio.tsv}): exact size, a
 * perceptual hash (dHash, 64 bits) within {@value #MAX_HASH_DISTANCE} bits and a 4×4 grid of mean colours
 * within {@value #MAX_CELL_DIFFERENCE} levels per channel — loose enough for an encoder upgrade, tight
 * enough that a wrong crop, a turned or mirrored output or washed-out colours fail. A refused fixture must
 * be refused with exactly the recorded reason.
 *
 * <p>Switches (system properties, e.g. {@code ./mvnw test -pl worker -Dtest=GoldenRenderTest -D...}):
 * <ul>
 *   <li>{@code -Dminiatura.goldens.update=true} rewrites the golden file from the current output (review
 *       the diff and the saved images before committing it);</li>
 *   <li>{@code -Dminiatura.render.save=DIR} saves every output as {@code DIR/<fixture>/<variant>.<ext>}
 *       for inspection.</li>
 * </ul>
 */
class GoldenRenderTest {
    static final int MAX_HASH_DISTANCE = 6;
    static final int MAX_CELL_DIFFERENCE = 10;
    /**
     * The goldens of the decoder in use: libjpeg-turbo's (the production path) or ImageIO's alone. The two render the
     * same pictures within a level on average, but a content-aware crop may land a few pixels apart, and a flat area's
     * gradient bits flip: each path is held to renderings of its own, reviewed side by side.
     */
    private static final Path GOLDEN = Path.of(
            TurboJpeg.load().isPresent()
                    ? "src/test/resources/goldens/fixtures.tsv"
                    : "src/test/resources/goldens/fixtures-imageio.tsv");

    private static final boolean UPDATE = Boolean.getBoolean("miniatura.goldens.update");
    private static final String SAVE = System.getProperty("miniatura.render.save");
    private static final Map<String, List<String>> updated = new TreeMap<>();

    /** The reference catalog (the shipped defaults) plus variants exercising every other option. */
    static List<VariantSpec> catalog() {
        Map<String, Map<String, String>> raw = new LinkedHashMap<>();
        raw.put("s150", Map.of("width", "150", "height", "150", "fit", "cover"));
        raw.put("m300", Map.of("width", "300", "height", "300"));
        raw.put("c480", Map.of("width", "480", "quality", "82"));
        raw.put("d800", Map.of("width", "800", "height", "800", "quality", "85"));
        raw.put("z1600", Map.of("width", "1600", "height", "1600", "quality", "85"));
        raw.put("g150", Map.of("width", "150", "height", "150", "fit", "cover", "filters[0]", "grayscale"));
        raw.put(
                "x-attention",
                Map.of(
                        "width",
                        "160",
                        "height",
                        "90",
                        "fit",
                        "cover",
                        "gravity",
                        "attention",
                        "format",
                        "webp",
                        "quality",
                        "75"));
        raw.put("x-entropy", Map.of("width", "90", "height", "160", "fit", "cover", "gravity", "entropy"));
        raw.put(
                "x-north-east",
                Map.of("width", "120", "height", "120", "fit", "cover", "gravity", "north-east", "format", "png"));
        raw.put(
                "x-turned",
                Map.of("width", "200", "rotate", "90", "flop", "true", "format", "webp", "lossless", "true"));
        raw.put(
                "x-contain",
                Map.of(
                        "width",
                        "200",
                        "height",
                        "120",
                        "fit",
                        "contain",
                        "background",
                        "#203040",
                        "filters[0].type",
                        "blur",
                        "filters[0].sigma",
                        "1.5"));
        raw.put(
                "x-sepia",
                Map.of(
                        "height",
                        "180",
                        "filters[0]",
                        "sepia",
                        "filters[1].type",
                        "sharpen",
                        "filters[2].type",
                        "contrast",
                        "filters[2].factor",
                        "1.2",
                        "progressive",
                        "true",
                        "chroma-subsampling",
                        "4:4:4"));
        return VariantCatalog.parse(raw, Map.of("fit", "inside", "format", "jpeg", "quality", "80"))
                .variants();
    }

    static Stream<String> fixtureFiles() throws IOException {
        Path root = Fixtures.images();
        try (Stream<Path> files = Files.walk(root)) {
            return files
                    .filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().toLowerCase().startsWith("readme"))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureFiles")
    void rendersLikeTheReviewedGolden(String fixture) throws Exception {
        byte[] source = Files.readAllBytes(Path.of(System.getProperty("miniatura.fixtures"), fixture));
        List<String> actual = new ArrayList<>();
        try {
            RenderResult result = new Renderer(RenderLimits.defaults()).render(source, catalog());
            for (RenderedVariant variant : result.variants()) {
                // Decoded with the reader the renderer itself chooses: ImageIO.read would take whichever WebP
                // reader registered first (TwelveMonkeys or libwebp), which changes when plugins are rescanned,
                // and the two decode lossy WebP a few levels apart — enough to flip bits of a hash.
                BufferedImage image = ToSrgb.apply(
                        Decode.decode(variant.bytes(), RenderLimits.defaults()).image());
                actual.add(fixture + "\t" + variant.spec().name() + "\t" + image.getWidth() + "x" + image.getHeight()
                        + "\t" + Signature.dHash(image) + "\t" + Signature.grid(image));
                save(fixture, variant);
            }
        } catch (RenderException e) {
            actual.add(fixture + "\t-\tfailed\t" + e.getMessage());
        }
        if (UPDATE) {
            synchronized (updated) {
                updated.put(fixture, actual);
            }
            return;
        }
        List<String> expected = golden().getOrDefault(fixture, List.of());
        if (expected.isEmpty()) {
            fail("no golden for " + fixture + ": run with -Dminiatura.goldens.update=true and review the output");
        }
        assertThat(actual).as("outputs of %s", fixture).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            compare(expected.get(i), actual.get(i));
        }
    }

    private static void compare(String expectedLine, String actualLine) {
        String[] e = expectedLine.split("\t");
        String[] a = actualLine.split("\t");
        String what = e[0] + " " + e[1];
        assertThat(a[1]).as("%s variant", what).isEqualTo(e[1]);
        assertThat(a[2]).as("%s size or outcome", what).isEqualTo(e[2]);
        if (e[2].equals("failed")) {
            assertThat(a[3]).as("%s reason", what).isEqualTo(e[3]);
            return;
        }
        assertThat(Signature.hashDistance(e[3], a[3]))
                .as("%s dHash distance (golden %s, actual %s)", what, e[3], a[3])
                .isLessThanOrEqualTo(MAX_HASH_DISTANCE);
        assertThat(Signature.gridDifference(e[4], a[4]))
                .as("%s colour grid difference", what)
                .isLessThanOrEqualTo(MAX_CELL_DIFFERENCE);
    }

    private static Map<String, List<String>> golden() throws IOException {
        Map<String, List<String>> lines = new TreeMap<>();
        if (!Files.exists(GOLDEN)) {
            return lines;
        }
        for (String line : Files.readAllLines(GOLDEN, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                lines.computeIfAbsent(line.split("\t")[0], k -> new ArrayList<>())
                        .add(line);
            }
        }
        return lines;
    }

    private static void save(String fixture, RenderedVariant variant) {
        if (SAVE == null) {
            return;
        }
        try {
            Path dir = Path.of(SAVE, fixture.replaceAll("\\.[^.]+$", ""));
            Files.createDirectories(dir);
            Files.write(
                    dir.resolve(variant.spec().name() + "."
                            + variant.spec().format().extension()),
                    variant.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void writeGoldens() throws IOException {
        if (!UPDATE || updated.isEmpty()) {
            return;
        }
        List<String> out = new ArrayList<>();
        out.add("# fixture\tvariant\tsize (or failed)\tdHash (or reason)\t4x4 mean colours — written by "
                + "GoldenRenderTest with -Dminiatura.goldens.update=true; review before committing");
        updated.values().forEach(out::addAll);
        Files.createDirectories(GOLDEN.getParent());
        Files.write(GOLDEN, out, StandardCharsets.UTF_8);
        System.out.println("goldens rewritten: " + GOLDEN.toAbsolutePath() + " (" + (out.size() - 1) + " lines)");
    }
}
