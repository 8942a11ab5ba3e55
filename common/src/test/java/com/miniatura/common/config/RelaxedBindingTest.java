package com.miniatura.common.config;

import static com.miniatura.common.testing.Environments.withArguments;
import static com.miniatura.common.testing.Environments.withSystemProperties;
import static com.miniatura.common.testing.Environments.withVariables;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.storage.StorageSettings;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Every setting is reached the ways Spring Boot's own are: {@code application.yml}, {@code --arguments},
 * {@code -D} system properties and environment variables, whose names cannot tell {@code access-key} from
 * {@code access.key}.
 */
class RelaxedBindingTest {
    private static final String DEFAULTS = MiniaturaDefaults.SHARED;

    private static MiniaturaSettings load(StandardEnvironment environment) {
        Problems problems = new Problems();
        MiniaturaSettings settings = MiniaturaSettings.load(environment, problems);
        problems.throwIfAny();
        return settings;
    }

    private static List<String> problems(StandardEnvironment environment) {
        Problems problems = new Problems();
        MiniaturaSettings.load(environment, problems);
        return problems.messages();
    }

    /**
     * The ingest API started with {@code MINIATURA_STORAGE_ACCESS_KEY=bogus} stored uploads with the default
     * {@code minioadmin}: the variable's name maps to {@code access.key}, and the key looked up was
     * {@code access-key}. Kubernetes' Secret miniatura-storage was ignored the same way.
     */
    @Test
    void multiWordSettingsFromEnvironmentVariablesWereIgnored() {
        MiniaturaSettings settings = load(withVariables(
                Map.of(
                        "MINIATURA_STORAGE_ACCESS_KEY", "bogus",
                        "MINIATURA_STORAGE_SECRET_KEY", "bogus-secret",
                        "MINIATURA_STORAGE_ORIGINALS_BUCKET", "seller-originals",
                        "MINIATURA_STORAGE_THUMBNAILS_BUCKET", "seller-thumbnails",
                        "MINIATURA_STORAGE_CACHE_CONTROL", "public, max-age=60",
                        "MINIATURA_STORAGE_CREATE_BUCKETS", "false",
                        "MINIATURA_KAFKA_BULK_TOPIC", "catalog.bulk",
                        "MINIATURA_KAFKA_CREATE_TOPIC", "false"),
                DEFAULTS));
        assertThat(settings.storage())
                .isEqualTo(new StorageSettings(
                        "http://localhost:9000",
                        "us-east-1",
                        "bogus",
                        "bogus-secret",
                        "seller-originals",
                        "seller-thumbnails",
                        "public, max-age=60",
                        false));
        assertThat(settings.kafka()).isEqualTo(new KafkaSettings("miniatura.images", "catalog.bulk", 12, false));
    }

    /** Each way to set {@code miniatura.storage.access-key}, and the value it must give. */
    static Stream<Object[]> everySourceReachesAMultiWordKey() {
        return Stream.<Object[]>of(
                source(
                        "environment variable",
                        () -> withVariables(Map.of("MINIATURA_STORAGE_ACCESS_KEY", "a"), DEFAULTS)),
                source(
                        "environment variable, Spring's canonical form",
                        () -> withVariables(Map.of("MINIATURA_STORAGE_ACCESSKEY", "a"), DEFAULTS)),
                source(
                        "environment variable in lower case",
                        () -> withVariables(Map.of("miniatura_storage_access_key", "a"), DEFAULTS)),
                source(
                        "--argument",
                        () -> withArguments(withVariables(Map.of(), DEFAULTS), "--miniatura.storage.access-key=a")),
                source(
                        "--argument in camel case",
                        () -> withArguments(withVariables(Map.of(), DEFAULTS), "--miniatura.storage.accessKey=a")),
                source(
                        "-D system property",
                        () -> withSystemProperties(
                                withVariables(Map.of(), DEFAULTS), Map.of("miniatura.storage.access-key", "a"))),
                source(
                        "argument over system property over variable",
                        () -> withArguments(
                                withSystemProperties(
                                        withVariables(Map.of("MINIATURA_STORAGE_ACCESS_KEY", "c"), DEFAULTS),
                                        Map.of("miniatura.storage.access-key", "b")),
                                "--miniatura.storage.access-key=a")),
                source(
                        "system property over variable",
                        () -> withSystemProperties(
                                withVariables(Map.of("MINIATURA_STORAGE_ACCESS_KEY", "a"), DEFAULTS),
                                Map.of("miniatura.storage.access-key", "a"))));
    }

