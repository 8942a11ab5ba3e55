package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.filter.ToSrgb;
import com.miniatura.worker.render.geometry.Orient;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code orientation/Landscape_1..8.jpg} are one 600×450 scene stored under EXIF orientations 1–8: after
 * rendering, every one must look like {@code Landscape_1}.
 *
 * <p>Perceptual tolerance, measured as the mean absolute difference per channel (0..255) against
 * {@code Landscape_1}: a correctly oriented {@code Landscape_N} is 4.5–5.1 on the decoded full-size pixels
 * (each file was JPEG-encoded separately, on its own block grid) and 3.1–6.0 on the six reference
 * outputs (150 px ≈ 3.1–4.2, 800/1600 px at q85 ≈ 5.4–6.0); applying a wrong orientation to the same
 * pixels gives 50.5–68. The threshold is {@value #TOLERANCE}: 1.7× the worst correct value, 5× below the
 * best wrong one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrientationFixtureTest {

    static final double TOLERANCE = Pixels.UPRIGHT_TOLERANCE;
    static final double WRONG_AT_LEAST = 40.0;

    /** Lossless and unscaled (600×450 fits, no upscale): exactly the oriented pixels. */
    private static final VariantSpec FULL =
            RenderTestSupport.png("full", 600, 600, Fit.INSIDE, false, RenderTestSupport.WHITE);

    private final Renderer renderer = new Renderer(RenderLimits.defaults());
    private final Map<Integer, RenderResult> results = new ConcurrentHashMap<>();
    private RenderResult reference;

    @BeforeAll
    void renderReference() throws RenderException {
        reference = render(1);
    }

    static IntStream orientations() {
        return IntStream.rangeClosed(1, 8);
    }

    @ParameterizedTest(name = "Landscape_{0}.jpg")
    @MethodSource("orientations")
    void everyReferenceVariantIsUprightWithExpectedSize(int orientation) throws RenderException {
        RenderResult result = render(orientation);

        assertThat(result.source()).isEqualTo(new SourceInfo("jpeg", 600, 450, orientation));
        List<VariantSpec> specs = RenderTestSupport.referenceVariants();
        for (int i = 0; i < specs.size(); i++) {
            RenderedVariant variant = result.variants().get(i);
            int[] expected = RenderTestSupport.expectedReferenceSize(600, 450, specs.get(i));
            assertThat(new int[] {variant.width(), variant.height()})
                    .as(variant.spec().name())
                    .containsExactly(expected);

            BufferedImage decoded = RenderTestSupport.read(variant.bytes());
            BufferedImage upright =
                    RenderTestSupport.read(reference.variants().get(i).bytes());
            double diff = RenderTestSupport.meanAbsDiff(decoded, upright);
            System.out.printf(
                    "Landscape_%d %-5s MAD vs Landscape_1 = %.2f%n",
                    orientation, variant.spec().name(), diff);
            assertThat(diff)
                    .as("%s of Landscape_%d vs Landscape_1", variant.spec().name(), orientation)
                    .isLessThan(TOLERANCE);
        }
    }

    /**
     * Applying each of the four orientations that give a 600×450 result to the stored pixels: only the
     * file's own orientation is within the tolerance; the others are far above it.
     */
    @ParameterizedTest(name = "Landscape_{0}.jpg")
    @MethodSource("orientations")
    void onlyTheFilesOwnOrientationMatches(int orientation) throws RenderException {
        BufferedImage upright =
                RenderTestSupport.read(reference.variants().get(specCount()).bytes());
        BufferedImage stored = Decode.decode(
                        RenderTestSupport.fixture("orientation/Landscape_" + orientation + ".jpg"),
                        RenderLimits.defaults())
                .image();
        List<String> measured = new ArrayList<>();
        for (int candidate = 1; candidate <= 8; candidate++) {
            BufferedImage oriented = ToSrgb.apply(Orient.apply(stored, candidate));
            if (oriented.getWidth() != 600) {
                continue; // the other four give 450×600: wrong at a glance
            }
            double diff = RenderTestSupport.meanAbsDiff(oriented, upright);
            measured.add(String.format("%d→%.2f", candidate, diff));
            if (candidate == orientation) {
                assertThat(diff).as("own orientation %d", candidate).isLessThan(TOLERANCE);
            } else {
                assertThat(diff).as("wrong orientation %d", candidate).isGreaterThan(WRONG_AT_LEAST);
            }
        }
        System.out.printf("Landscape_%d full-size MAD by applied orientation: %s%n", orientation, measured);
    }

    @Test
    void fullSizeOutputIsExactlyTheOrientedPixels() throws RenderException {
        // orientation 3 is a pure rotation: its stored pixels rotated back must equal our output
        RenderResult result = render(3);
        BufferedImage stored = Decode.decode(
                        RenderTestSupport.fixture("orientation/Landscape_3.jpg"), RenderLimits.defaults())
                .image();
        BufferedImage output =
                RenderTestSupport.read(result.variants().get(specCount()).bytes());

        assertThat(RenderTestSupport.argb(output, 0, 0)).containsExactly(RenderTestSupport.argb(stored, 599, 449));
        assertThat(RenderTestSupport.argb(output, 599, 449)).containsExactly(RenderTestSupport.argb(stored, 0, 0));
        assertThat(RenderTestSupport.argb(output, 10, 20)).containsExactly(RenderTestSupport.argb(stored, 589, 429));
    }

    private RenderResult render(int orientation) throws RenderException {
        RenderResult cached = results.get(orientation);
        if (cached != null) {
            return cached;
        }
        List<VariantSpec> specs = new ArrayList<>(RenderTestSupport.referenceVariants());
        specs.add(FULL);
        RenderResult result =
                renderer.render(RenderTestSupport.fixture("orientation/Landscape_" + orientation + ".jpg"), specs);
        results.put(orientation, result);
        return result;
    }

    private static int specCount() {
        return RenderTestSupport.referenceVariants().size();
    }
}
