package com.miniatura.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.catalog.AutoQuality;
import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class MiniaturaSettingsTest {

    private static StandardEnvironment environment(Map<String, Object> overrides) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", overrides));
        MiniaturaDefaults.load(MiniaturaDefaults.SHARED).forEach(env.getPropertySources()::addLast);
        return env;
    }

    private static MiniaturaSettings load(Map<String, Object> overrides) {
        Problems problems = new Problems();
        MiniaturaSettings settings = MiniaturaSettings.load(environment(overrides), problems);
        problems.throwIfAny();
        return settings;
    }

    @Test
    void defaultCatalogIsTheReferenceSet() {
        List<Filter> none = List.of();
        AutoQuality auto = new AutoQuality(0.965, 50, 90);
        assertThat(load(Map.of()).catalog().variants())
                .containsExactly(
                        progressive(new VariantSpec(
                                        "c480", 480, null, Fit.INSIDE, OutputFormat.JPEG, 90, false, 0xFFFFFF, none))
                                .withAutoQuality(auto),
                        progressive(new VariantSpec(
                                        "d800", 800, 800, Fit.INSIDE, OutputFormat.JPEG, 90, false, 0xFFFFFF, none))
                                .withAutoQuality(auto),
                        new VariantSpec(
                                        "g150",
                                        150,
                                        150,
                                        Fit.COVER,
                                        OutputFormat.JPEG,
                                        90,
                                        false,
                                        0xFFFFFF,
                                        List.of(new Filter.Grayscale()))
                                .withAutoQuality(auto),
                        progressive(new VariantSpec(
                                        "m300", 300, 300, Fit.INSIDE, OutputFormat.JPEG, 90, false, 0xFFFFFF, none))
                                .withAutoQuality(auto),
                        new VariantSpec("s150", 150, 150, Fit.COVER, OutputFormat.JPEG, 90, false, 0xFFFFFF, none)
                                .withAutoQuality(auto),
                        progressive(new VariantSpec(
                                        "z1600", 1600, 1600, Fit.INSIDE, OutputFormat.JPEG, 90, false, 0xFFFFFF, none))
                                .withAutoQuality(auto));
    }

    private static VariantSpec progressive(VariantSpec spec) {
        return spec.withEncoding(spec.format(), spec.quality(), true, spec.chromaSubsampling(), spec.lossless());
    }

    @Test
    void operatorOverridesMergeByVariantAndReplaceListsWhole() {
        MiniaturaSettings settings = load(Map.of(
                "miniatura.variants.s150.quality", "70",
                "miniatura.variants.z1600.enabled", "false",
                "miniatura.variants.g150.filters", "",
                "miniatura.variants.card.width", "640",
                "miniatura.variants.card.format", "png",
                "miniatura.variant-defaults.quality", "75"));
        assertThat(settings.catalog().variants())
                .extracting(VariantSpec::name)
                .containsExactly("c480", "card", "d800", "g150", "m300", "s150");
        assertThat(settings.catalog().find("s150").orElseThrow().quality()).isEqualTo(70);
        assertThat(settings.catalog().find("card").orElseThrow())
                .isEqualTo(new VariantSpec(
                        "card", 640, null, Fit.INSIDE, OutputFormat.PNG, 75, false, 0xFFFFFF, List.of()));
        assertThat(settings.catalog().find("g150").orElseThrow().filters()).isEmpty();
    }

    @Test
    void storageAndKafkaDefaultsPointAtTheStandaloneInfrastructure() {
        MiniaturaSettings settings = load(Map.of());
        assertThat(settings.storage().endpoint()).isEqualTo("http://localhost:9000");
        assertThat(settings.storage().originalsBucket()).isEqualTo("originals");
        assertThat(settings.storage().thumbnailsBucket()).isEqualTo("thumbnails");
        assertThat(settings.storage().toString())
                .doesNotContain("minioadmin\",")
                .contains("secretKey=***");
        assertThat(settings.kafka()).isEqualTo(new KafkaSettings("miniatura.images", 12, true));
    }

    /** Events may name originals only in these buckets; the thumbnails bucket is never one. */
    @Test
    void sourceBucketsAreTheOriginalsBucketAndTheExtraOnes() {
        assertThat(load(Map.of()).storage().sourceBuckets()).containsExactly("originals");
        assertThat(load(Map.of("miniatura.storage.extra-source-buckets", "marketplace-photos, legacy.photos"))
                        .storage()
                        .sourceBuckets())
                .containsExactly("originals", "marketplace-photos", "legacy.photos");
        assertThat(load(Map.of("miniatura.storage.extra-source-buckets[0]", "marketplace-photos"))
                        .storage()
                        .isSourceBucket("marketplace-photos"))
                .isTrue();
        assertThatThrownBy(() -> load(Map.of("miniatura.storage.extra-source-buckets", "Photos_1,thumbnails")))
                .isInstanceOfSatisfying(
                        InvalidConfigurationException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "miniatura.storage.extra-source-buckets: expected bucket names of 3-63 lower-case letters, digits,"
                                                + " dots and dashes but was \"Photos_1\"",
                                        "miniatura.storage.extra-source-buckets: must not name the thumbnails bucket thumbnails (it holds"
                                                + " what the workers write, and anyone can read it)"));
    }

    /** Regression: manifests lived in the public thumbnails bucket, so the CDN served their source and reasons. */
    @Test
    void theMetadataBucketIsABucketOfItsOwn() {
        assertThat(load(Map.of()).storage().metadataBucket()).isEqualTo("metadata");
        assertThat(load(Map.of("miniatura.storage.metadata-bucket", "lot-metadata"))
                        .storage()
                        .metadataBucket())
                .isEqualTo("lot-metadata");
        assertThatThrownBy(() -> load(Map.of("miniatura.storage.metadata-bucket", "thumbnails")))
                .isInstanceOfSatisfying(
                        InvalidConfigurationException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "miniatura.storage.metadata-bucket: must be a bucket of its own, not the thumbnails bucket"
                                                + " (anyone can read it) thumbnails"));
        assertThatThrownBy(() -> load(Map.of("miniatura.storage.metadata-bucket", "originals")))
                .isInstanceOfSatisfying(
                        InvalidConfigurationException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "miniatura.storage.metadata-bucket: must be a bucket of its own, not the originals bucket originals"));
        assertThatThrownBy(() -> load(Map.of("miniatura.storage.extra-source-buckets", "metadata")))
                .isInstanceOfSatisfying(
                        InvalidConfigurationException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "miniatura.storage.extra-source-buckets: must not name the metadata bucket metadata (it holds the"
                                                + " manifests and checkpoints Miniatura writes)"));
    }

    @Test
    void everyProblemOfEverySectionIsReportedAtOnce() {
        assertThatThrownBy(() -> load(Map.of(
                        "miniatura.storage.endpoint", "ftp://x",
                        "miniatura.storage.thumbnails-bucket", "Thumbs",
                        "miniatura.kafka.partitions", "0",
                        "miniatura.variants.card.quality", "150",
                        "miniatura.variants.card.width", "100")))
                .isInstanceOfSatisfying(
                        InvalidConfigurationException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "miniatura.storage.endpoint: expected an http(s) URL such as http://localhost:9000 but was \"ftp://x\"",
                                        "miniatura.storage.thumbnails-bucket: expected a bucket name of 3-63 lower-case letters, digits, dots and dashes but was \"Thumbs\"",
                                        "miniatura.kafka.partitions: expected 1..10000 but was \"0\"",
                                        "miniatura.variants.card.quality: expected 1..100 or auto but was 150"));
    }
}