    private static Object[] source(String name, Supplier<StandardEnvironment> environment) {
        return new Object[] {name, environment};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void everySourceReachesAMultiWordKey(String name, Supplier<StandardEnvironment> environment) {
        assertThat(load(environment.get()).storage().accessKey()).isEqualTo("a");
    }

    @Test
    void variantsFromEnvironmentVariablesMergeWithTheDefaultsAndReplaceListsWhole() {
        MiniaturaSettings settings = load(withVariables(
                Map.of(
                        "MINIATURA_VARIANTS_S150_QUALITY", "70",
                        "MINIATURA_VARIANTS_Z1600_ENABLED", "false",
                        "MINIATURA_VARIANTS_G150_FILTERS", "sepia,grayscale",
                        "MINIATURA_VARIANTS_CARD_WIDTH", "640",
                        "MINIATURA_VARIANTS_CARD_CHROMA_SUBSAMPLING", "4:4:4",
                        "MINIATURA_VARIANTS_CARD_KEEP_COPYRIGHT", "true",
                        "MINIATURA_VARIANTS_CARD_FILTERS_0_TYPE", "sharpen",
                        "MINIATURA_VARIANTS_CARD_FILTERS_0_SIGMA", "0.8",
                        "MINIATURA_VARIANT_DEFAULTS_QUALITY", "75"),
                DEFAULTS));
        assertThat(settings.catalog().variants())
                .extracting(VariantSpec::name)
                .containsExactly("c480", "card", "d800", "g150", "m300", "s150");
        assertThat(settings.catalog().find("s150").orElseThrow().quality()).isEqualTo(70);
        assertThat(settings.catalog().find("g150").orElseThrow().filters())
                .containsExactly(new Filter.Sepia(), new Filter.Grayscale());
        VariantSpec card = settings.catalog().find("card").orElseThrow();
        assertThat(card.width()).isEqualTo(640);
        assertThat(card.quality()).as("miniatura.variant-defaults.quality").isEqualTo(75);
        assertThat(card.chromaSubsampling()).isEqualTo(ChromaSubsampling.S444);
        assertThat(card.keepCopyright()).isTrue();
        assertThat(card.filters()).containsExactly(new Filter.Sharpen(0.8, 1.0));
    }

    /** The list of the highest-priority source that sets it, whole: an argument's one item, not merged by index. */
    @Test
    void aListFromAHigherPrioritySourceReplacesTheLowerOnesWhole() {
        StandardEnvironment environment = withArguments(
                withVariables(
                        Map.of(
                                "MINIATURA_VARIANTS_G150_FILTERS_0", "sepia",
                                "MINIATURA_VARIANTS_G150_FILTERS_1", "grayscale"),
                        DEFAULTS),
                "--miniatura.variants.g150.filters[0].type=blur",
                "--miniatura.variants.g150.filters[0].sigma=2");
        assertThat(load(environment).catalog().find("g150").orElseThrow().filters())
                .containsExactly(new Filter.Blur(2));
        assertThat(load(withArguments(withVariables(Map.of(), DEFAULTS), "--miniatura.variants.g150.filters="))
                        .catalog()
                        .find("g150")
                        .orElseThrow()
                        .filters())
                .as("emptied")
                .isEmpty();
    }

    /** Spring binds no list with a gap in its numbers: said, rather than the items after the gap dropped silently. */
    @Test
    void aListWithAGapInItsNumbersIsReported() {
        assertThat(problems(withVariables(
                        Map.of(
                                "MINIATURA_VARIANTS_G150_FILTERS_0", "sepia",
                                "MINIATURA_VARIANTS_G150_FILTERS_2", "grayscale"),
                        DEFAULTS)))
                .containsExactly(
                        "miniatura.variants.g150.filters[2]: not read: a list's items are numbered from 0 without a gap");
    }

    /**
     * A misspelt key is reported however it was set; a correctly spelt one never is; one spelt in a form Spring's
     * binder does not read (dashes of the prefix left out, of the key written as _) is told how to write it.
     */
    @Test
    void unknownKeysAreReportedInEveryFormAndKnownOnesNever() {
        assertThat(problems(withVariables(
                        Map.of(
                                "MINIATURA_VARIANTS_CARD_WIDTH", "640",
                                "MINIATURA_VARIANTS_CARD_QUALTY", "80",
                                "MINIATURA_VARIANTS_CARD_CHROMA_SUBSAMPLNG", "444",
                                "MINIATURA_VARIANTS_CARD_WIDTH_0", "1",
                                "MINIATURA_VARIANT_DEFAULTS_WIDTH", "100",
                                "MINIATURA_VARIANTDEFAULTS_KEEP_COPYRIGHT", "true"),
                        DEFAULTS)))
                .containsExactly(
                        "miniatura.variant-defaults.keep-copyright: set as MINIATURA_VARIANTDEFAULTS_KEEP_COPYRIGHT, which "
                                + "Spring does not read: write each dash of the key as _ "
                                + "(MINIATURA_VARIANT_DEFAULTS_KEEP_COPYRIGHT) or leave it out "
                                + "(MINIATURA_VARIANTDEFAULTS_KEEPCOPYRIGHT)",
                        "miniatura.variant-defaults.width: unknown key (expected one of background, chroma-subsampling, "
                                + "fit, format, gravity, keep-copyright, lossless, max-quality, min-quality, progressive, quality, ssim-target, upscale)",
                        "miniatura.variants.card.chroma.subsamplng: unknown key (expected one of " + keys() + ")",
                        "miniatura.variants.card.qualty: unknown key (expected one of " + keys() + ")",
                        "miniatura.variants.card.width[0]: unknown key (expected one of " + keys() + ")");
    }

    @Test
    void everyProblemFromEnvironmentVariablesIsReportedAtOnceNamingItsKey() {
        assertThat(problems(withVariables(
                        Map.of(
                                "MINIATURA_STORAGE_ENDPOINT", "ftp://x",
                                "MINIATURA_STORAGE_THUMBNAILS_BUCKET", "Thumbs",
                                "MINIATURA_KAFKA_CREATE_TOPIC", "yes",
                                "MINIATURA_VARIANTS_CARD_QUALITY", "150",
                                "MINIATURA_VARIANTS_CARD_WIDTH", "100"),
                        DEFAULTS)))
                .containsExactly(
                        "miniatura.storage.endpoint: expected an http(s) URL such as http://localhost:9000 but was \"ftp://x\"",
                        "miniatura.storage.thumbnails-bucket: expected a bucket name of 3-63 lower-case letters, digits, dots and dashes but was \"Thumbs\"",
                        "miniatura.kafka.create-topic: expected true or false but was \"yes\"",
                        "miniatura.variants.card.quality: expected 1..100 or auto but was 150");
    }

    private static String keys() {
        return "enabled, width, height, fit, gravity, rotate, flip, flop, upscale, background, filters, format, formats, quality, "
                + "ssim-target, min-quality, max-quality, progressive, chroma-subsampling, lossless, keep-copyright";
    }
}
