package com.miniatura.common.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.config.InvalidConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code quality: auto} in the catalog: its target and bounds, where they come from, and every way to get it wrong. */
class AutoQualityConfigTest {
    private static final Map<String, String> DEFAULTS = Map.of("fit", "inside", "format", "jpeg", "quality", "80");

    private static VariantSpec card(Map<String, String> own, Map<String, String> defaults) {
        return VariantCatalog.parse(Map.of("card", own), defaults).find("card").orElseThrow();
    }

    @Test
    void autoTakesItsTargetAndBoundsFromTheVariant() {
        VariantSpec spec = card(
                Map.of(
                        "width",
                        "300",
                        "quality",
                        "auto",
                        "ssim-target",
                        "0.97",
                        "min-quality",
                        "40",
                        "max-quality",
                        "85"),
                DEFAULTS);
        assertThat(spec.autoQuality()).isEqualTo(new AutoQuality(0.97, 40, 85));
        assertThat(spec.quality())
                .as("the upper bound, what a fixed-quality step would use")
                .isEqualTo(85);
        assertThat(spec.canonical()).contains(";q=auto(ssim>=0.97,40..85);");
    }

    @Test
    void autoTakesWhatTheVariantLeavesOutFromTheDefaultsThenTheBuiltIns() {
        Map<String, String> defaults =
                Map.of("fit", "inside", "format", "jpeg", "quality", "auto", "min-quality", "60");
        assertThat(card(Map.of("width", "300"), defaults).autoQuality()).isEqualTo(new AutoQuality(0.965, 60, 90));
        assertThat(card(Map.of("width", "300", "quality", "75"), defaults).autoQuality())
                .as("a variant's own fixed quality wins over the defaults' auto")
                .isNull();
    }

    @Test
    void aFixedQualityHasNoAutoQuality() {
        VariantSpec spec = card(Map.of("width", "300", "quality", "82"), DEFAULTS);
        assertThat(spec.autoQuality()).isNull();
        assertThat(spec.canonical()).contains(";q=82;");
    }

    record Invalid(String description, Map<String, String> card, Map<String, String> defaults, List<String> problems) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid(
                        "target of 1 (nothing but the same bytes reaches it)",
                        Map.of("width", "300", "quality", "auto", "ssim-target", "1"),
                        DEFAULTS,
                        List.of(
                                "miniatura.variants.card.ssim-target: expected a number above 0.5 and below 1 but was \"1\"")),
                new Invalid(
                        "target not a number",
                        Map.of("width", "300", "quality", "auto", "ssim-target", "high"),
                        DEFAULTS,
                        List.of(
                                "miniatura.variants.card.ssim-target: expected a number above 0.5 and below 1 but was \"high\"")),
                new Invalid(
                        "bounds out of range, both named",
                        Map.of("width", "300", "quality", "auto", "min-quality", "0", "max-quality", "101"),
                        DEFAULTS,
                        List.of(
                                "miniatura.variants.card.min-quality: expected 1..100 but was 0",
                                "miniatura.variants.card.max-quality: expected 1..100 but was 101")),
                new Invalid(
                        "bounds the wrong way round",
                        Map.of("width", "300", "quality", "auto", "min-quality", "90", "max-quality", "60"),
                        DEFAULTS,
                        List.of("miniatura.variants.card.min-quality: expected at most max-quality (60) but was 90")),
                new Invalid(
                        "a bound from the defaults is named by the defaults' key",
                        Map.of("width", "300", "quality", "auto"),
                        Map.of("fit", "inside", "format", "jpeg", "max-quality", "40"),
                        List.of(
                                "miniatura.variant-defaults.max-quality: expected at least min-quality (50) but was 40")),
                new Invalid(
                        "target on a fixed quality would silently do nothing",
                        Map.of("width", "300", "quality", "80", "ssim-target", "0.97"),
                        DEFAULTS,
                        List.of(
                                "miniatura.variants.card.ssim-target: only applies to quality auto (this variant's quality is 80)")),
                new Invalid(
                        "auto on webp",
                        Map.of("width", "300", "quality", "auto", "format", "webp"),
                        DEFAULTS,
                        List.of(
                                "miniatura.variants.card.quality: auto only applies to format jpeg (this variant's format is webp)")),
                new Invalid(
                        "a bad default target is reported even while no variant is auto",
                        Map.of("width", "300"),
                        Map.of("fit", "inside", "format", "jpeg", "ssim-target", "0.2"),
                        List.of(
                                "miniatura.variant-defaults.ssim-target: expected a number above 0.5 and below 1 but was \"0.2\"")));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void refusedNamingTheKey(Invalid c) {
        assertThatThrownBy(() -> VariantCatalog.parse(Map.of("card", c.card()), c.defaults()))
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).problems())
                        .containsExactlyElementsOf(c.problems()));
    }
}
