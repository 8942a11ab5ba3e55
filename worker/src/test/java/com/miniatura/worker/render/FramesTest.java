package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Frames;
import com.miniatura.worker.render.codec.SourceFormat;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Regression tests for what fuzzing {@link Frames} found (docs/fuzzing.md, FramesFuzzTest, DecodeFuzzTest). */
class FramesTest {

    /** F1: "MM\0*" and three more bytes; FormatSniffer names it TIFF from the first four. */
    private static final byte[] TIFF_CUT_IN_THE_IFD_OFFSET = HexFormat.of().parseHex("4d4d002a0006b9");

    @Test
    void tiffFrameCountOfAHeaderCutInTheIfdOffsetDoesNotThrow() throws RenderException {
        assertThat(SourceFormat.of(TIFF_CUT_IN_THE_IFD_OFFSET)).isEqualTo("tiff");

        assertThat(Frames.count("tiff", TIFF_CUT_IN_THE_IFD_OFFSET)).isEqualTo(1);
    }

    @Test
    void decodeRefusesATiffHeaderCutInTheIfdOffset() {
        for (int length = 4; length < 8; length++) {
            byte[] cut = Arrays.copyOf(TIFF_CUT_IN_THE_IFD_OFFSET, length);
            assertThatThrownBy(() -> Decode.decode(cut, DecodeFuzzTest.LIMITS))
                    .as("%d bytes", length)
                    .isInstanceOf(RenderException.class);
        }
    }
}
