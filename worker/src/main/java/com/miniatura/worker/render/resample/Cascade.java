package com.miniatura.worker.render.resample;

import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.geometry.Geometry;
import com.miniatura.worker.render.geometry.Turn;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Where each variant's pixels are resampled from, and how: the smallest already-rendered copy of the whole
 * source that is at least as large as the variant needs, else the render's base image.
 *
 * <p>Why: resampling cost grows with the size of the image read, and a 12 MP photo read once per variant
 * costs six full reads. The renderer therefore renders variants largest first, and each whole-frame
 * ("inside") result becomes a smaller source for the next ones: 1600 px → 800 → 480 → 300 → 150.
 *
 * <p>Each step is a Lanczos filter (two lobes; three for small outputs, see {@link #SMALL}), after a box
 * shrink (each output pixel the mean of {@code k × k} pixels: one cheap read of the source) when the
 * reduction is large. The box does most of the band-limiting and the Lanczos keeps the result sharp: the
 * whole path stays within 1.5 dB of a direct Lanczos-3 render from the full-size source
 * ({@code CascadeQualityTest} measures it against the JPEG encoder's own error).
 *
 * <p>The base is the decoded source box-shrunk by {@link #shrinkFactor}, an integer that keeps it at least
 * {@link #BOX_GAP} times as large as every variant needs (crops included). Every position is kept in stored-source coordinates and
 * scaled into each copy exactly, so crops land on the same pixels whichever copy they are taken from.
 */
public final class Cascade implements ScaledCopies {

    /** A copy of the whole stored source, {@code scaleX}/{@code scaleY} times its size. */
    private record Level(BufferedImage image, double scaleX, double scaleY) {}

    private final List<Level> levels = new ArrayList<>();
    private final int storedW;
    private final int storedH;
    private final Deadline deadline;

    public Cascade(BufferedImage base, double scale, int storedW, int storedH) {
        this(base, scale, storedW, storedH, Deadline.NONE);
    }

    /** @param deadline polled inside every resampling pass */
    public Cascade(BufferedImage base, double scale, int storedW, int storedH, Deadline deadline) {
        this.storedW = storedW;
        this.storedH = storedH;
        this.deadline = deadline;
        levels.add(new Level(base, scale, scale));
    }

    /**
     * The largest integer {@code k} such that the source shrunk {@code k} times is still at least
     * {@link #BOX_GAP} times as large as every variant needs on both axes (1 when some variant needs more
     * than a third of the source).
     */
    public static int shrinkFactor(int storedW, int storedH, Turn orientation, List<VariantSpec> variants) {
        double least = Double.MAX_VALUE;
        for (VariantSpec spec : variants) {
            Turn turn = orientation.then(Turn.of(spec.rotate(), spec.flip(), spec.flop()));
            // crop/scale ratios do not depend on where a crop is placed, so the centred plan will do
            Geometry.Plan plan =
                    Geometry.plan(turn.turnedWidth(storedW, storedH), turn.turnedHeight(storedW, storedH), spec);
            least = Math.min(
                    least, Math.min((double) plan.cropW() / plan.scaledW(), (double) plan.cropH() / plan.scaledH()));
        }
        int k = (int) Math.max(1, Math.floor(least / BOX_GAP));
        // a camera-resolution source may be halved whenever every variant needs at most half of it: at full
        // sensor resolution the picture is soft at the pixel level (demosaicing, lens), so the 2 × 2 mean loses
        // nothing a variant keeps (CascadeQualityTest: the 8 and 9 MP photos), where on a small, already
        // reduced image the same halving costs up to 1.1 dB
        if (k == 1 && least >= 2 && (long) storedW * storedH >= CAMERA_PIXELS) {
            k = 2;
        }
        return k;
    }

    /**
     * The part of {@code level} under {@code crop}, box-shrunk when the reduction is large (see
     * {@link #BOX_GAP}), then Lanczos-filtered to {@code width × height}.
     */
    /**
     * Box-shrink (the source, or a step) only by as much as leaves the Lanczos filter at least this much
     * reduction to do: a box shrink that does (nearly) all of it blurs visibly — up to 2.6 dB lost against a
     * direct render in {@code CascadeQualityTest}, against at most 0.7 dB with this gap.
     */
    public static final double BOX_GAP = 1.5;

    /**
     * Outputs up to this many pixels (300 × 300) are cheap to resample, so they get the three-lobe filter,
     * which keeps the small crops, cascaded through the most steps, as sharp as a direct render.
     */
    public static final long SMALL = 300 * 300;

    /** Sources of at least this many pixels (4 MP) are taken as straight from a camera (see shrinkFactor). */
    public static final long CAMERA_PIXELS = 4_000_000;

    private BufferedImage resample(Level level, Turn.Rect crop, int width, int height) {
        double x = crop.x() * level.scaleX();
        double y = crop.y() * level.scaleY();
        double w = crop.width() * level.scaleX();
        double h = crop.height() * level.scaleY();
        int k = (int) Math.floor(Math.min(w / width, h / height) / BOX_GAP);
        BufferedImage image = level.image();
        if (k >= 2) {
            // whole pixels around the crop, box-shrunk; the crop's position is then relative to them
            int x0 = (int) Math.floor(x);
            int y0 = (int) Math.floor(y);
            int x1 = Math.min(image.getWidth(), (int) Math.ceil(x + w));
            int y1 = Math.min(image.getHeight(), (int) Math.ceil(y + h));
            image = OpaqueResample.box(image, x0, y0, x1 - x0, y1 - y0, k, deadline);
            x = (x - x0) / k;
            y = (y - y0) / k;
            w /= k;
            h /= k;
        }
        return OpaqueResample.lanczos(
                (long) width * height <= SMALL ? 3 : OpaqueResample.LOBES, image, x, y, w, h, width, height, deadline);
    }

    /**
     * The smallest copy of the whole source made so far whose longer side is at least {@code minSide} (or
     * the base, when none is): the cheapest image to measure the whole picture on.
     */
    @Override
    public BufferedImage smallestWhole(int minSide) {
        BufferedImage best = levels.get(0).image();
        for (Level level : levels) {
            BufferedImage image = level.image();
            if (Math.max(image.getWidth(), image.getHeight()) >= minSide
                    && (long) image.getWidth() * image.getHeight() < (long) best.getWidth() * best.getHeight()) {
                best = image;
            }
        }
        return best;
    }

    /** Indices of {@code variants}, the one with the most output pixels first. */
    public static int[] largestFirst(int storedW, int storedH, Turn orientation, List<VariantSpec> variants) {
        long[] area = new long[variants.size()];
        for (int i = 0; i < area.length; i++) {
            VariantSpec spec = variants.get(i);
            Turn turn = orientation.then(Turn.of(spec.rotate(), spec.flip(), spec.flop()));
            Geometry.Plan plan =
                    Geometry.plan(turn.turnedWidth(storedW, storedH), turn.turnedHeight(storedW, storedH), spec);
            area[i] = (long) plan.scaledW() * plan.scaledH();
        }
        return IntStream.range(0, area.length)
                .boxed()
                .sorted(Comparator.comparingLong((Integer i) -> area[i]).reversed())
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * The stored-coordinate {@code crop} scaled to {@code width × height}, from the smallest copy with enough
     * detail; a crop that needs no resampling is cut from the base (which is then the full-size source). A
     * whole-frame result is remembered as a new, smaller copy.
     */
    @Override
    public BufferedImage scale(Turn.Rect crop, int width, int height) {
        Level base = levels.get(0);
        if (crop.width() == width && crop.height() == height && base.scaleX() == 1 && base.scaleY() == 1) {
            return base.image().getSubimage(crop.x(), crop.y(), crop.width(), crop.height());
        }
        Level from = base;
        for (Level level : levels) {
            boolean enough = level.scaleX() * crop.width() >= width && level.scaleY() * crop.height() >= height;
            if (enough
                    && level.image().getWidth() * (long) level.image().getHeight()
                            < from.image().getWidth() * (long) from.image().getHeight()) {
                from = level;
            }
        }
        BufferedImage scaled = resample(from, crop, width, height);
        if (crop.x() == 0 && crop.y() == 0 && crop.width() == storedW && crop.height() == storedH) {
            levels.add(new Level(scaled, (double) width / storedW, (double) height / storedH));
        }
        return scaled;
    }
}
