package com.miniatura.worker;

import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.cli.CommandArguments;
import com.miniatura.common.cli.HelpOption;
import com.miniatura.common.config.InvalidConfigurationException;
import com.miniatura.common.config.MiniaturaService;
import com.miniatura.worker.render.MemoryBudget;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderResult;
import com.miniatura.worker.render.RenderResult.Step;
import com.miniatura.worker.render.RenderedVariant;
import com.miniatura.worker.render.Renderer;
import com.miniatura.worker.render.TurboJpeg;
import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code render --out DIR [--repeat=N] [--threads=N] FILE…}: renders the configured variant catalog for local
 * files into {@code DIR/<file name without extension>/<variant>.<ext>}, with the worker's own renderer,
 * configuration and limits — to try a catalog before deploying it, and the unit the benchmark times.
 *
 * <pre>
 * java -jar miniatura-standalone.jar render --out thumbs photo.jpg lot-7/*.jpg
 * java -jar miniatura-standalone.jar render --out thumbs --spring.config.additional-location=my-variants.yml photo.jpg
 * </pre>
 *
 * Prints one line per file (variants, milliseconds; a failure with its reason) and a summary; with
 * {@code --repeat} every pass renders and writes everything again, and the last pass is reported (the
 * earlier ones warm the JVM up). Exit status: 0 all rendered, 1 some file failed (each named), 2 bad arguments
 * or configuration.
 */
@Configuration(proxyBeanMethods = false)
@MiniaturaService("worker")
public class RenderCommand {
    public static final String NAME = "render";
    static final String USAGE = "usage: render --out DIR [--repeat=N] [--threads=N] [--miniatura...=VALUE] FILE...";

    /** What one file came to: its variants, or why it failed, and how long reading, rendering and writing took. */
    record Outcome(Path file, RenderResult result, String failure, long nanos, long allocated) {}

    /** The flags (picocli); arguments whose name has a dot are configuration properties, passed on to Spring. */
    @Command(
            name = NAME,
            synopsisHeading = "",
            customSynopsis = USAGE,
            descriptionHeading = "%n",
            description = {
                "Renders the configured variant catalog for local files into DIR/<file name>/<variant>.<ext>.",
                "Exit status: 0 all rendered, 1 some file failed, 2 bad arguments or configuration."
            },
            parameterListHeading = "%n",
            optionListHeading = "%nOptions:%n",
            sortOptions = false)
    static final class Flags {
        @Option(names = "--out", paramLabel = "DIR", description = "Where the variants go")
        Path out;

        @Option(
                names = "--repeat",
                paramLabel = "N",
                description = "Render everything N times; the last pass is reported")
        Integer repeat;

        @Option(names = "--threads", paramLabel = "N", description = "Files rendered side by side")
        Integer threads;

        @Parameters(paramLabel = "FILE", description = "The images to render")
        List<Path> files = new ArrayList<>();

