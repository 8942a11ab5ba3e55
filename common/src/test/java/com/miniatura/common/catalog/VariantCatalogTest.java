package com.miniatura.common.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.config.InvalidConfigurationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VariantCatalogTest {
    private static final Map<String, String> DEFAULTS =
            Map.of("fit", "inside", "format", "jpeg", "quality", "80", "upscale", "false", "background", "#ffffff");

    record Invalid(String description, Map<String, String> card, List<String> problems) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Invalid> invalidVariants() {
        return Stream.of(
                new Invalid(
                        "quality over 100",
                        Map.of("width", "100", "quality", "150"),
                        List.of("miniatura.variants.card.quality: expected 1..100 or auto but was 150")),
                new Invalid(
                        "quality not a number",
                        Map.of("width", "100", "quality", "high"),
                        List.of("miniatura.variants.card.quality: expected 1..100 or auto but was \"high\"")),
                new Invalid(
                        "zero width",
                        Map.of("width", "0"),
                        List.of("miniatura.variants.card.width: expected a whole number of pixels 1..16384 but was 0")),
                new Invalid(
                        "width too large",
                        Map.of("width", "20000"),
                        List.of(
                                "miniatura.variants.card.width: expected a whole number of pixels 1..16384 but was 20000")),
                new Invalid(
                        "no box at all",
                        Map.of("quality", "80"),
                        List.of("miniatura.variants.card: expected a width or a height (or both) but was neither")),
                new Invalid(
                        "cover needs both sides",
                        Map.of("width", "100", "fit", "cover"),
                        List.of(
                                "miniatura.variants.card.height: expected a value because fit cover needs both width and height but was not set")),
                new Invalid(
                        "contain needs both sides",
                        Map.of("height", "100", "fit", "contain"),
                        List.of(
                                "miniatura.variants.card.width: expected a value because fit contain needs both width and height but was not set")),
                new Invalid(
                        "unknown fit",
                        Map.of("width", "100", "fit", "fill"),
                        List.of(
                                "miniatura.variants.card.fit: expected one of cover, contain, inside but was \"fill\"")),
                new Invalid(
                        "unknown format",
                        Map.of("width", "100", "format", "gif"),
                        List.of(
                                "miniatura.variants.card.format: expected one of jpeg, png, webp, avif but was \"gif\"")),
                new Invalid(
                        "upscale not boolean",
                        Map.of("width", "100", "upscale", "yes"),
                        List.of("miniatura.variants.card.upscale: expected true or false but was \"yes\"")),
                new Invalid(
                        "background not a colour",
                        Map.of("width", "100", "background", "red"),
                        List.of("miniatura.variants.card.background: expected a colour as #rrggbb but was \"red\"")),
                new Invalid(
                        "unknown filter",
                        Map.of("width", "100", "filters[0]", "grayscale", "filters[1]", "sepiaa"),
                        List.of(
                                "miniatura.variants.card.filters[1]: expected one of grayscale, sepia, blur, sharpen, brightness, contrast, watermark but was \"sepiaa\"")),
                new Invalid(
                        "unknown filter type in a map",
                        Map.of("width", "100", "filters[0].type", "glow"),
                        List.of(
                                "miniatura.variants.card.filters[0].type: expected one of grayscale, sepia, blur, sharpen, brightness, contrast, watermark but was \"glow\"")),
                new Invalid(
                        "blur without its sigma",
                        Map.of("width", "100", "filters[0]", "blur"),
                        List.of("miniatura.variants.card.filters[0].sigma: expected a number 0.3..50 but was not set")),
                new Invalid(
                        "blur sigma out of range",
                        Map.of("width", "100", "filters[0].type", "blur", "filters[0].sigma", "80"),
                        List.of("miniatura.variants.card.filters[0].sigma: expected a number 0.3..50 but was 80")),
                new Invalid(
                        "sharpen amount not a number",
                        Map.of("width", "100", "filters[0].type", "sharpen", "filters[0].amount", "lots"),
                        List.of(
                                "miniatura.variants.card.filters[0].amount: expected a number above 0..10 but was \"lots\"")),
                new Invalid(
                        "brightness factor negative",
                        Map.of("width", "100", "filters[0].type", "brightness", "filters[0].factor", "-1"),
                        List.of("miniatura.variants.card.filters[0].factor: expected a number 0..4 but was -1")),
                new Invalid(
                        "parameter on a filter that takes none",
                        Map.of("width", "100", "filters[0].type", "sepia", "filters[0].sigma", "1"),
                        List.of("miniatura.variants.card.filters[0].sigma: unknown key (sepia takes no parameters)")),
                new Invalid(
                        "misspelt filter parameter",
                        Map.of(
                                "width",
                                "100",
                                "filters[0].type",
                                "blur",
                                "filters[0].sigma",
                                "1",
                                "filters[0].radius",
                                "2"),
                        List.of(
                                "miniatura.variants.card.filters[0].radius: unknown key (expected one of type, sigma)")),
                new Invalid(
                        "watermark without a source, opacity over 1, position content-aware",
                        Map.of(
                                "width",
                                "100",
                                "filters[0].type",
                                "watermark",
                                "filters[0].opacity",
                                "1.5",
                                "filters[0].position",
                                "attention"),
                        List.of(
                                "miniatura.variants.card.filters[0].opacity: expected a number above 0..1 but was 1.5",
                                "miniatura.variants.card.filters[0].source: expected an image location as classpath:path or file:/path but was not set",
                                "miniatura.variants.card.filters[0].position: expected center or a compass point (north, north-east, east, south-east, south, south-west, west, north-west) but was \"attention\"")),
                new Invalid(
                        "unknown gravity",
                        Map.of("width", "100", "height", "100", "fit", "cover", "gravity", "top"),
                        List.of(
                                "miniatura.variants.card.gravity: expected one of center, north, north-east, east, south-east, south, south-west, west, north-west, attention, entropy but was \"top\"")),
                new Invalid(
                        "gravity without cover",
                        Map.of("width", "100", "gravity", "north"),
                        List.of(
                                "miniatura.variants.card.gravity: only applies to fit cover (this variant's fit is inside)")),
                new Invalid(
                        "rotate by 45",
                        Map.of("width", "100", "rotate", "45"),
                        List.of(
                                "miniatura.variants.card.rotate: expected one of 0, 90, 180, 270 (degrees clockwise) but was 45")),
                new Invalid(
                        "flip not boolean",
                        Map.of("width", "100", "flip", "maybe"),
                        List.of("miniatura.variants.card.flip: expected true or false but was \"maybe\"")),
                new Invalid(
                        "unknown chroma subsampling",
                        Map.of("width", "100", "chroma-subsampling", "4:1:1"),
                        List.of(
                                "miniatura.variants.card.chroma-subsampling: expected one of 4:2:0, 4:2:2, 4:4:4 but was \"4:1:1\"")),
                new Invalid(
                        "JPEG options on a PNG",
                        Map.of("width", "100", "format", "png", "progressive", "true", "chroma-subsampling", "4:4:4"),
                        List.of(
                                "miniatura.variants.card.progressive: only applies to format jpeg (this variant's format is png)",
                                "miniatura.variants.card.chroma-subsampling: only applies to format jpeg (this variant's format is png)")),
                new Invalid(
                        "lossless on a JPEG",
                        Map.of("width", "100", "lossless", "true"),
                        List.of(
                                "miniatura.variants.card.lossless: only applies to format webp (this variant's format is jpeg)")),
                new Invalid(
                        "keep-copyright not boolean",
                        Map.of("width", "100", "keep-copyright", "1"),
                        List.of("miniatura.variants.card.keep-copyright: expected true or false but was \"1\"")),
                new Invalid(
                        "misspelt key",
                        Map.of("width", "100", "qualty", "80"),
                        List.of(
                                "miniatura.variants.card.qualty: unknown key (expected one of enabled, width, height, fit, gravity, rotate, flip, flop, upscale, background, filters, format, formats, quality, ssim-target, min-quality, max-quality, progressive, chroma-subsampling, lossless, keep-copyright)")),
                new Invalid(
                        "every problem at once",
                        Map.of("width", "-5", "quality", "0", "fit", "cover", "format", "bmp"),
                        List.of(
                                "miniatura.variants.card.width: expected a whole number of pixels 1..16384 but was -5",
                                "miniatura.variants.card.format: expected one of jpeg, png, webp, avif but was \"bmp\"",
                                "miniatura.variants.card.quality: expected 1..100 or auto but was 0",
                                "miniatura.variants.card.height: expected a value because fit cover needs both width and height but was not set")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidVariants")
    void refusesInvalidVariantNamingEachKey(Invalid c) {
        assertThatThrownBy(() -> VariantCatalog.parse(Map.of("card", c.card()), DEFAULTS))
                .isInstanceOfSatisfying(
                        InvalidConfigurationException.class,
                        e -> assertThat(e.problems()).containsExactlyInAnyOrderElementsOf(c.problems()));
    }

    @Test
    void reportsProblemsOfSeveralVariantsAndDefaultsTogether() {
        Map<String, Map<String, String>> raw = new LinkedHashMap<>();
        raw.put("a", Map.of("width", "x"));
        raw.put("b", Map.of("height", "100"));
        raw.put("Big_Name", Map.of("width", "100"));
        assertThatThrownBy(() -> VariantCatalog.parse(raw, Map.of("quality", "101", "colour", "red")))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .containsExactlyInAnyOrder(
                                    "miniatura.variant-defaults.colour: unknown key (expected one of background, chroma-subsampling, fit, format, gravity, keep-copyright, lossless, max-quality, min-quality, progressive, quality, ssim-target, upscale)",
                                    "miniatura.variants.Big_Name: expected a name of lower-case letters, digits and dashes (at most 32) but was \"Big_Name\"",
                                    "miniatura.variants.a.width: expected a whole number of pixels 1..16384 but was \"x\"",
                                    "miniatura.variants.a.fit: expected one of cover, contain, inside but was not set",
                                    "miniatura.variants.a.format: expected one of jpeg, png, webp, avif but was not set",
                                    "miniatura.variant-defaults.quality: expected 1..100 or auto but was 101",
                                    "miniatura.variants.b.fit: expected one of cover, contain, inside but was not set",
                                    "miniatura.variants.b.format: expected one of jpeg, png, webp, avif but was not set");
                    assertThat(e.getMessage()).startsWith("Invalid Miniatura configuration (8 problems):\n  - ");
                });
    }

    /** A default no variant uses is still checked: a mistake there would otherwise surface only with a new variant. */
    @Test
    void aBadDefaultIsReportedEvenWhenEveryVariantSetsTheKeyItself() {
        Map<String, String> card = Map.of("width", "100", "fit", "inside", "format", "png", "quality", "90");
        assertThatThrownBy(() -> VariantCatalog.parse(
                        Map.of("card", card),
                        Map.of("quality", "101", "fit", "sideways", "upscale", " yes", "background", "red")))
                .isInstanceOfSatisfying(
                        InvalidConfigurationException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "miniatura.variant-defaults.quality: expected 1..100 or auto but was 101",
                                        "miniatura.variant-defaults.fit: expected one of cover, contain, inside but was \"sideways\"",
                                        "miniatura.variant-defaults.upscale: expected true or false but was \"yes\"",
                                        "miniatura.variant-defaults.background: expected a colour as #rrggbb but was \"red\""));
    }

    @Test
    void appliesDefaultsAndOrdersByName() {
        VariantCatalog catalog = VariantCatalog.parse(
                Map.of(
                        "z", Map.of("width", "480"),
                        "a",
                                Map.of(
                                        "width",
                                        "150",
                                        "height",
                                        "150",
                                        "fit",
                                        "cover",
                                        "quality",
                                        "90",
                                        "filters[0]",
                                        "grayscale")),
                DEFAULTS);
        assertThat(catalog.variants())
                .containsExactly(
                        new VariantSpec(
                                "a",
                                150,
                                150,
                                Fit.COVER,
                                OutputFormat.JPEG,
                                90,
                                false,
                                0xFFFFFF,
                                List.of(new Filter.Grayscale())),
                        new VariantSpec("z", 480, null, Fit.INSIDE, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()));
    }

    @Test
    void parsesEveryOption() {
        Map<String, String> card = new LinkedHashMap<>();
        card.put("width", "300");
        card.put("height", "200");
        card.put("fit", "cover");
        card.put("gravity", "attention");
        card.put("rotate", "90");
        card.put("flip", "true");
        card.put("flop", "false");
        card.put("format", "webp");
        card.put("quality", "70");
        card.put("lossless", "true");
        card.put("keep-copyright", "true");
        card.put("filters[0]", "sepia");
        card.put("filters[1].type", "blur");
        card.put("filters[1].sigma", "1.50");
        card.put("filters[2].type", "sharpen");
        card.put("filters[3].type", "brightness");
        card.put("filters[3].factor", "1.1");
        card.put("filters[4].type", "contrast");
        card.put("filters[4].factor", "0.9");
        card.put("filters[5].type", "watermark");
        card.put("filters[5].source", "classpath:watermarks/logo.png");
        card.put("filters[5].position", "north-west");
        card.put("filters[10]", "grayscale"); // list order is numeric, not textual
        Map<String, String> jpeg = Map.of("width", "100", "progressive", "true", "chroma-subsampling", "4:4:4");
        VariantCatalog catalog = VariantCatalog.parse(Map.of("card", card, "jpeg", jpeg), DEFAULTS);

        assertThat(catalog.find("card"))
                .contains(new VariantSpec(
                        "card",
                        300,
                        200,
                        Fit.COVER,
                        Gravity.ATTENTION,
                        90,
                        true,
                        false,
                        false,
                        0xFFFFFF,
                        List.of(
                                new Filter.Sepia(),
                                new Filter.Blur(1.5),
                                new Filter.Sharpen(1.0, 1.0),
                                new Filter.Brightness(1.1),
                                new Filter.Contrast(0.9),
                                new Filter.Watermark(
                                        "classpath:watermarks/logo.png", Gravity.NORTH_WEST, 0.5, 0.25, 0.02),
                                new Filter.Grayscale()),
                        OutputFormat.WEBP,
                        70,
                        false,
                        ChromaSubsampling.S420,
                        true,
                        true));
        assertThat(catalog.find("jpeg")).get().satisfies(spec -> {
            assertThat(spec.progressive()).isTrue();
            assertThat(spec.chromaSubsampling()).isEqualTo(ChromaSubsampling.S444);
            assertThat(spec.gravity()).isEqualTo(Gravity.CENTER);
            assertThat(spec.rotate()).isZero();
        });
        assertThat(catalog.find("card").orElseThrow().canonical())
                .isEqualTo("r3;w=300;h=200;fit=cover;gravity=attention;"
                        + "rotate=90;flip=true;flop=false;upscale=false;bg=ffffff;filters=sepia,blur(sigma=1.5),"
                        + "sharpen(sigma=1,amount=1),brightness(factor=1.1),contrast(factor=0.9),"
                        + "watermark(source=classpath:watermarks/logo.png,position=north-west,opacity=0.5,scale=0.25,margin=0.02),"
                        + "grayscale;format=webp;q=70;progressive=false;chroma=4:2:0;lossless=true;copyright=true");
    }

    @Test
    void encodingDefaultsComeFromVariantDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>(DEFAULTS);
        defaults.put("progressive", "true");
        defaults.put("lossless", "true"); // a default that only some formats use is not an error
        VariantCatalog catalog = VariantCatalog.parse(Map.of("a", Map.of("width", "100")), defaults);
        assertThat(catalog.variants().get(0).progressive()).isTrue();
    }

    @Test
    void disabledVariantsAreLeftOutButAnEmptyCatalogIsRefused() {
        VariantCatalog catalog = VariantCatalog.parse(
                Map.of("a", Map.of("width", "100"), "b", Map.of("width", "100", "enabled", "false")), DEFAULTS);
        assertThat(catalog.variants()).extracting(VariantSpec::name).containsExactly("a");
        assertThatThrownBy(() -> VariantCatalog.parse(Map.of("b", Map.of("enabled", "false")), DEFAULTS))
                .hasMessageContaining("miniatura.variants: expected at least one enabled variant but was none");
    }

    @Test
    void specHashChangesWithEveryRenderingInputButNotTheName() {
        VariantSpec base = new VariantSpec("a", 150, 150, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of());
        assertThat(base.specHash())
                .hasSize(16)
                .isEqualTo(new VariantSpec(
                                "renamed", 150, 150, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of())
                        .specHash());
        List<VariantSpec> changed = List.of(
                new VariantSpec("a", 151, 150, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 151, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 150, Fit.CONTAIN, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 150, Fit.COVER, OutputFormat.PNG, 80, false, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 150, Fit.COVER, OutputFormat.JPEG, 81, false, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 150, Fit.COVER, OutputFormat.JPEG, 80, true, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 150, Fit.COVER, OutputFormat.JPEG, 80, false, 0x000000, List.of()),
                new VariantSpec(
                        "a",
                        150,
                        150,
                        Fit.COVER,
                        OutputFormat.JPEG,
                        80,
                        false,
                        0xFFFFFF,
                        List.of(new Filter.Grayscale())),
                base.withGravity(Gravity.ENTROPY),
                base.withTurn(90, false, false),
                base.withTurn(0, true, false),
                base.withTurn(0, false, true),
                base.withFilters(List.of(new Filter.Blur(1))),
                base.withFilters(List.of(new Filter.Blur(1.25))),
                base.withEncoding(OutputFormat.JPEG, 80, true, ChromaSubsampling.S420, false),
                base.withEncoding(OutputFormat.JPEG, 80, false, ChromaSubsampling.S444, false),
                base.withEncoding(OutputFormat.WEBP, 80, false, ChromaSubsampling.S420, false),
                base.withEncoding(OutputFormat.WEBP, 80, false, ChromaSubsampling.S420, true),
                base.withKeepCopyright(true),
                base.withAutoQuality(new AutoQuality(0.96, 50, 80)),
                base.withAutoQuality(new AutoQuality(0.97, 50, 80)),
                base.withAutoQuality(new AutoQuality(0.96, 40, 80)),
                base.withAutoQuality(new AutoQuality(0.96, 50, 90)));
        assertThat(changed)
                .extracting(VariantSpec::specHash)
                .doesNotContain(base.specHash())
                .doesNotHaveDuplicates();
    }
}
