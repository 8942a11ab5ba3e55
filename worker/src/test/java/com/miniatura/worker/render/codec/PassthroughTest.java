package com.miniatura.worker.render.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.Gravity;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.testing.Pixels;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.RenderTestSupport;
import com.miniatura.worker.render.RenderedVariant;
import com.miniatura.worker.render.Renderer;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** When a JPEG variant is the source's own compressed data (see {@link Passthrough}), and when it is not. */
class PassthroughTest {

    /** A 320 × 240 picture with edges and gradients, so that re-encoding it is visibly not a copy. */
    static BufferedImage scene() {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 320; x++) {
                int r = (x * 255 / 319) ^ (y % 16 < 8 ? 0x40 : 0);
                int g = y * 255 / 239;
                int b = (x / 20 + y / 20) % 2 == 0 ? 200 : 40;
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return image;
    }

    /** The scene as a JPEG from our own encoder. */
    static byte[] source(int quality, ChromaSubsampling chroma, boolean progressive) {
        VariantSpec spec =
                spec("source", 320, Fit.INSIDE).withEncoding(OutputFormat.JPEG, quality, progressive, chroma, false);
        return Encode.apply(scene(), spec, null);
    }

    static VariantSpec spec(String name, int side, Fit fit) {
        return new VariantSpec(name, side, side, fit, OutputFormat.JPEG, 85, false, 0xFFFFFF, List.of());
    }

