package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The memory model ({@link Footprint}) is enough: every kind of source (each decoder, colour model, bit depth, alpha,
 * libjpeg-turbo and ImageIO) renders every reference variant in a JVM whose old generation has only its estimate
 * free, as a pod's heap has once the budget admitted it. The JVM runs the serial collector with a 2 MB young
 * generation, so every array of more than about 1.5 MB must fit in that room; an estimate too low fails here
 * with an {@code OutOfMemoryError}. (How much of its estimate each kind really needs: {@link FootprintCalibration},
 * figures in docs/reliability.md.)
 */
class MemoryModelTest {

    @Test
    void everyKindOfSourceRendersInTheMemoryItsEstimateReserves() throws Exception {
        List<FootprintInputs.Kind> kinds = FootprintInputs.kinds().stream()
                .filter(kind -> !kind.useNative() || TurboJpeg.load().isPresent())
                .toList();
        List<String> arguments = new ArrayList<>();
        for (FootprintInputs.Kind kind : kinds) {
            arguments.add(kind.file() + "|" + kind.useNative() + "|1.0|" + FootprintInputs.warmup(kind));
        }

        List<String> lines = FootprintCalibration.run(arguments);

        for (int i = 0; i < kinds.size(); i++) {
            String[] result = lines.get(i).split(" ");
            System.out.printf(
                    "%-34s %s with %5.1f MB of old generation free (the estimate)%n",
                    kinds.get(i).name(), result[0], Long.parseLong(result[2]) / 1048576.0);
        }
        assertThat(lines)
                .as("one line per kind: OK, or OOM when its estimate is too low")
                .allSatisfy(line -> assertThat(line).startsWith("OK "));
    }

    /**
     * Regression: the JDK's PNG reader catches an {@code OutOfMemoryError} and wraps it ("Caught exception during
     * read"), which was reported as "corrupt image": a good PNG refused for the worker's lack of memory. It is
     * rethrown now. A render left half its estimate (too little for the decoded image itself) must run out of memory
     * in the decoder, not call the PNG corrupt.
     */
    @Test
    void anOutOfMemoryErrorTheDecoderWrapsIsNotCalledCorrupt() throws Exception {
        FootprintInputs.Kind png = FootprintInputs.kinds().stream()
                .filter(k -> k.name().equals("rgb.png"))
                .findFirst()
                .orElseThrow();

        List<String> lines =
                FootprintCalibration.run(List.of(png.file() + "|false|0.5|" + FootprintInputs.warmup(png)));

        assertThat(lines).singleElement().asString().matches("OOM [1-9]\\d* \\d+ rgb\\.png");
    }
}
