package com.miniatura.worker.render;

import com.miniatura.worker.render.codec.Luma;
import com.miniatura.worker.render.quality.Ssim;
import com.miniatura.worker.render.resample.OpaqueResample;
import com.miniatura.worker.render.resample.Planes.Plane;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import net.coobird.thumbnailator.Thumbnails;

/**
 * Not a test: the AVIF measurements behind {@code AvifQuality} and {@link Avif}'s settings (bench/avif.sh runs it).
 *
 * <ul>
 *   <li>{@code calibrate FILE…}: each file resized to 150, 300, 800 and 1600 px, encoded as JPEG (libjpeg-turbo,
 *       4:2:0) at q50..90 and as AVIF at q30..80; bytes in total and the mean luma SSIM of each against the resized
 *       pixels, and the mean AV1 encode time. Reading off equal SSIMs gives the JPEG → AVIF table.</li>
 *   <li>{@code speed FILE…}: AVIF at libaom speeds 8 and 6, q45..75, at 300, 800 and 1600 px: bytes, SSIM, time.</li>
 *   <li>{@code memory W H [encode]}: one W × H AVIF encode (or none), for the RSS that /usr/bin/time reports.</li>
 * </ul>
 */
public final class AvifProbe {

    private AvifProbe() {}

    public static void main(String[] args) throws Exception {
        Avif avif = Avif.load().orElseThrow(() -> new IllegalStateException(Avif.absence()));
        String[] files = java.util.Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "calibrate" -> calibrate(avif, files);
            case "speed" -> speed(avif, files);
            case "memory" -> memory(avif, Integer.parseInt(args[1]), Integer.parseInt(args[2]), args.length > 3);
            default -> throw new IllegalArgumentException("calibrate, speed or memory, not " + args[0]);
        }
    }

    private static void calibrate(Avif avif, String[] files) throws Exception {
        TurboJpeg turbo = TurboJpeg.load().orElseThrow(() -> new IllegalStateException("no libjpeg-turbo"));
        int[] jpegQualities = {50, 60, 70, 80, 90};
        int[] avifQualities = {30, 40, 50, 60, 70, 80};
        for (int size : new int[] {150, 300, 800, 1600}) {
            double[] jpegSsim = new double[jpegQualities.length];
            double[] avifSsim = new double[avifQualities.length];
            long[] jpegBytes = new long[jpegQualities.length];
            long[] avifBytes = new long[avifQualities.length];
            long nanos = 0;
            for (String file : files) {
                BufferedImage bgr = resized(file, size);
                byte[] pixels = OpaqueResample.bytes(bgr);
                int w = bgr.getWidth();
                int h = bgr.getHeight();
                Plane reference = Luma.of(bgr);
                for (int i = 0; i < jpegQualities.length; i++) {
                    byte[] jpeg =
                            turbo.encode(pixels, w, h, w * 3, TurboJpeg.Subsampling.S420, jpegQualities[i], false);
                    jpegBytes[i] += jpeg.length;
                    jpegSsim[i] += Ssim.of(Luma.decoded(jpeg, Optional.of(turbo)), reference) / files.length;
                }
                for (int i = 0; i < avifQualities.length; i++) {
                    long started = System.nanoTime();
                    byte[] encoded = avif.encode(pixels, w, h, avifQualities[i], null);
                    nanos += System.nanoTime() - started;
                    avifBytes[i] += encoded.length;
                    avifSsim[i] += ssim(avif, encoded, reference) / files.length;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%d px (AVIF encode %.0f ms mean)%n",
                    size,
                    nanos / 1e6 / (files.length * avifQualities.length));
            for (int i = 0; i < jpegQualities.length; i++) {
                System.out.printf(
                        Locale.ROOT, "  jpeg q%d %9d B  SSIM %.4f%n", jpegQualities[i], jpegBytes[i], jpegSsim[i]);
            }
            for (int i = 0; i < avifQualities.length; i++) {
                System.out.printf(
                        Locale.ROOT, "  avif q%d %9d B  SSIM %.4f%n", avifQualities[i], avifBytes[i], avifSsim[i]);
            }
        }
    }

    private static void speed(Avif avif, String[] files) throws Exception {
        int[] qualities = {45, 55, 65, 75};
        for (int speed : new int[] {8, 6}) {
            for (int size : new int[] {300, 800, 1600}) {
                long[] bytes = new long[qualities.length];
                double[] ssim = new double[qualities.length];
                long nanos = 0;
                for (String file : files) {
                    BufferedImage bgr = resized(file, size);
                    byte[] pixels = OpaqueResample.bytes(bgr);
                    Plane reference = Luma.of(bgr);
                    for (int i = 0; i < qualities.length; i++) {
                        avif.encodeAtSpeed(pixels, bgr.getWidth(), bgr.getHeight(), qualities[i], speed); // warm
                        long started = System.nanoTime();
                        byte[] encoded =
                                avif.encodeAtSpeed(pixels, bgr.getWidth(), bgr.getHeight(), qualities[i], speed);
                        nanos += System.nanoTime() - started;
                        bytes[i] += encoded.length;
                        ssim[i] += ssim(avif, encoded, reference) / files.length;
                    }
                }
                System.out.printf(
                        Locale.ROOT,
                        "speed %d, %d px: %.0f ms an encode;",
                        speed,
                        size,
                        nanos / 1e6 / (files.length * qualities.length));
                for (int i = 0; i < qualities.length; i++) {
                    System.out.printf(Locale.ROOT, " q%d %d B %.4f;", qualities[i], bytes[i], ssim[i]);
                }
                System.out.println();
            }
        }
    }

    private static void memory(Avif avif, int width, int height, boolean encode) throws Exception {
        byte[] pixels = new byte[Math.multiplyExact(width * 3, height)];
        Random random = new Random(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) ((i / 3 % width) * 255 / width + random.nextInt(16));
        }
        if (encode) {
            long started = System.nanoTime();
            byte[] encoded = avif.encode(pixels, width, height, 60, null);
            System.out.printf(
                    Locale.ROOT,
                    "%dx%d: %d bytes in %.0f ms%n",
                    width,
                    height,
                    encoded.length,
                    (System.nanoTime() - started) / 1e6);
        }
    }

    private static BufferedImage resized(String file, int size) throws Exception {
        return OpaqueResample.plain(
                Thumbnails.of(ImageIO.read(new File(file))).size(size, size).asBufferedImage());
    }

    private static double ssim(Avif avif, byte[] encoded, Plane reference) throws Avif.Failure {
        Avif.Decoded decoded = avif.decode(encoded, (long) reference.width() * reference.height());
        return Ssim.of(Luma.ofBgr(decoded.bgr(), decoded.width(), decoded.height()), reference);
    }
}
