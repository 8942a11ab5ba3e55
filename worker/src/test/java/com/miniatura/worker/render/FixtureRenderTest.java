package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.testing.Pixels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real fixture renders the six reference variants with the right sizes, as clean JPEGs. */
class FixtureRenderTest {

    /** Upright sizes of the known fixtures (README), checked against what the renderer reports. */
    private static final Map<String, int[]> KNOWN_SIZES = Map.ofEntries(
            Map.entry("photos/iphone_hdr_NO.jpg", new int[] {3264, 2448}),
            Map.entry("photos/HMD_Nokia_8.3_5G.jpg", new int[] {4608, 1976}),
            Map.entry("photos/2569067123_aca715a2ee_o.jpg", new int[] {2725, 2225}),
            Map.entry("photos/flowers.jpeg", new int[] {1920, 1080}),
            Map.entry("photos/nikon-e950.jpg", new int[] {800, 600}),
            Map.entry("photos/DSCN0010.jpg", new int[] {640, 480}),
            Map.entry("catalog/iphone_hdr_NO-1024.jpg", new int[] {1024, 768}),
            Map.entry("catalog/HMD_Nokia_8.3_5G-1024.jpg", new int[] {1024, 439}),
            Map.entry("catalog/2569067123_aca715a2ee_o-1024.jpg", new int[] {1024, 836}),
            Map.entry("catalog/flowers-1024.jpg", new int[] {1024, 576}),
            Map.entry("catalog/nikon-e950-1024.jpg", new int[] {800, 600}),
            Map.entry("catalog/DSCN0010-1024.jpg", new int[] {640, 480}),
            Map.entry("formats/rotating-squares.gif", new int[] {80, 80}),
            Map.entry("formats/4.webp", new int[] {1024, 772}),
            Map.entry("formats/320x240.jpg", new int[] {320, 240}),
            Map.entry("color/Channel_digital_image_CMYK_color.jpg", new int[] {500, 333}),
            Map.entry("color/with-alpha.png", new int[] {256, 192}));

    private final Renderer renderer = new Renderer(RenderLimits.defaults());

    /** Every file in {@code photos/} and {@code catalog/}, so a new fixture is covered without a code change. */
    static Stream<String> photosAndCatalog() {
        return Stream.of("photos", "catalog").flatMap(dir -> list(RenderTestSupport.fixtures(), dir));
    }

    static Stream<String> otherFormats() {
        return Stream.of(
                "formats/rotating-squares.gif",
                "formats/4.webp",
                "formats/320x240.jpg",
                "color/Channel_digital_image_CMYK_color.jpg",
                "color/with-alpha.png");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"photosAndCatalog", "otherFormats"})
    void rendersAllReferenceVariants(String fixture) throws RenderException {
        RenderResult result =
                renderer.render(RenderTestSupport.fixture(fixture), RenderTestSupport.referenceVariants());

        SourceInfo source = result.source();
        assertThat(source.format()).isEqualTo(expectedFormat(fixture));
        if (KNOWN_SIZES.containsKey(fixture)) {
            assertThat(new int[] {source.width(), source.height()})
                    .as("upright size")
                    .containsExactly(KNOWN_SIZES.get(fixture));
        }
        List<VariantSpec> specs = RenderTestSupport.referenceVariants();
        assertThat(result.variants()).extracting(RenderedVariant::spec).containsExactlyElementsOf(specs);
        for (RenderedVariant variant : result.variants()) {
            String name = variant.spec().name();
            int[] expected = RenderTestSupport.expectedReferenceSize(source.width(), source.height(), variant.spec());
            assertThat(new int[] {variant.width(), variant.height()})
                    .as("%s size", name)
                    .containsExactly(expected);
            assertThat(variant.width()).as("%s never enlarges", name).isLessThanOrEqualTo(source.width());
            assertThat(variant.height()).as("%s never enlarges", name).isLessThanOrEqualTo(source.height());
            assertThat(variant.contentType()).isEqualTo("image/jpeg");

            BufferedImage decoded = RenderTestSupport.read(variant.bytes());
            assertThat(new int[] {decoded.getWidth(), decoded.getHeight()})
                    .as("%s decoded size", name)
                    .containsExactly(expected);
            assertThat(RenderTestSupport.jpegMarkers(variant.bytes()))
                    .as("%s segments: JFIF only, no EXIF/XMP (APP1) and no ICC (APP2)", name)
                    .doesNotContain(0xE1, 0xE2)
                    .contains(0xDA);
            if (name.equals("g150")) {
                assertGray(decoded);
            }
        }
    }

    @Test
    void gpsInTheSourceDoesNotSurvive() throws RenderException {
        byte[] source = RenderTestSupport.fixture("photos/DSCN0010.jpg");
        assertThat(RenderTestSupport.jpegMarkers(source))
                .as("the source carries EXIF")
                .contains(0xE1);
        // IFD0 entry "GPS IFD pointer" (tag 0x8825, LONG, count 1) in this little-endian EXIF block
        byte[] gpsPointer = {0x25, (byte) 0x88, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00};
        assertThat(indexOf(source, gpsPointer)).as("the source has a GPS block").isPositive();

        for (RenderedVariant variant :
                renderer.render(source, RenderTestSupport.referenceVariants()).variants()) {
            assertThat(RenderTestSupport.jpegMarkers(variant.bytes()))
                    .as(variant.spec().name())
                    .doesNotContain(0xE1);
            assertThat(new String(variant.bytes(), StandardCharsets.ISO_8859_1)).doesNotContain("Exif", "GPS", "NIKON");
        }
    }

    @Test
    void qualitySettingReachesTheEncoder() throws RenderException {
        byte[] source = RenderTestSupport.fixture("catalog/flowers-1024.jpg");
        List<VariantSpec> specs = List.of(
                RenderTestSupport.jpeg("q40", 480, null, Fit.INSIDE, 40),
                RenderTestSupport.jpeg("q95", 480, null, Fit.INSIDE, 95));

        List<RenderedVariant> out = renderer.render(source, specs).variants();

        assertThat(out.get(1).bytes().length).isGreaterThan(out.get(0).bytes().length * 2);
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** R, G and B within 2 of each other in every pixel. */
    private static void assertGray(BufferedImage image) {
        int worst = Pixels.maxChannelSpread(image);
        assertThat(worst).as("largest channel spread in g150").isLessThanOrEqualTo(2);
    }

    private static String expectedFormat(String fixture) {
        String ext = fixture.substring(fixture.lastIndexOf('.') + 1);
        return switch (ext) {
            case "jpg", "jpeg" -> "jpeg";
            default -> ext;
        };
    }

    private static Stream<String> list(Path root, String dir) {
        try (Stream<Path> files = Files.list(root.resolve(dir))) {
            return files.filter(Files::isRegularFile).map(p -> dir + "/" + p.getFileName()).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
