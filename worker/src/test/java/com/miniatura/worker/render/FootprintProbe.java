package com.miniatura.worker.render;

import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Opened;
import com.miniatura.worker.render.step.DecodePlan;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Run in a JVM of its own by {@code MemoryModelTest}: renders files one after another, each with only as much
 * old-generation heap left free as {@link Footprint} estimates (times a share), the rest taken by a ballast
 * array, and prints {@code OK}, {@code OOM} or {@code FAILED}, the estimate and the bytes left, one line per file.
 * With the serial collector (as pods run) and a 2 MB young generation, every array larger than about 1.5 MB is
 * allocated in the old generation, so the estimate is what the render must fit in.
 *
 * <pre>java -XX:+UseSerialGC -Xmn2m -Xmx1g FootprintProbe FILE|NATIVE|SHARE|WARMUP_FILE ...</pre>
 */
public final class FootprintProbe {

    private FootprintProbe() {}

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            String[] parts = arg.split("\\|");
            String line;
            try {
                line = probe(
                        Path.of(parts[0]),
                        Boolean.parseBoolean(parts[1]),
                        Double.parseDouble(parts[2]),
                        Path.of(parts[3]));
            } catch (OutOfMemoryError e) {
                line = "OOM 0 0 " + Path.of(parts[0]).getFileName() + " (outside the render)";
            }
            System.gc();
            System.out.println(line);
        }
    }

    static String probe(Path file, boolean useNative, double share, Path warmupFile) throws Exception {
        byte[] source = Files.readAllBytes(file);
        byte[] warmup = Files.readAllBytes(warmupFile);
        Optional<TurboJpeg> turbo = useNative ? TurboJpeg.load() : Optional.empty();
        List<VariantSpec> variants = RenderTestSupport.referenceVariants();
        RenderLimits limits = RenderLimits.defaults();
        // the same format, tiny: loads the reader's, writers' and colour engine's classes and tables first
        new Renderer(limits, Watermarks.NONE, new MemoryBudget(1L << 40), turbo).render(warmup, variants);

        long estimate;
        try (Opened opened = Decode.open(source, limits, turbo)) {
            estimate = DecodePlan.of(opened, source, variants).footprint().total();
        }
        // the source is held by the caller, as the worker holds the fetched original: it is already allocated
        long keep = (long) (estimate * share) - source.length;
        byte[] ballast = null;
        System.gc();
        MemoryPoolMXBean old = oldGeneration();
        long free = old.getUsage().getMax() - old.getUsage().getUsed();
        if (free > keep) {
            ballast = new byte[(int) Math.min(Integer.MAX_VALUE - 8, free - keep)];
        }
        System.gc();
        long left = old.getUsage().getMax() - old.getUsage().getUsed();
        String outcome;
        try {
            new Renderer(limits, Watermarks.NONE, new MemoryBudget(1L << 40), turbo).render(source, variants);
            outcome = "OK";
        } catch (OutOfMemoryError e) {
            outcome = "OOM";
        } catch (RenderException e) {
            outcome = "FAILED";
        }
        ballast = null;
        return outcome + " " + estimate + " " + left + " " + file.getFileName();
    }

    private static MemoryPoolMXBean oldGeneration() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getName().contains("Tenured")) {
                return pool;
            }
        }
        throw new IllegalStateException("run with -XX:+UseSerialGC");
    }
}
