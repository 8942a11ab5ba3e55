package com.miniatura.worker.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.filter.ToSrgb;
import com.miniatura.worker.render.geometry.Orient;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damaged and hostile versions of every input format: each either decodes and converts, or is refused with a
 * {@link RenderException}. Nothing unchecked may escape: it would be retried as a transient failure. (Among
 * what the mutations make decoders throw: ArrayIndexOutOfBounds, NegativeArraySize, ClassCast, NullPointer,
 * CMMException.) Mutations are seeded, so a failure is reproducible from the seed it prints.
 */
class HostileInputTest {

    /** Mutated files per seed file. */
    private static final int MUTATIONS = 300;
    /** Small enough that a mutated header cannot make a decoder allocate much. */
    private static final RenderLimits LIMITS = new RenderLimits(10_000_000, 4_000_000, 100, Duration.ofSeconds(20));

    record Seed(String label, Supplier<byte[]> bytes) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Seed> seeds() {
        byte[] p3 = SyntheticInputs.matrixProfile("P3", SyntheticInputs.DISPLAY_P3, 0);
        return Stream.of(
                new Seed("JPEG baseline", () -> SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false)),
                new Seed("JPEG progressive", () -> SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), true)),
                new Seed(
                        "JPEG with a P3 profile",
                        () -> SyntheticInputs.withIccProfile(
                                SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), false), p3, 65519)),
                new Seed("JPEG YCCK", () -> SyntheticInputs.cmykJpeg(true, null)),
                new Seed("PNG RGBA", () -> SyntheticInputs.png(SyntheticInputs.argbPatches())),
                new Seed(
                        "PNG palette with iCCP",
                        () -> SyntheticInputs.afterIhdr(
                                SyntheticInputs.png(SyntheticInputs.palettePatches(-1)),
                                SyntheticInputs.iccpChunk(p3))),
                new Seed("PNG 16-bit gray", () -> SyntheticInputs.png(SyntheticInputs.grayPatches(16))),
                new Seed("GIF", () -> SyntheticInputs.gif(SyntheticInputs.palettePatches(3))),
                new Seed("GIF of 5 frames", () -> SyntheticInputs.gifFrames(5)),
                new Seed("WebP lossy with alpha", () -> SyntheticInputs.webp(SyntheticInputs.argbPatches(), false)),
                new Seed(
                        "WebP lossless with ICCP",
                        () -> SyntheticInputs.webpWith(
                                SyntheticInputs.webp(SyntheticInputs.rgbPatches(), true),
                                SyntheticInputs.WIDTH,
                                SyntheticInputs.HEIGHT,
                                p3,
                                SyntheticInputs.exif(true, 6, null))),
                new Seed("BMP", () -> SyntheticInputs.bmp(SyntheticInputs.rgbPatches())),
                new Seed("TIFF (TwelveMonkeys writer)", () -> SyntheticInputs.tiff(SyntheticInputs.rgbPatches())),
                new Seed(
                        "TIFF by hand with EXIF tags",
                        () -> SyntheticInputs.rgbTiff(
                                false,
                                List.of(
                                        SyntheticInputs.Entry.shortValue(SyntheticInputs.TAG_ORIENTATION, 8),
                                        SyntheticInputs.Entry.ascii(
                                                SyntheticInputs.TAG_COPYRIGHT, "(c) Test".getBytes())))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seeds")
    void damagedFilesDecodeOrAreRefusedButNeverThrowUnchecked(Seed seed) {
        byte[] original = seed.bytes().get();
        Random random = new Random(seed.label().hashCode());
        Map<RenderException.Reason, Integer> reasons = new EnumMap<>(RenderException.Reason.class);
        int decoded = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            long mutationSeed = random.nextLong();
            Mutation mutation = mutate(original, new Random(mutationSeed));
            try {
                Decode.Decoded result = Decode.decode(mutation.bytes(), LIMITS);
                BufferedImage upright =
                        Orient.apply(result.image(), result.metadata().orientation());
                ToSrgb.apply(upright);
                decoded++;
            } catch (RenderException e) {
                reasons.merge(e.reason(), 1, Integer::sum);
                assertThat(e.getMessage()).isNotBlank();
            } catch (Throwable t) {
                fail("%s, mutation seed %d (%s): %s escaped", seed.label(), mutationSeed, mutation.description(), t, t);
            }
        }
        System.out.printf("%-30s %d mutations: %d decoded, refused %s%n", seed.label(), MUTATIONS, decoded, reasons);
    }

    record Mutation(byte[] bytes, String description) {}

    /** One of: flipped bytes, a truncation, a run of 0x00/0xFF, or a duplicated slice. */
    static Mutation mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        int kind = random.nextInt(4);
        switch (kind) {
            case 0 -> {
                int count = 1 + random.nextInt(8);
                // bias towards headers, where lengths and sizes live
                for (int i = 0; i < count; i++) {
                    int at = random.nextBoolean() ? random.nextInt(Math.min(b.length, 200)) : random.nextInt(b.length);
                    b[at] = (byte) random.nextInt(256);
                }
                return new Mutation(b, count + " random bytes");
            }
            case 1 -> {
                int length = 1 + random.nextInt(b.length - 1);
                return new Mutation(Arrays.copyOf(b, length), "cut to " + length + " bytes");
            }
            case 2 -> {
                int at = random.nextInt(b.length);
                int run = 1 + random.nextInt(16);
                byte value = random.nextBoolean() ? 0 : (byte) 0xFF;
                for (int i = at; i < Math.min(b.length, at + run); i++) {
                    b[i] = value;
                }
                return new Mutation(b, run + " bytes of " + (value & 0xFF) + " at " + at);
            }
            default -> {
                int from = random.nextInt(b.length);
                int length = 1 + random.nextInt(Math.min(64, b.length - from));
                int at = random.nextInt(b.length);
                byte[] out = new byte[b.length + length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, from, out, at, length);
                System.arraycopy(b, at, out, at + length, b.length - at);
                return new Mutation(out, length + " bytes from " + from + " inserted at " + at);
            }
        }
    }
}
