package com.miniatura.worker.render.resample;

import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.RenderResult;
import com.miniatura.worker.render.RenderTestSupport;
import com.miniatura.worker.render.Renderer;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Encode;
import com.miniatura.worker.render.filter.Filters;
import com.miniatura.worker.render.filter.ToSrgb;
import com.miniatura.worker.render.geometry.Geometry;
import com.miniatura.worker.render.geometry.Orient;
import com.miniatura.worker.render.geometry.Turn;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast render path (box shrink of the source, variants cascaded largest first, each step a box shrink then Lanczos-2 for the last
 * step under 2×) loses no visible quality: each reference variant of real photos is compared with the same
 * variant rendered straight from the full-size decoded source with a Lanczos-3 filter (the ideal picture).
 * Encoding alone already costs some PSNR, so the bar is relative: the fast output's PSNR against the ideal
 * picture may be at most {@value #MAX_LOSS_DB} dB below that of the ideal picture after the same JPEG encode.
 */
class CascadeQualityTest {

    static final double MAX_LOSS_DB = 1.5;

    /** {@code thumbnailsOnly}: just the three small variants, so the box shrink of the source goes furthest. */
    record Case(String fixture, boolean thumbnailsOnly) {
        @Override
        public String toString() {
            return fixture + (thumbnailsOnly ? " (s150, m300, g150 only)" : "");
        }

        List<VariantSpec> variants() {
            List<VariantSpec> all = RenderTestSupport.referenceVariants();
            return thumbnailsOnly
                    ? all.stream()
                            .filter(v -> List.of("s150", "m300", "g150").contains(v.name()))
                            .toList()
                    : all;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(false, true)
                .flatMap(thumbnails -> Stream.of(
                                "photos/2569067123_aca715a2ee_o.jpg",
                                "photos/HMD_Nokia_8.3_5G.jpg",
                                "photos/flowers.jpeg",
                                "photos/iphone_hdr_NO.jpg",
                                "photos/nikon-e950.jpg",
                                "catalog/DSCN0010-1024.jpg",
                                "catalog/iphone_hdr_NO-1024.jpg",
                                "orientation/Landscape_6.jpg")
                        .map(fixture -> new Case(fixture, thumbnails)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyReferenceVariantIsWithinTheLossBudgetOfADirectFullSizeRender(Case c) throws RenderException {
        byte[] source = RenderTestSupport.fixture(c.fixture());
        List<VariantSpec> variants = c.variants();
        RenderResult fast = new Renderer(RenderLimits.defaults()).render(source, variants);
        Decode.Decoded decoded = RenderTestSupport.decode(source);
        BufferedImage full = ToSrgb.apply(decoded.image());
        Turn turn = Turn.exif(decoded.metadata().orientation());
        int w = full.getWidth();
        int h = full.getHeight();
        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < variants.size(); i++) {
            VariantSpec spec = variants.get(i);
            Geometry.Plan plan = Geometry.plan(turn.turnedWidth(w, h), turn.turnedHeight(w, h), spec);
            Turn.Rect crop = turn.toStored(new Turn.Rect(plan.cropX(), plan.cropY(), plan.cropW(), plan.cropH()), w, h);
            int sw = turn.transposes() ? plan.scaledH() : plan.scaledW();
            int sh = turn.transposes() ? plan.scaledW() : plan.scaledH();
            BufferedImage scaled = plan.resamples()
                    ? OpaqueResample.lanczos(3, full, crop.x(), crop.y(), crop.width(), crop.height(), sw, sh)
                    : full.getSubimage(crop.x(), crop.y(), crop.width(), crop.height());
            BufferedImage ideal = Filters.apply(Orient.apply(scaled, turn.code()), spec.filters());
            BufferedImage idealEncoded = RenderTestSupport.read(Encode.apply(ideal, spec, null));
            BufferedImage rendered =
                    RenderTestSupport.read(fast.variants().get(i).bytes());

            // for comparison only: the previous renderer's path (Thumbnailator from the full-size source)
            BufferedImage old = Filters.apply(
                    Orient.apply(AlphaResample.cropAndScale(full, crop, sw, sh), turn.code()), spec.filters());
            double before = Pixels.psnr(RenderTestSupport.read(Encode.apply(old, spec, null)), ideal);

            double direct = Pixels.psnr(idealEncoded, ideal);
            double cascaded = Pixels.psnr(rendered, ideal);
            System.out.printf(
                    Locale.ROOT,
                    "%-60s %-6s %9s direct %.2f dB, fast %.2f dB, loss %.2f dB (previous renderer %.2f)%n",
                    c,
                    spec.name(),
                    ideal.getWidth() + "x" + ideal.getHeight(),
                    direct,
                    cascaded,
                    direct - cascaded,
                    direct - before);
            soft.assertThat(direct - cascaded)
                    .as("%s %s: PSNR loss against a direct Lanczos render", c.fixture(), spec.name())
                    .isLessThanOrEqualTo(MAX_LOSS_DB);
        }
        soft.assertAll();
    }
}
