package com.miniatura.ingest.rerender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run's name and fingerprint: what it does, not how fast; a catalog change makes a new run. */
class RunIdentityTest {
    private static final VariantSpec S150 =
            new VariantSpec("s150", 150, 150, Fit.COVER, OutputFormat.WEBP, 80, false, 0xFFFFFF, List.of());
    private static final VariantCatalog CATALOG = VariantCatalog.of(List.of(
            S150, new VariantSpec("m300", 300, 300, Fit.INSIDE, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of())));

    private static RerenderOptions options(String... flags) {
        List<String> args = new ArrayList<>(List.of(flags));
        List<String> problems = new ArrayList<>();
        RerenderOptions options =
                RerenderCommand.parse(args.toArray(String[]::new), problems).options("originals", "thumbnails");
        assertThat(problems).isEmpty();
        return options;
    }

    @Test
    void theRateAndParallelismDoNotChangeTheRun() {
        RunIdentity plain = RunIdentity.of(options("--mode=missing"), CATALOG);
        RunIdentity tuned = RunIdentity.of(options("--mode=missing", "--rate=50", "--parallelism=4"), CATALOG);
        assertThat(tuned).isEqualTo(plain);
        assertThat(plain.run()).isEqualTo("missing-" + plain.fingerprint().substring(0, 12));
        assertThat(plain.wanted()).extracting(VariantSpec::name).containsExactly("s150", "m300");
    }

    @Test
    void aCatalogChangeOrAnotherModeMakesANewRun() {
        RunIdentity before = RunIdentity.of(options("--mode=missing"), CATALOG);
        VariantCatalog changed = VariantCatalog.of(List.of(
                S150,
                new VariantSpec("m300", 300, 300, Fit.INSIDE, OutputFormat.JPEG, 85, false, 0xFFFFFF, List.of())));
        assertThat(RunIdentity.of(options("--mode=missing"), changed).fingerprint())
                .isNotEqualTo(before.fingerprint());
        assertThat(RunIdentity.of(options("--mode=all"), CATALOG).fingerprint()).isNotEqualTo(before.fingerprint());
        assertThat(RunIdentity.of(options("--mode=missing", "--run=nightly"), CATALOG)
                        .run())
                .isEqualTo("nightly");
    }

    @Test
    void variantsNotInTheCatalogAreRefusedNamingTheFlag() {
        assertThatThrownBy(() -> RunIdentity.of(options("--mode=missing", "--variants=s150,x9"), CATALOG))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--variants: x9 not in the catalog (it has s150, m300)");
    }
}
