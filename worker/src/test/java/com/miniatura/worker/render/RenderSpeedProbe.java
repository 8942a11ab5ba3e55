package com.miniatura.worker.render;

import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Encode;
import com.miniatura.worker.render.filter.ToSrgb;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Not a test: a timing harness for {@link Renderer#render} on a folder of photos with the six reference
 * variants (the shipped defaults.yml catalog). Prints jobs/s and, single-threaded, a per-step split measured
 * by running the steps on their own (decode, colour conversion of the full decoded image, encoding of each
 * output the render encoded, not counting twins and passed-through variants; "rest" is total - decode -
 * encode, i.e. the box shrink, resampling, analysis copy, filters; "fullSrgb" is what converting the whole
 * decoded image to packed sRGB ints would cost, for reference: the renderer skips it for sRGB JPEGs).
 *
 * <pre>
 * java -cp worker/target/test-classes:worker/target/classes:common/target/classes:DEPS \
 *      com.miniatura.worker.render.RenderSpeedProbe DIR [passes=5] [threads=1]
 * </pre>
 */
public final class RenderSpeedProbe {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /** Whether both end in the same 4 KiB (or all of the shorter): a passed-through variant ends as its source. */
    private static boolean tailsMatch(byte[] variant, byte[] source) {
        int n = Math.min(4096, Math.min(variant.length, source.length));
        return Arrays.equals(variant, variant.length - n, variant.length, source, source.length - n, source.length);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        List<byte[]> sources = new ArrayList<>();
        for (Path f : files) {
            sources.add(Files.readAllBytes(f));
        }
        List<VariantSpec> variants = RenderTestSupport.referenceVariants();
        Renderer renderer = new Renderer(RenderLimits.defaults());

        for (int i = 0; i < 3; i++) { // warm-up: JIT and ImageIO plugin initialisation
            for (byte[] s : sources) {
                renderer.render(s, variants);
            }
        }
        if (threads > 1) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int p = 0; p < passes; p++) {
                        for (byte[] s : sources) {
                            renderer.render(s, variants);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d threads, %.2f jobs/s total%n",
                    dir.getFileName(),
                    threads,
                    threads * passes * sources.size() / seconds);
            return;
        }

        double[] total = new double[sources.size()];
        double[] cpu = new double[sources.size()];
        double[] decode = new double[sources.size()];
        double[] colour = new double[sources.size()];
        double[] encode = new double[sources.size()];
        for (int p = 0; p < passes; p++) {
            for (int i = 0; i < sources.size(); i++) {
                byte[] s = sources.get(i);
                long c0 = CPU.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                RenderResult result = renderer.render(s, variants);
                long t1 = System.nanoTime();
                cpu[i] += (CPU.getCurrentThreadCpuTime() - c0) / 1e6;
                Decode.Decoded decoded = Decode.decode(
                        s, RenderLimits.defaults(), Deadline.start(Duration.ofMinutes(1), System::nanoTime));
                long t2 = System.nanoTime();
                ToSrgb.apply(decoded.image());
                long t3 = System.nanoTime();
                long enc = 0;
                Set<byte[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                for (RenderedVariant v : result.variants()) {
                    // not encoded by this render: a twin's bytes, or the source's own data (Passthrough)
                    if (!seen.add(v.bytes()) || tailsMatch(v.bytes(), s)) {
                        continue;
                    }
                    BufferedImage out = RenderTestSupport.read(v.bytes());
                    BufferedImage rgb = new BufferedImage(out.getWidth(), out.getHeight(), BufferedImage.TYPE_INT_RGB);
                    rgb.getGraphics().drawImage(out, 0, 0, null);
                    long e0 = System.nanoTime();
                    Encode.apply(rgb, v.spec(), null);
                    enc += System.nanoTime() - e0;
                }
                total[i] += (t1 - t0) / 1e6;
                decode[i] += (t2 - t1) / 1e6;
                colour[i] += (t3 - t2) / 1e6;
                encode[i] += enc / 1e6;
            }
        }
        double sum = 0;
        System.out.printf(
                Locale.ROOT,
                "%-36s %9s %8s %8s %8s %8s %11s%n",
                "file",
                "size",
                "total",
                "decode",
                "fullSrgb",
                "encode",
                "rest");
        double[] sums = new double[5];
        for (int i = 0; i < sources.size(); i++) {
            Decode.Decoded d = Decode.decode(sources.get(i), RenderLimits.defaults());
            double t = total[i] / passes;
            double de = decode[i] / passes;
            double c = colour[i] / passes;
            double e = encode[i] / passes;
            System.out.printf(
                    Locale.ROOT,
                    "%-36s %9s %8.1f %8.1f %8.1f %8.1f %11.1f%n",
                    files.get(i).getFileName(),
                    d.image().getWidth() + "x" + d.image().getHeight(),
                    t,
                    de,
                    c,
                    e,
                    t - de - e);
            sum += t;
            sums[0] += t;
            sums[1] += de;
            sums[2] += c;
            sums[3] += e;
        }
        System.out.printf(
                Locale.ROOT,
                "%-36s %9s %8.1f %8.1f %8.1f %8.1f %11.1f%n",
                "mean",
                "",
                sums[0] / sources.size(),
                sums[1] / sources.size(),
                sums[2] / sources.size(),
                sums[3] / sources.size(),
                (sums[0] - sums[1] - sums[3]) / sources.size());
        double cpuSum = Arrays.stream(cpu).sum() / passes;
        System.out.printf(
                Locale.ROOT,
                "%s: %.2f jobs/s single-threaded (%.1f ms per job, %d passes); by thread CPU time"
                        + " %.2f jobs/s (%.1f ms)%n",
                dir.getFileName(),
                sources.size() * 1000.0 / sum,
                sum / sources.size(),
                passes,
                sources.size() * 1000.0 / cpuSum,
                cpuSum / sources.size());
    }
}
