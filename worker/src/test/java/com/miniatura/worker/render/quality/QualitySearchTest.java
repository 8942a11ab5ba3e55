package com.miniatura.worker.render.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.AutoQuality;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The search for the lowest quality that meets the SSIM target, against images whose SSIM at each quality is known:
 * steep and shallow, easy and detailed, every seed, bounds that hold the answer and bounds that do not.
 */
class QualitySearchTest {

    /** An image whose SSIM deficit follows libjpeg's table scaling to the power {@code exponent}. */
    record Curve(String description, double deficitAt75, double exponent) {
        double ssim(int quality) {
            return 1 - deficitAt75 * Math.pow(QualitySearch.scale(quality) / QualitySearch.scale(75), exponent);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    record Case(Curve curve, AutoQuality auto, int seed) {
        @Override
        public String toString() {
            return curve + ", target " + auto.ssimTarget() + " in " + auto.min() + ".." + auto.max() + ", from q"
                    + seed;
        }

        /** The lowest quality in bounds whose SSIM meets the target, by brute force; the upper bound if none does. */
        int lowestPassing() {
            for (int q = auto.min(); q <= auto.max(); q++) {
                if (curve.ssim(q) >= auto.ssimTarget()) {
                    return q;
                }
            }
            return auto.max();
        }
    }

    static Stream<Case> cases() {
        List<Curve> curves = List.of(
                new Curve("typical photo", 0.04, 0.84),
                new Curve("detailed photo", 0.07, 1.1),
                new Curve("flat product shot", 0.008, 0.7),
                new Curve("steep", 0.03, 2.4),
                new Curve("shallow", 0.035, 0.4));
        List<AutoQuality> autos =
                List.of(new AutoQuality(0.965, 50, 90), new AutoQuality(0.98, 30, 95), new AutoQuality(0.95, 60, 70));
        List<Case> cases = new ArrayList<>();
        for (Curve curve : curves) {
            for (AutoQuality auto : autos) {
                for (int seed : List.of(auto.min(), (auto.min() + auto.max()) / 2, auto.max(), 99)) {
                    cases.add(new Case(curve, auto, seed));
                }
            }
        }
        return cases.stream();
    }

    /** An "encoder" whose output is the quality itself and whose decoded luma has the curve's SSIM. */
    private static QualitySearch.Trial<RuntimeException> trial(IntToDoubleFunction ssim, List<Integer> encodes) {
        return new QualitySearch.Trial<>() {
            @Override
            public byte[] encode(int quality) {
                encodes.add(quality);
                return new byte[] {(byte) quality};
            }

            @Override
            public double score(byte[] encoded) {
                return ssim.applyAsDouble(encoded[0]);
            }
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findsAPassingQualityNearTheLowestWithinThreeEncodes(Case c) {
        List<Integer> encodes = new ArrayList<>();
        QualitySearch.Choice choice = QualitySearch.search(c.auto(), trial(c.curve()::ssim, encodes), c.seed());

        int best = c.lowestPassing();
        boolean reachable = c.curve().ssim(c.auto().max()) >= c.auto().ssimTarget();
        assertThat(choice.quality()).isBetween(c.auto().min(), c.auto().max());
        assertThat(encodes).as("encodes").doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(reachable ? 3 : 4);
        assertThat(choice.trials()).isEqualTo(encodes.size());
        assertThat(choice.bytes()).containsExactly((byte) choice.quality());
        if (reachable) {
            assertThat(choice.ssim())
                    .as("the chosen encode meets the target")
                    .isGreaterThanOrEqualTo(c.auto().ssimTarget());
            assertThat(choice.quality())
                    .as("within a few steps of the lowest that passes (%d)", best)
                    .isBetween(best, best + 4);
        } else {
            assertThat(choice.quality())
                    .as("out of reach: the upper bound")
                    .isEqualTo(c.auto().max());
        }
    }

    /** An AVIF twin's search: two trials, and the upper bound's only when neither passes; still never below target. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void withTwoTrialsMeetsTheTargetInTwoEncodesOrThreeWhenBothFail(Case c) {
        List<Integer> encodes = new ArrayList<>();
        QualitySearch.Choice choice = QualitySearch.search(c.auto(), trial(c.curve()::ssim, encodes), c.seed(), 2);

        boolean reachable = c.curve().ssim(c.auto().max()) >= c.auto().ssimTarget();
        assertThat(encodes).as("encodes").doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(3);
        assertThat(choice.trials()).isEqualTo(encodes.size());
        if (encodes.size() == 3) {
            assertThat(encodes.get(2))
                    .as("the third is the upper bound's")
                    .isEqualTo(c.auto().max());
        }
        if (reachable) {
            assertThat(choice.ssim()).isGreaterThanOrEqualTo(c.auto().ssimTarget());
        } else {
            assertThat(choice.quality()).isEqualTo(c.auto().max());
        }
    }
}
