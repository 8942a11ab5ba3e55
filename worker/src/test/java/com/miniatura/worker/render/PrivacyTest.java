package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.testing.ExternalTools;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Encode;
import com.miniatura.worker.render.codec.ExifWriter;
import com.miniatura.worker.render.filter.ToSrgb;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real camera photo ({@code photos/DSCN0010.jpg}: GPS position, Nikon maker notes) rendered through
 * {@link Encode} in every format: nothing of its metadata comes out, and with {@code keep-copyright} exactly one
 * metadata block comes out, holding the copyright and nothing else.
 */
class PrivacyTest {

    static final String COPYRIGHT = "© 2008 Example Photographer";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static BufferedImage rgb;
    private static BufferedImage argb;

    @TempDir
    Path dir;

    @BeforeAll
    static void decodeThePhoto() throws RenderException {
        byte[] source = RenderTestSupport.fixture("photos/DSCN0010.jpg");
        String raw = new String(source, StandardCharsets.ISO_8859_1);
        assertThat(raw).as("the source carries EXIF and Nikon maker notes").contains("Exif\0\0", "Nikon\0");
        // IFD0 entry "GPS IFD pointer" (tag 0x8825, LONG, count 1), little-endian
        assertThat(raw).as("the source has a GPS block").contains("\u0025\u0088\u0004\u0000\u0001\u0000\u0000\u0000");
        rgb = ToSrgb.apply(Decode.decode(source, RenderLimits.defaults()).image());
        argb = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_INT_ARGB);
        int[] pixels = EncodePngTest.pixels(rgb);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % rgb.getWidth() < 100 ? 0x80000000 : 0xFF000000)
                    | pixels[i] & 0xFFFFFF; // half-transparent strip
        }
        argb.setRGB(0, 0, rgb.getWidth(), rgb.getHeight(), pixels, 0, rgb.getWidth());
    }

    record Output(
            String label,
            OutputFormat format,
            boolean alpha,
            boolean progressive,
            ChromaSubsampling chroma,
            boolean lossless,
            boolean keepCopyright) {
        @Override
        public String toString() {
            return label + (keepCopyright ? ", keep-copyright" : "");
        }

        VariantSpec spec() {
            return RenderTestSupport.spec("v", 640, 640, Fit.INSIDE, format, 80, false, 0xFFFFFF)
                    .withEncoding(format, 80, progressive, chroma, lossless)
                    .withKeepCopyright(keepCopyright);
        }
    }

    static Stream<Output> outputs() {
        List<Output> outputs = new ArrayList<>();
        for (boolean keep : new boolean[] {false, true}) {
            outputs.add(new Output(
                    "jpeg baseline 4:2:0", OutputFormat.JPEG, false, false, ChromaSubsampling.S420, false, keep));
            outputs.add(new Output(
                    "jpeg progressive 4:4:4", OutputFormat.JPEG, false, true, ChromaSubsampling.S444, false, keep));
            outputs.add(new Output("png", OutputFormat.PNG, false, false, ChromaSubsampling.S420, false, keep));
            outputs.add(
                    new Output("png with alpha", OutputFormat.PNG, true, false, ChromaSubsampling.S420, false, keep));
            outputs.add(new Output("webp lossy", OutputFormat.WEBP, false, false, ChromaSubsampling.S420, false, keep));
            outputs.add(new Output(
                    "webp lossy with alpha", OutputFormat.WEBP, true, false, ChromaSubsampling.S420, false, keep));
            outputs.add(
                    new Output("webp lossless", OutputFormat.WEBP, false, false, ChromaSubsampling.S420, true, keep));
            outputs.add(new Output(
                    "webp lossless with alpha", OutputFormat.WEBP, true, false, ChromaSubsampling.S420, true, keep));
        }
        return outputs.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outputs")
    void onlyTheCopyrightCanLeave(Output output) {
        byte[] bytes = Encode.apply(output.alpha() ? argb : rgb, output.spec(), COPYRIGHT);

        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(all.toLowerCase(Locale.ROOT)).as("maker and maker notes").doesNotContain("nikon");
        assertThat(all).as("XMP, ICC").doesNotContain("http://ns.adobe.com/xap", "<x:xmpmeta", "ICC_PROFILE");

        Metadata metadata = metadata(output.format(), bytes);
        // short strings are looked for only outside compressed pixel data, where they could occur by chance
        assertThat(new String(metadata.bytes(), StandardCharsets.ISO_8859_1))
                .as("metadata bytes")
                .doesNotContain("GPS", "Nikon", "NIKON", "COOLPIX");
        assertThat(metadata.blocks())
                .as("metadata blocks")
                .containsExactlyElementsOf(
                        output.keepCopyright() ? List.of(metadata.expectedCopyrightBlock()) : List.of());
        if (output.keepCopyright() && output.format() != OutputFormat.PNG) {
            EncodeCopyrightTest.Ifd ifd = EncodeCopyrightTest.ifd0(metadata.tiff());
            assertThat(ifd.tags()).as("IFD0 tags").containsExactly(ExifWriter.COPYRIGHT_TAG);
            assertThat(ifd.copyright()).isEqualTo(COPYRIGHT);
            assertThat(ifd.nextIfd()).as("no IFD1").isZero();
        }
        if (output.keepCopyright() && output.format() == OutputFormat.PNG) {
            assertThat(new String(metadata.tiff(), StandardCharsets.ISO_8859_1)).isEqualTo("Copyright\0" + COPYRIGHT);
        }
        int exifIdentifiers = all.split("Exif\0\0", -1).length - 1;
        assertThat(exifIdentifiers)
                .as("'Exif\\0\\0' identifiers (JPEG APP1 only)")
                .isEqualTo(output.keepCopyright() && output.format() == OutputFormat.JPEG ? 1 : 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outputs")
    void exiftoolFindsNothingButTheCopyright(Output output) throws IOException, InterruptedException {
        Path exiftool = ExternalTools.require("exiftool", "libimage-exiftool-perl");
        Path file = dir.resolve("out." + output.format().extension());
        Files.write(file, Encode.apply(output.alpha() ? argb : rgb, output.spec(), COPYRIGHT));

        Process process = new ProcessBuilder(exiftool.toString(), "-j", "-a", "-G1", file.toString()).start();
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        process.getInputStream().transferTo(json);
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("exiftool finished")
                .isTrue();
        assertThat(process.exitValue()).isZero();

        @SuppressWarnings("unchecked")
        Map<String, Object> tags = (Map<String, Object>)
                JSON.readValue(json.toByteArray(), List.class).get(0);
        List<String> groups = tags.keySet().stream()
                .filter(k -> k.contains(":"))
                .map(k -> k.substring(0, k.indexOf(':')))
                .distinct()
                .sorted()
                .toList();
        assertThat(groups)
                .as("tag groups exiftool reports")
                .doesNotContain(
                        "GPS",
                        "Nikon",
                        "MakerNotes",
                        "ICC_Profile",
                        "ICC-header",
                        "ExifIFD",
                        "IFD1",
                        "XMP-x",
                        "XMP-tiff",
                        "XMP-exif",
                        "InteropIFD");
        assertThat(tags.keySet()).as("no GPS tags").noneMatch(k -> k.contains("GPS"));
        List<String> copyrights =
                tags.keySet().stream().filter(k -> k.endsWith(":Copyright")).toList();
        if (output.keepCopyright()) {
            String expectedKey = output.format() == OutputFormat.PNG ? "PNG:Copyright" : "IFD0:Copyright";
            assertThat(copyrights).containsExactly(expectedKey);
            assertThat(tags.get(expectedKey)).isEqualTo(COPYRIGHT);
            assertThat(tags.keySet().stream().filter(k -> k.startsWith("IFD0:")))
                    .as("IFD0 holds only the copyright")
                    .allMatch(k -> k.equals("IFD0:Copyright"));
        } else {
            assertThat(copyrights).isEmpty();
            assertThat(groups).doesNotContain("IFD0");
        }
    }

    /**
     * The metadata of a file: every byte outside compressed pixel data, and the metadata blocks it holds (APPn
     * other than JFIF's APP0 and COM segments, PNG ancillary chunks, WebP chunks other than image data).
     *
     * @param tiff the payload of the copyright block (TIFF for JPEG without its Exif prefix, and WebP; the text
     *             chunk for PNG), or {@code null}
     */
    record Metadata(byte[] bytes, List<String> blocks, String expectedCopyrightBlock, byte[] tiff) {}

    static Metadata metadata(OutputFormat format, byte[] file) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> blocks = new ArrayList<>();
        byte[] tiff = null;
        switch (format) {
            case JPEG -> {
                for (EncodeJpegTest.Segment s : EncodeJpegTest.segments(file)) {
                    bytes.writeBytes(s.payload());
                    boolean app = s.marker() >= 0xE0 && s.marker() <= 0xEF;
                    if (app
                                    && !(s.marker() == 0xE0
                                            && new String(s.payload(), 0, 5, StandardCharsets.ISO_8859_1)
                                                    .equals("JFIF\0"))
                            || s.marker() == 0xFE) {
                        blocks.add(String.format(
                                "APP%d %s",
                                s.marker() - 0xE0,
                                new String(
                                        s.payload(), 0, Math.min(4, s.payload().length), StandardCharsets.ISO_8859_1)));
                        if (s.marker() == 0xE1) {
                            tiff = Arrays.copyOfRange(s.payload(), 6, s.payload().length);
                        }
                    }
                }
                return new Metadata(bytes.toByteArray(), blocks, "APP1 Exif", tiff);
            }
            case PNG -> {
                for (EncodePngTest.Chunk c : EncodePngTest.chunks(file)) {
                    if (!c.type().equals("IDAT")) {
                        bytes.writeBytes(c.data());
                    }
                    if (!List.of("IHDR", "PLTE", "IDAT", "IEND").contains(c.type())) {
                        blocks.add(c.type());
                        tiff = c.data();
                    }
                }
                return new Metadata(bytes.toByteArray(), blocks, "tEXt", tiff);
            }
            case WEBP -> {
                for (WebpEncodeTest.Chunk c : WebpEncodeTest.chunks(file)) {
                    if (!List.of("VP8 ", "VP8L", "ALPH").contains(c.fourCc())) {
                        bytes.writeBytes(c.payload());
                        if (!c.fourCc().equals("VP8X")) {
                            blocks.add(c.fourCc());
                            tiff = c.payload();
                        }
                    }
                }
                return new Metadata(bytes.toByteArray(), blocks, "EXIF", tiff);
            }
            default -> throw new IllegalArgumentException("unknown format " + format);
        }
    }
}
