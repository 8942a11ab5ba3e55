package com.miniatura.worker.render.quality;

import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.MiniaturaDefaults;
import com.miniatura.common.config.Problems;
import com.miniatura.worker.render.Avif;
import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.RenderResult;
import com.miniatura.worker.render.RenderedVariant;
import com.miniatura.worker.render.Renderer;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Luma;
import com.miniatura.worker.render.filter.Filters;
import com.miniatura.worker.render.filter.ToSrgb;
import com.miniatura.worker.render.geometry.Geometry;
import com.miniatura.worker.render.geometry.Orient;
import com.miniatura.worker.render.geometry.Turn;
import com.miniatura.worker.render.resample.OpaqueResample;
import com.miniatura.worker.render.resample.Planes.Plane;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Not a test: the bytes benchmark. Renders each source with the shipped catalog (defaults.yml, as the worker reads
 * it) and compares every variant of {@code --format} (jpeg unless told; webp or avif for twins), ours and those sharp wrote for the same files into each
 * {@code --peer NAME=DIR} ({@code DIR/<file name without extension>/<variant>.jpg}), with the ideal picture: the
 * variant rendered straight from the full-size decoded source with a Lanczos-3 filter. The score is the SSIM of the
 * luma ({@link Ssim#of}, every window). Prints one line per variant, a line per image and the totals, with the CDN
 * egress per day the mean variant size implies at {@code --requests-per-day}.
 *
 * <pre>
 * java -cp worker/target/test-classes:worker/target/classes:DEPS com.miniatura.worker.render.quality.BytesProbe \
 *      --peer=sharp=DIR [--peer=sharp-defaults=DIR] [--set=miniatura.variants.s150.quality=auto ...]
 *      [--requests-per-day=46000000] FILE...
 * </pre>
 */
public final class BytesProbe {

    record Score(String variant, long bytes, double ssim, Integer quality) {}

    public static void main(String[] args) throws Exception {
        Map<String, Path> peers = new LinkedHashMap<>();
        long requestsPerDay = 46_000_000L;
        List<Path> files = new ArrayList<>();
        Map<String, Object> overrides = new LinkedHashMap<>();
        OutputFormat format = OutputFormat.JPEG;
        for (String arg : args) {
            if (arg.startsWith("--peer=")) {
                String[] kv = arg.substring("--peer=".length()).split("=", 2);
                peers.put(kv[0], Path.of(kv[1]));
            } else if (arg.startsWith("--format=")) {
                format = OutputFormat.parse(arg.substring("--format=".length())).orElseThrow();
            } else if (arg.startsWith("--set=")) {
                String[] kv = arg.substring("--set=".length()).split("=", 2);
                overrides.put(kv[0], kv[1]);
            } else if (arg.startsWith("--requests-per-day=")) {
                requestsPerDay = Long.parseLong(arg.substring("--requests-per-day=".length()));
            } else {
                files.add(Path.of(arg));
            }
        }
        // a peer without outputs in the scored format (sharp's JPEG folders when WebP is scored) sits this one out
        String extension = "." + format.extension();
        peers.entrySet().removeIf(peer -> {
            try (var outputs = Files.walk(peer.getValue())) {
                return outputs.noneMatch(f -> f.toString().endsWith(extension));
            } catch (java.io.IOException e) {
                return true;
            }
        });
        List<VariantSpec> catalog = shippedVariants(overrides);
        OutputFormat scored = format;
        List<VariantSpec> variants =
                catalog.stream().filter(v -> v.format() == scored).toList();
        Renderer renderer = new Renderer(RenderLimits.defaults());
        List<String> sides = new ArrayList<>(List.of("miniatura"));
        sides.addAll(peers.keySet());
        Map<String, List<Score>> all = new LinkedHashMap<>();
        sides.forEach(s -> all.put(s, new ArrayList<>()));
        Map<String, Double> worstImage = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "%-34s %-6s %9s", "image", "variant", "size");
        for (String side : sides) {
            System.out.printf(Locale.ROOT, " | %-14s %8s %7s", side, "bytes", "ssim");
        }
        System.out.println();
        for (Path file : files) {
            byte[] source = Files.readAllBytes(file);
            String base = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            RenderResult ours = renderer.render(source, catalog);
            Decode.Decoded decoded = Decode.decode(
                    source, RenderLimits.defaults(), Deadline.start(Duration.ofMinutes(5), System::nanoTime));
            BufferedImage full = ToSrgb.apply(decoded.image());
            Turn turn = Turn.exif(decoded.metadata().orientation());
            Map<String, double[]> imageSums = new LinkedHashMap<>();
            for (int i = 0; i < variants.size(); i++) {
                VariantSpec spec = variants.get(i);
                Plane ideal = Luma.of(ideal(full, turn, spec));
                System.out.printf(
                        Locale.ROOT, "%-34s %-6s %9s", base, spec.name(), ideal.width() + "x" + ideal.height());
                Map<String, Score> row = new LinkedHashMap<>();
                for (String side : sides) {
                    byte[] bytes;
                    Integer quality = null;
                    if (side.equals("miniatura")) {
                        RenderedVariant v = ours.variants().get(catalog.indexOf(spec));
                        bytes = v.bytes();
                        quality = v.quality();
                    } else {
                        bytes = Files.readAllBytes(
                                peers.get(side).resolve(base).resolve(spec.name() + "." + format.extension()));
                    }
                    Plane luma = luma(bytes, format);
                    boolean comparable = luma.width() == ideal.width() && luma.height() == ideal.height();
                    double ssim = comparable ? Ssim.of(luma, ideal) : Double.NaN;
                    row.put(side, new Score(spec.name(), bytes.length, ssim, quality));
                    System.out.printf(
                            Locale.ROOT,
                            " | %-14s %8d %7s",
                            quality == null ? side : side + " q" + quality,
                            bytes.length,
                            comparable ? String.format(Locale.ROOT, "%.4f", ssim) : "size≠");
                }
                // a variant counts only where every side has the ideal's size, so the totals compare the same set
                if (row.values().stream().noneMatch(score -> Double.isNaN(score.ssim()))) {
                    row.forEach((side, score) -> {
                        all.get(side).add(score);
                        double[] sums = imageSums.computeIfAbsent(side, k -> new double[2]);
                        sums[0] += score.ssim();
                        sums[1]++;
                    });
                }
                System.out.println();
            }
            double oursMean = imageSums.get("miniatura")[0] / imageSums.get("miniatura")[1];
            for (String peer : peers.keySet()) {
                double[] p = imageSums.get(peer);
                if (p != null) {
                    worstImage.merge(peer, oursMean - p[0] / p[1], Math::min);
                }
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-8s", "variant");
        for (String side : sides) {
            System.out.printf(Locale.ROOT, " | %-14s %10s %7s", side, "bytes", "ssim");
        }
        System.out.println(" | miniatura/" + sides.get(sides.size() > 1 ? 1 : 0) + " bytes");
        for (VariantSpec spec : variants) {
            System.out.printf(Locale.ROOT, "%-8s", spec.name());
            long[] totals = new long[sides.size()];
            for (int s = 0; s < sides.size(); s++) {
                List<Score> of = all.get(sides.get(s)).stream()
                        .filter(score -> score.variant().equals(spec.name()))
                        .toList();
                totals[s] = of.stream().mapToLong(Score::bytes).sum();
                System.out.printf(
                        Locale.ROOT,
                        " | %-14s %,10d %7.4f",
                        sides.get(s),
                        totals[s],
                        of.stream().mapToDouble(Score::ssim).average().orElse(Double.NaN));
            }
            System.out.printf(Locale.ROOT, " | %.3fx%n", (double) totals[0] / totals[sides.size() > 1 ? 1 : 0]);
        }
        System.out.println();
        List<Score> mine = all.get("miniatura");
        long oursBytes = mine.stream().mapToLong(Score::bytes).sum();
        for (String side : sides) {
            List<Score> scores = all.get(side);
            long bytes = scores.stream().mapToLong(Score::bytes).sum();
            double mean = scores.stream().mapToDouble(Score::ssim).average().orElse(Double.NaN);
            double perRequest = (double) bytes / Math.max(1, scores.size());
            System.out.printf(
                    Locale.ROOT,
                    "%-16s %3d variants %,11d bytes, mean SSIM %.4f; egress at %,d requests/day: %,.1f GB/day%s%n",
                    side,
                    scores.size(),
                    bytes,
                    mean,
                    requestsPerDay,
                    perRequest * requestsPerDay / 1e9,
                    side.equals("miniatura")
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "; miniatura %.3fx its bytes, mean SSIM %+.4f, worst image %+.4f",
                                    (double) oursBytes / bytes,
                                    mine.stream()
                                                    .mapToDouble(Score::ssim)
                                                    .average()
                                                    .orElse(Double.NaN)
                                            - mean,
                                    worstImage.getOrDefault(side, Double.NaN)));
        }
    }

    /** The variant rendered straight from the full-size source with Lanczos-3, turned and filtered: the ideal. */
    /** The luma of an encoded variant: AVIF through libavif, the rest through ImageIO. */
    static Plane luma(byte[] bytes, OutputFormat format) throws Exception {
        if (format == OutputFormat.AVIF) {
            Avif.Decoded d = Avif.load()
                    .orElseThrow(() -> new IllegalStateException(Avif.absence()))
                    .decode(bytes, 1L << 28);
            return Luma.ofBgr(d.bgr(), d.width(), d.height());
        }
        return Luma.of(ImageIO.read(new ByteArrayInputStream(bytes)));
    }

    static BufferedImage ideal(BufferedImage full, Turn turn, VariantSpec spec) {
        int w = full.getWidth();
        int h = full.getHeight();
        Geometry.Plan plan = Geometry.plan(turn.turnedWidth(w, h), turn.turnedHeight(w, h), spec);
        Turn.Rect crop = turn.toStored(new Turn.Rect(plan.cropX(), plan.cropY(), plan.cropW(), plan.cropH()), w, h);
        int sw = turn.transposes() ? plan.scaledH() : plan.scaledW();
        int sh = turn.transposes() ? plan.scaledW() : plan.scaledH();
        BufferedImage scaled = plan.resamples()
                ? OpaqueResample.lanczos(3, full, crop.x(), crop.y(), crop.width(), crop.height(), sw, sh)
                : full.getSubimage(crop.x(), crop.y(), crop.width(), crop.height());
        return Filters.apply(Orient.apply(scaled, turn.code()), spec.filters());
    }

    /** The catalog the worker ships (common's defaults.yml), with {@code --set key=value}s. */
    static List<VariantSpec> shippedVariants(Map<String, Object> overrides) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("--set", overrides));
        MiniaturaDefaults.load(MiniaturaDefaults.SHARED).forEach(environment.getPropertySources()::addLast);
        Problems problems = new Problems();
        VariantCatalog catalog = VariantCatalog.read(new ConfigurationReader(environment), problems);
        problems.throwIfAny();
        return catalog.variants();
    }
}