        @Mixin
        HelpOption help;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Flags flags = new Flags();
        CommandArguments parsed = CommandArguments.read(
                flags,
                args,
                name -> name.equals("--out")
                        ? "--out: expected a directory"
                        : name + ": expected a positive number but was absent",
                option -> "a positive number");
        if (parsed.help()) {
            out.println(parsed.usage());
            return 0;
        }
        List<String> problems = new ArrayList<>(parsed.problems());
        positive("--repeat", flags.repeat, problems);
        positive("--threads", flags.threads, problems);
        problems.addAll(parsed.unknown());
        List<String> springArgs = parsed.properties(); // e.g. --miniatura.variants.s150.quality=70
        Path outDir = flags.out == null || flags.out.toString().isEmpty() ? null : flags.out;
        if (outDir == null && problems.stream().noneMatch(p -> p.startsWith("--out"))) {
            problems.add(parsed.given("--out") ? "--out: expected a directory" : "--out: required");
        }
        List<Path> files = flags.files;
        if (files.isEmpty()) {
            problems.add("no files to render");
        }
        if (CommandArguments.refused("render", problems, USAGE, err)) {
            return 2;
        }
        int repeat = flags.repeat == null ? 1 : flags.repeat;
        int threads = flags.threads == null ? 1 : flags.threads;
        WorkerConfiguration.Settings settings;
        try (ConfigurableApplicationContext context = CommandArguments.context(RenderCommand.class, springArgs)) {
            settings = WorkerConfiguration.load(context.getEnvironment());
        } catch (InvalidConfigurationException e) {
            err.println(e.getMessage());
            return 2;
        }
        Renderer renderer = new Renderer(
                settings.worker().limits(),
                settings.watermarks(),
                new MemoryBudget(settings.worker().memoryBudget()),
                TurboJpeg.load());
        List<VariantSpec> variants = settings.common().catalog().variants();
        List<Outcome> outcomes = List.of();
        long passNanos = 0;
        long passCpuNanos = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int pass = 0; pass < repeat; pass++) {
                long started = System.nanoTime();
                long cpuStarted = processCpuNanos();
                List<Future<Outcome>> running = new ArrayList<>();
                for (Path file : files) {
                    Path target = outDir;
                    running.add(pool.submit(() -> renderOne(renderer, variants, file, target)));
                }
                List<Outcome> done = new ArrayList<>();
                for (Future<Outcome> future : running) {
                    done.add(future.get());
                }
                passNanos = System.nanoTime() - started;
                passCpuNanos = processCpuNanos() - cpuStarted;
                outcomes = done;
            }
        } catch (Exception e) {
            err.println("render: " + e);
            return 1;
        } finally {
            pool.shutdownNow();
        }
        List<Outcome> failed = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            if (outcome.failure() == null) {
                out.printf(
                        Locale.ROOT,
                        "%s: %d variants in %.1f ms%s%n",
                        outcome.file(),
                        outcome.result().variants().size(),
                        outcome.nanos() / 1e6,
                        autoQualities(outcome.result()));
            } else {
                out.printf(Locale.ROOT, "%s: failed: %s%n", outcome.file(), outcome.failure());
                failed.add(outcome);
            }
        }
        int rendered = outcomes.size() - failed.size();
        // CPU time is the whole process's (JIT and GC threads too), so jobs per CPU-second is jobs/s per core.
        out.printf(
                Locale.ROOT,
                "rendered %d of %d files in %.1f ms with %d thread%s: %.2f jobs/s, %.1f ms CPU, %.2f jobs per CPU-second%s%n",
                rendered,
                outcomes.size(),
                passNanos / 1e6,
                threads,
                threads == 1 ? "" : "s",
                outcomes.size() / (passNanos / 1e9),
                passCpuNanos / 1e6,
                outcomes.size() / (passCpuNanos / 1e9),
                repeat > 1 ? " (pass " + repeat + " of " + repeat + ")" : "");
        out.println(stepLine(outcomes, passNanos, threads));
        if (!failed.isEmpty()) {
            err.println("render: " + failed.size() + " of " + outcomes.size() + " files failed: "
                    + String.join(
                            "; ",
                            failed.stream()
                                    .map(f -> f.file() + " (" + f.failure() + ")")
                                    .toList()));
            return 1;
        }
        return 0;
    }

    /**
     * What {@code quality: auto} chose for the file's variants, each named by the file it wrote:
     * {@code "; auto quality: c480.jpg q79 SSIM 0.9653, c480.avif q58 SSIM 0.9671, c480.webp q79, …"} (a WebP twin
     * takes its JPEG's quality unscored).
     */
    static String autoQualities(RenderResult result) {
        String chosen = result.variants().stream()
                .filter(v -> v.quality() != null)
                .map(v -> String.format(
                        Locale.ROOT,
                        "%s.%s q%d%s",
                        v.spec().name(),
                        v.spec().format().extension(),
                        v.quality(),
                        v.ssim() == null ? "" : String.format(Locale.ROOT, " SSIM %.4f", v.ssim())))
                .collect(Collectors.joining(", "));
        return chosen.isEmpty() ? "" : "; auto quality: " + chosen;
    }

    /** Reads, renders and writes one file; a problem with it is its outcome, not an exception. */
    static Outcome renderOne(Renderer renderer, List<VariantSpec> variants, Path file, Path outDir) {
        long started = System.nanoTime();
        long allocated = allocatedBytes();
        try {
            RenderResult result = renderer.render(Files.readAllBytes(file), variants);
            String base = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            Path dir = outDir.resolve(base.isEmpty() ? file.getFileName().toString() : base);
            Files.createDirectories(dir);
            for (RenderedVariant variant : result.variants()) {
                Files.write(
                        dir.resolve(variant.spec().name() + "."
                                + variant.spec().format().extension()),
                        variant.bytes());
            }
            return new Outcome(file, result, null, System.nanoTime() - started, allocatedBytes() - allocated);
        } catch (RenderException e) {
            return new Outcome(file, null, e.getMessage(), System.nanoTime() - started, allocatedBytes() - allocated);
        } catch (IOException e) {
            return new Outcome(
                    file,
                    null,
                    "cannot read or write: " + e.getMessage(),
                    System.nanoTime() - started,
                    allocatedBytes() - allocated);
        }
    }

    /** Bytes of heap this thread has allocated so far (HotSpot's per-thread counter), or 0 where it is not kept. */
    private static long allocatedBytes() {
        return ManagementFactory.getThreadMXBean() instanceof ThreadMXBean threads
                ? threads.getCurrentThreadAllocatedBytes()
                : 0;
    }

    /**
     * Where the measured pass's time went, summed over its rendered files: each pipeline step in milliseconds, and
     * {@code other} for the rest of the pass's thread time (reading and writing files, waiting); then the heap a file's
     * render allocated on average (reading and writing it included).
     */
    static String stepLine(List<Outcome> outcomes, long passNanos, int threads) {
        long[] nanos = new long[Step.values().length];
        long rendering = 0;
        for (Outcome outcome : outcomes) {
            if (outcome.failure() == null) {
                outcome.result().steps().forEach((step, time) -> nanos[step.ordinal()] += time.toNanos());
            }
        }
        StringBuilder line = new StringBuilder("time per step (ms):");
        for (Step step : Step.values()) {
            rendering += nanos[step.ordinal()];
            line.append(String.format(
                    Locale.ROOT, " %s %.1f", step.name().toLowerCase(Locale.ROOT), nanos[step.ordinal()] / 1e6));
        }
        long other = Math.max(0, passNanos * threads - rendering);
        long allocated = outcomes.stream().mapToLong(Outcome::allocated).sum();
        return line.append(String.format(
                        Locale.ROOT,
                        " other %.1f; heap allocated per file %.1f MB",
                        other / 1e6,
                        allocated / 1e6 / Math.max(1, outcomes.size())))
                .toString();
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void positive(String name, Integer value, List<String> problems) {
        if (value != null && value < 1) {
            problems.add(name + ": expected a positive number but was \"" + value + "\"");
        }
    }
}
