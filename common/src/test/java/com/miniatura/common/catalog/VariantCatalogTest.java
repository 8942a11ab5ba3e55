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
                new Invalid("quality over 100", Map.of("width", "100", "quality", "150"),
                        List.of("miniatura.variants.card.quality: expected 1..100 but was 150")),
                new Invalid("quality not a number", Map.of("width", "100", "quality", "high"),
                        List.of("miniatura.variants.card.quality: expected 1..100 but was \"high\"")),
                new Invalid("zero width", Map.of("width", "0"),
                        List.of("miniatura.variants.card.width: expected a whole number of pixels 1..16384 but was 0")),
                new Invalid("width too large", Map.of("width", "20000"),
                        List.of("miniatura.variants.card.width: expected a whole number of pixels 1..16384 but was 20000")),
                new Invalid("no box at all", Map.of("quality", "80"),
                        List.of("miniatura.variants.card: expected a width or a height (or both) but was neither")),
                new Invalid("cover needs both sides", Map.of("width", "100", "fit", "cover"),
                        List.of("miniatura.variants.card.height: expected a value because fit cover needs both width and height but was not set")),
                new Invalid("contain needs both sides", Map.of("height", "100", "fit", "contain"),
                        List.of("miniatura.variants.card.width: expected a value because fit contain needs both width and height but was not set")),
                new Invalid("unknown fit", Map.of("width", "100", "fit", "fill"),
                        List.of("miniatura.variants.card.fit: expected one of cover, contain, inside but was \"fill\"")),
                new Invalid("unknown format", Map.of("width", "100", "format", "gif"),
                        List.of("miniatura.variants.card.format: expected one of jpeg, png but was \"gif\"")),
                new Invalid("upscale not boolean", Map.of("width", "100", "upscale", "yes"),
                        List.of("miniatura.variants.card.upscale: expected true or false but was \"yes\"")),
                new Invalid("background not a colour", Map.of("width", "100", "background", "red"),
                        List.of("miniatura.variants.card.background: expected a colour as #rrggbb but was \"red\"")),
                new Invalid("unknown filter", Map.of("width", "100", "filters[0]", "grayscale", "filters[1]", "sepiaa"),
                        List.of("miniatura.variants.card.filters[1]: expected one of grayscale but was \"sepiaa\"")),
                new Invalid("misspelt key", Map.of("width", "100", "qualty", "80"),
                        List.of("miniatura.variants.card.qualty: unknown key (expected one of enabled, width, height, fit, format, quality, upscale, background, filters)")),
                new Invalid("every problem at once", Map.of("width", "-5", "quality", "0", "fit", "cover", "format", "bmp"),
                        List.of(
                                "miniatura.variants.card.width: expected a whole number of pixels 1..16384 but was -5",
                                "miniatura.variants.card.format: expected one of jpeg, png but was \"bmp\"",
                                "miniatura.variants.card.quality: expected 1..100 but was 0",
                                "miniatura.variants.card.height: expected a value because fit cover needs both width and height but was not set")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidVariants")
    void refusesInvalidVariantNamingEachKey(Invalid c) {
        assertThatThrownBy(() -> VariantCatalog.parse(Map.of("card", c.card()), DEFAULTS))
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
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
                    assertThat(e.problems()).containsExactlyInAnyOrder(
                            "miniatura.variant-defaults.colour: unknown key (expected one of background, fit, format, quality, upscale)",
                            "miniatura.variants.Big_Name: expected a name of lower-case letters, digits and dashes (at most 32) but was \"Big_Name\"",
                            "miniatura.variants.a.width: expected a whole number of pixels 1..16384 but was \"x\"",
                            "miniatura.variants.a.fit: expected one of cover, contain, inside but was not set",
                            "miniatura.variants.a.format: expected one of jpeg, png but was not set",
                            "miniatura.variant-defaults.quality: expected 1..100 but was 101",
                            "miniatura.variants.b.fit: expected one of cover, contain, inside but was not set",
                            "miniatura.variants.b.format: expected one of jpeg, png but was not set");
                    assertThat(e.getMessage()).startsWith("Invalid Miniatura configuration (8 problems):\n  - ");
                });
    }

    @Test
    void appliesDefaultsAndOrdersByName() {
        VariantCatalog catalog = VariantCatalog.parse(Map.of(
                "z", Map.of("width", "480"),
                "a", Map.of("width", "150", "height", "150", "fit", "cover", "quality", "90", "filters[0]", "grayscale")),
                DEFAULTS);
        assertThat(catalog.variants()).containsExactly(
                new VariantSpec("a", 150, 150, Fit.COVER, OutputFormat.JPEG, 90, false, 0xFFFFFF, List.of(new Filter.Grayscale())),
                new VariantSpec("z", 480, null, Fit.INSIDE, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()));
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
        assertThat(base.specHash()).hasSize(16).isEqualTo(
                new VariantSpec("renamed", 150, 150, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()).specHash());
        List<VariantSpec> changed = List.of(
                new VariantSpec("a", 151, 150, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 151, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 150, Fit.CONTAIN, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 150, Fit.COVER, OutputFormat.PNG, 80, false, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 150, Fit.COVER, OutputFormat.JPEG, 81, false, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 150, Fit.COVER, OutputFormat.JPEG, 80, true, 0xFFFFFF, List.of()),
                new VariantSpec("a", 150, 150, Fit.COVER, OutputFormat.JPEG, 80, false, 0x000000, List.of()),
                new VariantSpec("a", 150, 150, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of(new Filter.Grayscale())));
        assertThat(changed).extracting(VariantSpec::specHash).doesNotContain(base.specHash()).doesNotHaveDuplicates();
    }
}
