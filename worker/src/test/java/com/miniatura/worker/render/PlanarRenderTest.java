package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.NativeJpeg;
import com.miniatura.worker.render.codec.Opened;
import com.miniatura.worker.render.resample.OpaqueResample;
import com.miniatura.worker.render.resample.PlaneResample;
import com.miniatura.worker.render.resample.Planes;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JPEGs resampled as their YCbCr planes ({@code PlanarCascade}) against the same renders in BGR: a plane is filtered
 * exactly as one channel of BGR is, the planes libjpeg-turbo decodes convert to the BGR it decodes, and every
 * reference variant comes out as the BGR render's, within what re-encoding changes. {@code CascadeQualityTest} holds
 * the planar path (the default with libjpeg-turbo) to the quality bar against an ideal render.
 */
class PlanarRenderTest {

    private static final RenderLimits LIMITS = RenderLimits.defaults();
    private static Renderer planar;

    @BeforeAll
    static void library() {
        NativeLibraries.turboJpeg();
        planar = new Renderer(LIMITS);
    }

    record Rect(int srcW, int srcH, double x, double y, double w, double h, int outW, int outH, int lobes) {}

    static Stream<Rect> rects() {
        return Stream.of(
                new Rect(640, 480, 0, 0, 640, 480, 500, 375, 2),
                new Rect(640, 480, 0, 0, 640, 480, 150, 113, 3),
                new Rect(301, 199, 10.5, 3.25, 200.75, 150.5, 97, 61, 2),
                new Rect(200, 100, 0, 0, 200, 100, 300, 150, 2),
                new Rect(64, 64, 0, 0, 64, 64, 7, 5, 3),
                new Rect(9, 4, 0, 0, 9, 4, 1, 1, 2));
    }