    /** From the source's SOS marker to the end: the entropy-coded data a passthrough keeps. */
    static byte[] scan(byte[] jpeg) {
        for (int i = 2; i + 4 <= jpeg.length; ) {
            if ((jpeg[i + 1] & 0xFF) == 0xDA) {
                return Arrays.copyOfRange(jpeg, i, jpeg.length);
            }
            i += 2 + ((jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF);
        }
        throw new AssertionError("no SOS");
    }

    static boolean endsWith(byte[] bytes, byte[] suffix) {
        return bytes.length >= suffix.length
                && Arrays.equals(bytes, bytes.length - suffix.length, bytes.length, suffix, 0, suffix.length);
    }

    static boolean contains(byte[] bytes, String ascii) {
        return new String(bytes, StandardCharsets.ISO_8859_1).contains(ascii);
    }

    /** {@code jpeg} with {@code segment} (marker and payload) inserted right after SOI. */
    static byte[] withSegment(byte[] jpeg, int marker, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(marker);
        out.write((payload.length + 2) >> 8);
        out.write(payload.length + 2);
        out.writeBytes(payload);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static byte[] iccApp2() {
        byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        byte[] payload = new byte[14 + profile.length];
        System.arraycopy("ICC_PROFILE".getBytes(StandardCharsets.US_ASCII), 0, payload, 0, 11);
        payload[12] = 1; // chunk 1
        payload[13] = 1; // of 1
        System.arraycopy(profile, 0, payload, 14, profile.length);
        return payload;
    }

    record Case(String label, byte[] source, VariantSpec spec, boolean passed) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        byte[] q80 = source(80, ChromaSubsampling.S420, false);
        return Stream.of(
                new Case("q80 4:2:0 source, 1600 px q85 variant", q80, spec("z1600", 1600, Fit.INSIDE), true),
                new Case(
                        "same quality",
                        source(85, ChromaSubsampling.S420, false),
                        spec("z1600", 1600, Fit.INSIDE),
                        true),
                new Case(
                        "cover of exactly its size",
                        q80,
                        new VariantSpec("c", 320, 240, Fit.COVER, OutputFormat.JPEG, 85, false, 0xFFFFFF, List.of()),
                        true),
                new Case(
                        "source finer than the variant (q95)",
                        source(95, ChromaSubsampling.S420, false),
                        spec("z1600", 1600, Fit.INSIDE),
                        false),
                new Case(
                        "more chroma than the variant keeps (4:4:4)",
                        source(70, ChromaSubsampling.S444, false),
                        spec("z1600", 1600, Fit.INSIDE),
                        false),
                new Case(
                        "a 4:4:4 variant of a 4:2:0 source",
                        q80,
                        spec("z1600", 1600, Fit.INSIDE)
                                .withEncoding(OutputFormat.JPEG, 85, false, ChromaSubsampling.S444, false),
                        false),
                new Case(
                        "progressive source",
                        source(80, ChromaSubsampling.S420, true),
                        spec("z1600", 1600, Fit.INSIDE),
                        false),
                new Case(
                        "progressive variant",
                        q80,
                        spec("z1600", 1600, Fit.INSIDE)
                                .withEncoding(OutputFormat.JPEG, 85, true, ChromaSubsampling.S420, false),
                        false),
                new Case("resized", q80, spec("m300", 300, Fit.INSIDE), false),
                new Case("cropped", q80, spec("s150", 240, Fit.COVER), false),
                new Case(
                        "padded",
                        q80,
                        new VariantSpec("p", 400, 400, Fit.CONTAIN, OutputFormat.JPEG, 85, false, 0xFFFFFF, List.of()),
                        false),
                new Case(
                        "a filter",
                        q80,
                        spec("g", 1600, Fit.INSIDE).withFilters(List.of(new Filter.Grayscale())),
                        false),
                new Case(
                        "turned by the variant",
                        q80,
                        spec("t", 1600, Fit.INSIDE).withTurn(0, true, false),
                        false),
                new Case(
                        "another format",
                        q80,
                        spec("w", 1600, Fit.INSIDE)
                                .withEncoding(OutputFormat.WEBP, 85, false, ChromaSubsampling.S420, false),
                        false),
                new Case("an ICC profile", withSegment(q80, 0xE2, iccApp2()), spec("z1600", 1600, Fit.INSIDE), false),
                new Case(
                        "an Adobe RGB-transform marker",
                        withSegment(q80, 0xEE, new byte[] {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0}),
                        spec("z1600", 1600, Fit.INSIDE),
                        false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theSourceDataIsKeptOnlyWhenThePixelsWouldNotChange(Case c) throws RenderException {
        RenderedVariant variant = new Renderer(RenderLimits.defaults())
                .render(c.source(), List.of(c.spec()))
                .variants()
                .get(0);

        assertThat(endsWith(variant.bytes(), scan(c.source())))
                .as("the source's scan kept")
                .isEqualTo(c.passed());
        if (c.passed()) {
            BufferedImage decodedSource = RenderTestSupport.read(c.source());
            BufferedImage decodedVariant = RenderTestSupport.read(variant.bytes());
            assertThat(Pixels.psnr(decodedVariant, decodedSource)).isInfinite();
            assertThat(variant.width()).isEqualTo(320);
            assertThat(variant.height()).isEqualTo(240);
        }
    }

    @Test
    void metadataIsStrippedAsFromAnyVariant() throws RenderException {
        byte[] exif = "Exif\0\0MM\0*GPS-and-maker-notes".getBytes(StandardCharsets.ISO_8859_1);
        byte[] source = withSegment(
                withSegment(source(80, ChromaSubsampling.S420, false), 0xE1, exif),
                0xFE,
                "a comment".getBytes(StandardCharsets.US_ASCII));
        VariantSpec spec = spec("z1600", 1600, Fit.INSIDE);

        byte[] passed = new Renderer(RenderLimits.defaults())
                .render(source, List.of(spec))
                .variants()
                .get(0)
                .bytes();
        byte[] encoded = Encode.apply(scene(), spec, null);

        assertThat(endsWith(passed, scan(source))).isTrue();
        assertThat(contains(passed, "GPS-and-maker-notes")).isFalse();
        assertThat(contains(passed, "a comment")).isFalse();
        // the same headers as an encoded variant: SOI and JFIF APP0, byte for byte
        int app0 = 4 + ((encoded[4] & 0xFF) << 8 | encoded[5] & 0xFF);
        assertThat(Arrays.copyOf(passed, app0)).isEqualTo(Arrays.copyOf(encoded, app0));
    }

    @Test
    void aKeptCopyrightIsWrittenAsByTheEncoder() throws RenderException {
        byte[] source =
                withSegment(source(80, ChromaSubsampling.S420, false), 0xE1, ExifWriter.jpegApp1("(c) A Seller"));
        VariantSpec keeps = new VariantSpec(
                "z1600",
                1600,
                1600,
                Fit.INSIDE,
                Gravity.CENTER,
                0,
                false,
                false,
                false,
                0xFFFFFF,
                List.of(),
                OutputFormat.JPEG,
                85,
                false,
                ChromaSubsampling.S420,
                false,
                true);

        byte[] passed = new Renderer(RenderLimits.defaults())
                .render(source, List.of(keeps))
                .variants()
                .get(0)
                .bytes();

        assertThat(endsWith(passed, scan(source))).isTrue();
        assertThat(Exif.read("jpeg", passed).copyright()).isEqualTo("(c) A Seller");
    }

    @Test
    void twoVariantsThatComeToTheSameBytesAreEncodedOnce() throws RenderException {
        byte[] source = source(95, ChromaSubsampling.S420, false); // too fine to pass through
        List<VariantSpec> specs = List.of(spec("d800", 800, Fit.INSIDE), spec("z1600", 1600, Fit.INSIDE));

        List<RenderedVariant> variants =
                new Renderer(RenderLimits.defaults()).render(source, specs).variants();

        assertThat(variants.get(0).spec().name()).isEqualTo("d800");
        assertThat(variants.get(1).spec().name()).isEqualTo("z1600");
        assertThat(variants.get(0).bytes()).isSameAs(variants.get(1).bytes());
    }
}
