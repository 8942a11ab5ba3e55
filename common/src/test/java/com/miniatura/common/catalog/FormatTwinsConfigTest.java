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

/** {@code formats: [jpeg, webp]}: one variant, stored as twins side by side, each with the options of its format. */
class FormatTwinsConfigTest {
    private static final Map<String, String> DEFAULTS = Map.of("fit", "inside", "format", "jpeg", "quality", "80");

    @Test
    void aVariantListingTwoFormatsBecomesTwinsInListOrderWithEachFormatsOwnOptions() {
        List<VariantSpec> specs = VariantCatalog.parse(
                        Map.of(
                                "d800",
                                Map.of(
                                        "width", "800",
                                        "formats[0]", "jpeg",
                                        "formats[1]", "webp",
                                        "progressive", "true",
                                        "lossless", "false",
                                        "quality", "auto")),
                        DEFAULTS)
                .variants();
        assertThat(specs).extracting(VariantSpec::name).containsExactly("d800", "d800");
        assertThat(specs).extracting(VariantSpec::format).containsExactly(OutputFormat.JPEG, OutputFormat.WEBP);
        assertThat(specs).extracting(VariantSpec::progressive).containsExactly(true, false);
        assertThat(specs).extracting(VariantSpec::autoQuality).doesNotContainNull();
        assertThat(specs.get(0).specHash()).isNotEqualTo(specs.get(1).specHash());
        assertThat(VariantCatalog.parse(Map.of("d800", Map.of("width", "800", "formats[0]", "webp")), DEFAULTS)
                        .variants())
                .extracting(VariantSpec::format)
                .containsExactly(OutputFormat.WEBP);
    }

    @Test
    void anAvifTwinOfAFixedQualityIsEncodedAtTheAvifQualityThatLooksLikeTheJpegs() {
        List<VariantSpec> specs = VariantCatalog.parse(
                        Map.of(
                                "d800",
                                Map.of("width", "800", "height", "600", "formats[0]", "jpeg", "formats[1]", "avif"),
                                "a300",
                                Map.of("width", "300", "height", "300", "format", "avif", "quality", "50")),
                        DEFAULTS)
                .variants();
        assertThat(specs)
                .extracting(VariantSpec::name, VariantSpec::format, VariantSpec::quality)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a300", OutputFormat.AVIF, 50),
                        org.assertj.core.groups.Tuple.tuple("d800", OutputFormat.JPEG, 80),
                        org.assertj.core.groups.Tuple.tuple("d800", OutputFormat.AVIF, 62));
        assertThat(specs.get(2).format().contentType()).isEqualTo("image/avif");
    }

    record Invalid(String description, Map<String, String> card, List<String> problems) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid(
                        "format and formats",
                        Map.of("width", "300", "format", "jpeg", "formats[0]", "webp"),
                        List.of("miniatura.variants.card.formats: set format or formats, not both")),
                new Invalid(
                        "an unknown format",
                        Map.of("width", "300", "formats[0]", "jpeg", "formats[1]", "heic"),
                        List.of(
                                "miniatura.variants.card.formats[1]: expected one of jpeg, png, webp, avif but was \"heic\"")),
                new Invalid(
                        "an AVIF box with a side left free, which a panorama would make any size",
                        Map.of("width", "800", "formats[0]", "jpeg", "formats[1]", "avif"),
                        List.of(
                                "miniatura.variants.card.height: expected a value because format avif needs a bounded box but was not set")),
                new Invalid(
                        "an AVIF box larger than an uninterruptible encode may be",
                        Map.of("width", "2049", "height", "5000", "formats[0]", "jpeg", "formats[1]", "avif"),
                        List.of(
                                "miniatura.variants.card.width: expected at most 2048 for format avif but was 2049",
                                "miniatura.variants.card.height: expected at most 2048 for format avif but was 5000")),
                new Invalid(
                        "a format twice",
                        Map.of("width", "300", "formats[0]", "webp", "formats[1]", "webp"),
                        List.of("miniatura.variants.card.formats[1]: webp is listed twice")),
                new Invalid(
                        "progressive with no jpeg among the formats",
                        Map.of("width", "300", "formats[0]", "png", "formats[1]", "webp", "progressive", "true"),
                        List.of(
                                "miniatura.variants.card.progressive: only applies to format jpeg (this variant's formats are png, webp)")),
                new Invalid(
                        "auto with no jpeg to search",
                        Map.of("width", "300", "formats[0]", "webp", "quality", "auto"),
                        List.of(
                                "miniatura.variants.card.quality: auto only applies to format jpeg (this variant's format is webp)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusedNamingTheKey(Invalid c) {
        assertThatThrownBy(() -> VariantCatalog.parse(Map.of("card", c.card()), DEFAULTS))
                .isInstanceOfSatisfying(
                        InvalidConfigurationException.class,
                        e -> assertThat(e.problems()).containsExactlyElementsOf(c.problems()));
    }
}
