package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.filter.ToSrgb;
import com.miniatura.worker.render.geometry.Orient;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture under {@code ../shared/fixtures/images} either decodes (expected format, upright size,
 * orientation, no copyright: none of them has one) or is refused with the expected reason and message. A
 * fixture added without a row here fails {@link #everyFixtureHasARow()}.
 */
class DecodeFixturesTest {

    /** A fixture and what decoding it must give: format, upright size and orientation, or a refusal. */
    record Row(String path, String format, int width, int height, int orientation, Reason reason, String message) {
        static Row decodes(String path, String format, int width, int height, int orientation) {
            return new Row(path, format, width, height, orientation, null, null);
        }

        static Row refused(String path, Reason reason, String message) {
            return new Row(path, null, 0, 0, 0, reason, message);
        }

        @Override
        public String toString() {
            return path;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                Row.decodes("catalog/2569067123_aca715a2ee_o-1024.jpg", "jpeg", 1024, 836, 1),
                Row.decodes("catalog/DSCN0010-1024.jpg", "jpeg", 640, 480, 1),
                Row.decodes("catalog/HMD_Nokia_8.3_5G-1024.jpg", "jpeg", 1024, 439, 1),
                Row.decodes("catalog/flowers-1024.jpg", "jpeg", 1024, 576, 1),
                Row.decodes("catalog/iphone_hdr_NO-1024.jpg", "jpeg", 1024, 768, 1),
                Row.decodes("catalog/nikon-e950-1024.jpg", "jpeg", 800, 600, 1),
                Row.decodes("color/Channel_digital_image_CMYK_color.jpg", "jpeg", 500, 333, 1),
                Row.decodes("color/with-alpha.png", "png", 256, 192, 1),
                Row.decodes("formats/320x240.jpg", "jpeg", 320, 240, 1),
                Row.decodes("formats/4.webp", "webp", 1024, 772, 1),
                Row.decodes("formats/rotating-squares.gif", "gif", 80, 80, 1),
                Row.refused(
                        "invalid/truncated.jpg",
                        Reason.CORRUPT,
                        "truncated image: the JPEG file stops after 10000 bytes, before the image is complete"),
                Row.decodes("orientation/Landscape_1.jpg", "jpeg", 600, 450, 1),
                Row.decodes("orientation/Landscape_2.jpg", "jpeg", 600, 450, 2),
                Row.decodes("orientation/Landscape_3.jpg", "jpeg", 600, 450, 3),
                Row.decodes("orientation/Landscape_4.jpg", "jpeg", 600, 450, 4),
                Row.decodes("orientation/Landscape_5.jpg", "jpeg", 600, 450, 5),
                Row.decodes("orientation/Landscape_6.jpg", "jpeg", 600, 450, 6),
                Row.decodes("orientation/Landscape_7.jpg", "jpeg", 600, 450, 7),
                Row.decodes("orientation/Landscape_8.jpg", "jpeg", 600, 450, 8),
                Row.decodes("photos/2569067123_aca715a2ee_o.jpg", "jpeg", 2725, 2225, 1),
                Row.decodes("photos/DSCN0010.jpg", "jpeg", 640, 480, 1),
                Row.decodes("photos/HMD_Nokia_8.3_5G.jpg", "jpeg", 4608, 1976, 1),
                Row.decodes("photos/flowers.jpeg", "jpeg", 1920, 1080, 1),
                Row.decodes("photos/iphone_hdr_NO.jpg", "jpeg", 3264, 2448, 1),
                Row.decodes("photos/nikon-e950.jpg", "jpeg", 800, 600, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decodesOrRefusesEachFixture(Row row) throws RenderException {
        byte[] source = RenderTestSupport.fixture(row.path());

        if (row.reason() != null) {
            RenderException e =
                    catchThrowableOfType(RenderException.class, () -> Decode.decode(source, RenderLimits.defaults()));
            assertThat(e).as("expected a refusal").isNotNull();
            assertThat(e.reason()).isEqualTo(row.reason());
            assertThat(e.getMessage()).isEqualTo(row.message());
            return;
        }
        Decode.Decoded decoded = Decode.decode(source, RenderLimits.defaults());
        BufferedImage upright =
                ToSrgb.apply(Orient.apply(decoded.image(), decoded.metadata().orientation()));

        assertThat(decoded.format()).isEqualTo(row.format());
        assertThat(decoded.metadata()).isEqualTo(new SourceMetadata(row.orientation(), null));
        assertThat(new int[] {upright.getWidth(), upright.getHeight()}).containsExactly(row.width(), row.height());
        assertThat(upright.getColorModel().getColorSpace().isCS_sRGB()).isTrue();
    }

    @Test
    void everyFixtureHasARow() throws IOException {
        Path root = RenderTestSupport.fixtures();
        Set<String> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.endsWith(".md") && !p.startsWith("."))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> covered = rows().map(Row::path).collect(Collectors.toCollection(TreeSet::new));

        assertThat(covered).isEqualTo(files);
    }
}