    @ParameterizedTest
    @MethodSource("rects")
    void aPlaneIsFilteredExactlyAsOneChannelOfBgr(Rect r) {
        Random random = new Random(r.srcW() * 31 + r.outW());
        byte[] samples = new byte[r.srcW() * r.srcH()];
        random.nextBytes(samples);
        BufferedImage grey = new BufferedImage(r.srcW(), r.srcH(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = OpaqueResample.bytes(grey);
        for (int i = 0; i < samples.length; i++) {
            bgr[3 * i] = samples[i];
            bgr[3 * i + 1] = samples[i];
            bgr[3 * i + 2] = samples[i];
        }
        Planes.Plane dst = new Planes.Plane(new byte[r.outW() * r.outH()], 0, r.outW(), r.outW(), r.outH());

        PlaneResample.lanczos(
                r.lobes(),
                new Planes.Plane(samples, 0, r.srcW(), r.srcW(), r.srcH()),
                r.x(),
                r.y(),
                r.w(),
                r.h(),
                dst,
                Deadline.NONE);

        byte[] expected = OpaqueResample.bytes(
                OpaqueResample.lanczos(r.lobes(), grey, r.x(), r.y(), r.w(), r.h(), r.outW(), r.outH()));
        for (int i = 0; i < dst.data().length; i++) {
            assertThat(dst.data()[i]).as("sample %d", i).isEqualTo(expected[3 * i]);
        }
    }

    @Test
    void aBoxShrinkOfAPlaneIsOneChannelOfTheBgrBoxShrink() {
        byte[] samples = new byte[101 * 77];
        new Random(3).nextBytes(samples);
        BufferedImage grey = new BufferedImage(101, 77, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = OpaqueResample.bytes(grey);
        for (int i = 0; i < samples.length; i++) {
            bgr[3 * i] = samples[i];
            bgr[3 * i + 1] = samples[i];
            bgr[3 * i + 2] = samples[i];
        }
        for (int k : new int[] {2, 3, 5}) {
            Planes.Plane box =
                    PlaneResample.box(new Planes.Plane(samples, 0, 101, 101, 77), 3, 2, 90, 70, k, Deadline.NONE);
            byte[] expected = OpaqueResample.bytes(OpaqueResample.box(grey, 3, 2, 90, 70, k));
            assertThat(box.width() * box.height()).isEqualTo(expected.length / 3);
            for (int i = 0; i < box.data().length; i++) {
                assertThat(box.data()[i]).as("k %d, sample %d", k, i).isEqualTo(expected[3 * i]);
            }
        }
    }

    static Stream<String> photos() {
        return Stream.of(
                "photos/2569067123_aca715a2ee_o.jpg",
                "photos/DSCN0010.jpg",
                "photos/HMD_Nokia_8.3_5G.jpg",
                "photos/flowers.jpeg",
                "photos/iphone_hdr_NO.jpg",
                "photos/nikon-e950.jpg",
                "catalog/flowers-1024.jpg",
                "orientation/Landscape_6.jpg");
    }

    static Stream<String> planarPhotos() {
        return photos().filter(f -> f.startsWith("photos/") || f.startsWith("catalog/"));
    }

    /**
     * libjpeg-turbo's planes, upsampled and converted here, are the pixels its own BGR decode gives (at 1/2 it
     * upsamples chroma in the inverse DCT instead, so a little less alike).
     */
    @ParameterizedTest
    @MethodSource("planarPhotos")
    void thePlanesLibjpegTurboDecodesConvertToTheBgrItDecodes(String fixture) throws Exception {
        byte[] jpeg = RenderTestSupport.fixture(fixture);
        for (int denominator : new int[] {1, 2}) {
            BufferedImage viaPlanes;
            BufferedImage viaBgr;
            try (Opened opened = Decode.open(jpeg, LIMITS, TurboJpeg.load())) {
                NativeJpeg nativeJpeg = (NativeJpeg) opened;
                assertThat(nativeJpeg.planar()).isTrue();
                viaPlanes = nativeJpeg.readPlanes(denominator, Deadline.NONE).toBgr(Deadline.NONE);
                viaBgr = nativeJpeg.read(denominator, Deadline.NONE);
            }
            double mad = RenderTestSupport.meanAbsDiff(viaPlanes, viaBgr);
            System.out.printf(Locale.ROOT, "%-40s 1/%d: mean abs diff %.3f%n", fixture, denominator, mad);
            assertThat(mad).as("%s at 1/%d", fixture, denominator).isLessThan(1.0);
        }
    }

    /**
     * Every reference variant, planar against BGR: the same size, and the same picture within what encoding the
     * same pixels twice over different paths changes (JPEG at q80–85 alone is 34–40 dB from its input).
     */
    @ParameterizedTest
    @MethodSource("photos")
    void everyReferenceVariantIsTheBgrRendersPicture(String fixture) throws Exception {
        byte[] jpeg = RenderTestSupport.fixture(fixture);
        List<VariantSpec> variants = RenderTestSupport.referenceVariants();

        RenderResult fromPlanes = planar.render(jpeg, variants);
        RenderResult fromBgr = planar.inBgr().render(jpeg, variants);

        for (int i = 0; i < variants.size(); i++) {
            RenderedVariant p = fromPlanes.variants().get(i);
            RenderedVariant b = fromBgr.variants().get(i);
            assertThat(List.of(p.width(), p.height())).isEqualTo(List.of(b.width(), b.height()));
            double psnr = Pixels.psnr(RenderTestSupport.read(p.bytes()), RenderTestSupport.read(b.bytes()));
            System.out.printf(
                    Locale.ROOT,
                    "%-40s %-6s %4dx%-4d %6.2f dB, %7d / %7d bytes%n",
                    fixture,
                    p.spec().name(),
                    p.width(),
                    p.height(),
                    psnr,
                    p.bytes().length,
                    b.bytes().length);
            assertThat(psnr).as("%s %s", fixture, p.spec().name()).isGreaterThan(33);
        }
    }

    /**
     * A JPEG with each EXIF orientation: its variants are turned as planes, and come out as the BGR render's turned
     * pictures, the odd sizes ({@code o301}: 301 × 169 or 169 × 301) included.
     */
    @ParameterizedTest
    @MethodSource("orientations")
    void everyOrientationIsTheBgrRendersPicture(int orientation) throws Exception {
        byte[] jpeg =
                ExifMetadataTest.withOrientation(RenderTestSupport.fixture("catalog/flowers-1024.jpg"), orientation);
        List<VariantSpec> variants = new ArrayList<>(RenderTestSupport.referenceVariants());
        variants.add(RenderTestSupport.jpeg("o301", 301, 301, Fit.INSIDE, 85));

        RenderResult fromPlanes = planar.render(jpeg, variants);
        RenderResult fromBgr = planar.inBgr().render(jpeg, variants);

        assertThat(fromPlanes.source().orientation()).isEqualTo(orientation);
        for (int i = 0; i < variants.size(); i++) {
            RenderedVariant p = fromPlanes.variants().get(i);
            RenderedVariant b = fromBgr.variants().get(i);
            assertThat(List.of(p.width(), p.height())).isEqualTo(List.of(b.width(), b.height()));
            double psnr = Pixels.psnr(RenderTestSupport.read(p.bytes()), RenderTestSupport.read(b.bytes()));
            System.out.printf(
                    Locale.ROOT,
                    "orientation %d %-6s %4dx%-4d %6.2f dB%n",
                    orientation,
                    p.spec().name(),
                    p.width(),
                    p.height(),
                    psnr);
            assertThat(psnr)
                    .as("orientation %d, %s", orientation, p.spec().name())
                    .isGreaterThan(35);
        }
    }

    static Stream<Integer> orientations() {
        return Stream.of(1, 2, 3, 4, 5, 6, 7, 8);
    }

    /**
     * Chroma covers two pixels, so turning an odd-sized variant's planes backwards along its odd axis would move the
     * colour of every edge by a pixel unless the chroma grid was anchored to end at the last pixel: a red | blue
     * edge, 301 × 201, with each turn, against the BGR render (which the encoder subsamples after turning).
     */
    @ParameterizedTest
    @MethodSource("orientations")
    void aTurnedOddSizedVariantKeepsItsColourOnItsEdges(int orientation) throws Exception {
        BufferedImage edge = new BufferedImage(301, 201, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 201; y++) {
            for (int x = 0; x < 301; x++) {
                edge.setRGB(x, y, x < 151 ^ y < 101 ? 0xD02020 : 0x2040D0);
            }
        }
        byte[] jpeg = ExifMetadataTest.withOrientation(SyntheticInputs.jpeg(edge, false), orientation);
        List<VariantSpec> sameSize = List.of(RenderTestSupport.jpeg("edge", 301, 301, Fit.INSIDE, 95));

        BufferedImage p = RenderTestSupport.read(
                planar.render(jpeg, sameSize).variants().get(0).bytes());
        BufferedImage b = RenderTestSupport.read(
                planar.inBgr().render(jpeg, sameSize).variants().get(0).bytes());

        double psnr = Pixels.psnr(p, b);
        System.out.printf(Locale.ROOT, "edge, orientation %d: %.2f dB%n", orientation, psnr);
        assertThat(psnr).as("orientation %d", orientation).isGreaterThan(40);
    }

    @Test
    void aGreyVariantIsTheLumaWithNeutralChroma() throws Exception {
        byte[] jpeg = RenderTestSupport.fixture("photos/flowers.jpeg");
        VariantSpec g150 = RenderTestSupport.referenceVariants().stream()
                .filter(v -> v.name().equals("g150"))
                .findFirst()
                .orElseThrow();

        BufferedImage grey = RenderTestSupport.read(
                planar.render(jpeg, List.of(g150)).variants().get(0).bytes());

        for (int y = 0; y < grey.getHeight(); y++) {
            for (int x = 0; x < grey.getWidth(); x++) {
                int rgb = grey.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                assertThat(Math.max(Math.abs(r - g), Math.abs(g - b)))
                        .as("(%d, %d)", x, y)
                        .isLessThanOrEqualTo(1);
            }
        }
    }

    /** Content-aware crops were reviewed on the BGR analysis copy, whose near-ties flip on small pixel changes. */
    @Test
    void aCatalogWithAContentAwareCropIsRenderedInBgr() throws Exception {
        byte[] jpeg = RenderTestSupport.fixture("photos/DSCN0010.jpg");
        List<VariantSpec> catalog = GoldenRenderTest.catalog();

        RenderResult result = planar.render(jpeg, catalog);
        RenderResult bgr = planar.inBgr().render(jpeg, catalog);

        for (int i = 0; i < catalog.size(); i++) {
            assertThat(result.variants().get(i).bytes())
                    .as(catalog.get(i).name())
                    .isEqualTo(bgr.variants().get(i).bytes());
        }
    }

    @Test
    void withoutLibjpegTurboNothingIsPlanar() throws Exception {
        byte[] jpeg = RenderTestSupport.fixture("photos/flowers.jpeg");
        Renderer imageIo = new Renderer(LIMITS, Watermarks.NONE, MemoryBudget.fromHeap(), Optional.empty());
        List<VariantSpec> variants = RenderTestSupport.referenceVariants();

        RenderResult result = imageIo.render(jpeg, variants);

        assertThat(result.variants()).hasSize(variants.size());
        assertThat(result.source().format()).isEqualTo("jpeg");
    }
}
