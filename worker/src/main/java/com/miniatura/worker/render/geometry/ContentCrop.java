package com.miniatura.worker.render.geometry;

import com.miniatura.common.catalog.Gravity;
import com.miniatura.worker.render.resample.AreaAverage;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a content-aware cover crop goes ({@link Gravity#ATTENTION}, {@link Gravity#ENTROPY}): the crop
 * window slides along its one free axis, and the position whose window scores best wins.
 *
 * <ul>
 *   <li><b>attention</b> (after sharp/libvips' strategy of the same name) sums, per pixel, the edge strength
 *       of the luma (absolute 4-neighbour Laplacian), the colour saturation ({@code max − min} of R, G, B,
 *       ignored in near-black areas) and a skin-tone bonus (how close the normalised RGB direction is to a
 *       typical skin colour, within a brightness range). The window with the largest sum wins: a product on a
 *       plain table has edges and colour, the table has neither.</li>
 *   <li><b>entropy</b>: the window whose luma histogram (256 bins) has the highest Shannon entropy, i.e. the
 *       most varied brightness.</li>
 * </ul>
 * When several positions score the same (within rounding), as when a small subject fits the window with room
 * to spare, the window is centred on the subject (see {@link #best}); a featureless image gives the centre.
 *
 * <p>All of this runs on a small analysis copy ({@link AreaAverage}, at most {@value #ANALYSIS_SIDE} px, stored
 * orientation) that the render makes once anyway, as the BlurHash's input. A variant's turn is applied to
 * that copy, not to the full image, and each turn is turned and scored at most once per render however many
 * variants share it; none is until a variant asks, and {@link Geometry} asks only for a content-aware gravity
 * with a free axis. The position is found at the copy's resolution (about 16 source px per step on a 12 MP
 * photo) and scaled up. Measured on a 4000×3000 photo: the copy ≈ 40–100 ms (one pass over the pixels),
 * turning and scoring it 6–18 ms per turn, each further variant on the same turn ≈ 0.02 ms.
 */
public final class ContentCrop {

    /** Longest side of the analysis copy. */
    public static final int ANALYSIS_SIDE = 256;

    /** The skin colour direction (normalised R, G, B) and how close a pixel must come to it (smartcrop.js). */
    private static final double[] SKIN = normalise(0.78, 0.57, 0.44);

    private static final double SKIN_THRESHOLD = 0.8;
    /** Below this luma (5 % of full scale) colour is noise, not saturation; skin needs at least 20 %. */
    private static final double DARK = 0.05 * 255;

    private static final double SKIN_MIN_LUMA = 0.2 * 255;

    private final Supplier<BufferedImage> analysis;
    private final Map<Turn, Analysed> byTurn = new HashMap<>();

    /** @param analysis the render's analysis copy in stored orientation, {@code TYPE_INT_RGB} */
    public ContentCrop(BufferedImage analysis) {
        this(() -> analysis);
    }

    /** @param analysis makes the analysis copy, asked only when a variant needs it */
    public ContentCrop(Supplier<BufferedImage> analysis) {
        this.analysis = analysis;
    }

    /** The placement for a variant turned by {@code turn} (EXIF orientation and the variant's own turn). */
    public Geometry.Placement placement(Turn turn) {
        return (gravity, horizontal, length, window) -> start(gravity, turn, horizontal, length, window);
    }

    /** How many turned copies were analysed so far: 0 when no variant needed one. */
    public int analysedTurns() {
        return byTurn.size();
    }

    private int start(Gravity gravity, Turn turn, boolean horizontal, int length, int window) {
        Analysed a = byTurn.computeIfAbsent(turn, t -> new Analysed(Orient.apply(analysis.get(), t.code())));
        int analysisLength = horizontal ? a.width : a.height;
        int analysisWindow =
                (int) Math.max(1, Math.min(analysisLength, Math.round((double) window * analysisLength / length)));
        double[] scores;
        double[] weights;
        switch (gravity) {
            case ATTENTION -> {
                weights = a.lineSums(horizontal);
                scores = windowSums(weights, analysisWindow);
            }
            case ENTROPY -> {
                int[][] histograms = a.lineHistograms(horizontal);
                weights = windowEntropies(histograms, 1);
                scores = windowEntropies(histograms, analysisWindow);
            }
            default -> throw new IllegalArgumentException("not a content-aware gravity: " + gravity);
        }
        double centre = (best(scores, weights, analysisWindow) + analysisWindow / 2.0) * length / analysisLength;
        return (int) Math.round(centre - window / 2.0);
    }

    /**
     * The chosen window start, given each start's score and each line's own score ({@code weights}: a
     * column's or row's attention, or the entropy of its own histogram).
     *
     * <p>The best score wins (relative tolerance 1e-9). Several equal starts in a row mean the window has room
     * to spare around what it scores (a small subject on a plain background); of such runs, the one nearest
     * the centre is taken, and within it the start that centres the window on the weighted centroid of the
     * lines all those windows cover: the subject is centred, even when the run is cut short by an edge. With
     * no weight at all (a featureless image), the middle of the run.
     */
    public static int best(double[] scores, double[] weights, int window) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            max = Math.max(max, s);
        }
        double floor = max - 1e-9 * Math.max(1, Math.abs(max));
        double centre = (scores.length - 1) / 2.0;
        int runStart = -1;
        int runEnd = -1;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] < floor) {
                continue;
            }
            int end = i;
            while (end + 1 < scores.length && scores[end + 1] >= floor) {
                end++;
            }
            if (runStart < 0 || Math.abs((i + end) / 2.0 - centre) < Math.abs((runStart + runEnd) / 2.0 - centre)) {
                runStart = i;
                runEnd = end;
            }
            i = end;
        }
        double mass = 0;
        double moment = 0;
        for (int line = runStart; line < runEnd + window; line++) {
            mass += weights[line];
            moment += weights[line] * (line + 0.5);
        }
        if (runStart == runEnd || mass <= 0) {
            return (runStart + runEnd) / 2;
        }
        long centred = Math.round(moment / mass - window / 2.0);
        return (int) Math.max(runStart, Math.min(runEnd, centred));
    }

    /** Sum of {@code window} consecutive values at every start position. */
    public static double[] windowSums(double[] lines, int window) {
        double[] prefix = new double[lines.length + 1];
        for (int i = 0; i < lines.length; i++) {
            prefix[i + 1] = prefix[i] + lines[i];
        }
        double[] sums = new double[lines.length - window + 1];
        for (int s = 0; s < sums.length; s++) {
            sums[s] = prefix[s + window] - prefix[s];
        }
        return sums;
    }

    /** Shannon entropy (bits) of the merged histograms of {@code window} consecutive lines, at every start. */
    public static double[] windowEntropies(int[][] lines, int window) {
        int[] histogram = new int[256];
        long n = 0;
        for (int i = 0; i < window; i++) {
            n += add(histogram, lines[i], 1);
        }
        double[] entropies = new double[lines.length - window + 1];
        for (int s = 0; s < entropies.length; s++) {
            if (s > 0) {
                add(histogram, lines[s - 1], -1);
                add(histogram, lines[s + window - 1], 1);
            }
            double sum = 0; // Σ c·log2 c, bins in a fixed order so equal histograms give equal values
            for (int c : histogram) {
                if (c > 1) {
                    sum += c * log2(c);
                }
            }
            entropies[s] = log2(n) - sum / n;
        }
        return entropies;
    }

    private static long add(int[] histogram, int[] line, int sign) {
        long count = 0;
        for (int bin = 0; bin < 256; bin++) {
            histogram[bin] += sign * line[bin];
            count += line[bin];
        }
        return count;
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    /** Attention score of one pixel, without its edge term (which needs the neighbours). */
    public static double colourScore(int r, int g, int b, double luma) {
        if (luma < DARK) {
            return 0;
        }
        double saturation = Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
        double skin = 0;
        double magnitude = Math.sqrt((double) r * r + (double) g * g + (double) b * b);
        if (luma >= SKIN_MIN_LUMA && magnitude > 0) {
            double dr = r / magnitude - SKIN[0];
            double dg = g / magnitude - SKIN[1];
            double db = b / magnitude - SKIN[2];
            double closeness = 1 - Math.sqrt(dr * dr + dg * dg + db * db);
            if (closeness > SKIN_THRESHOLD) {
                skin = (closeness - SKIN_THRESHOLD) / (1 - SKIN_THRESHOLD) * 255;
            }
        }
        return saturation + skin;
    }

    private static double[] normalise(double r, double g, double b) {
        double m = Math.sqrt(r * r + g * g + b * b);
        return new double[] {r / m, g / m, b / m};
    }

    /** One turned analysis copy and what has been measured on it. */
    private static final class Analysed {
        final int width;
        final int height;
        final int[] rgb;
        final double[] luma;
        private double[] attention;
        private final Map<Boolean, double[]> sums = new HashMap<>();
        private final Map<Boolean, int[][]> histograms = new HashMap<>();

        Analysed(BufferedImage image) {
            width = image.getWidth();
            height = image.getHeight();
            rgb = image.getRGB(0, 0, width, height, null, 0, width);
            luma = new double[rgb.length];
            for (int i = 0; i < rgb.length; i++) {
                int p = rgb[i];
                luma[i] = 0.299 * ((p >> 16) & 0xFF) + 0.587 * ((p >> 8) & 0xFF) + 0.114 * (p & 0xFF);
            }
        }

        /** Attention per column ({@code horizontal}) or per row. */
        public double[] lineSums(boolean horizontal) {
            return sums.computeIfAbsent(horizontal, h -> {
                double[] score = attention();
                double[] lines = new double[h ? width : height];
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        lines[h ? x : y] += score[y * width + x];
                    }
                }
                return lines;
            });
        }

        /** Luma histogram per column ({@code horizontal}) or per row. */
        public int[][] lineHistograms(boolean horizontal) {
            return histograms.computeIfAbsent(horizontal, h -> {
                int[][] lines = new int[h ? width : height][256];
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int bin = (int) Math.min(255, Math.round(luma[y * width + x]));
                        lines[h ? x : y][bin]++;
                    }
                }
                return lines;
            });
        }

        private double[] attention() {
            if (attention == null) {
                attention = new double[rgb.length];
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int i = y * width + x;
                        double l = luma[i];
                        // borders repeat the edge pixel, so the frame of the picture is not an "edge"
                        double laplacian = 4 * l
                                - luma[y * width + Math.max(0, x - 1)]
                                - luma[y * width + Math.min(width - 1, x + 1)]
                                - luma[Math.max(0, y - 1) * width + x]
                                - luma[Math.min(height - 1, y + 1) * width + x];
                        int p = rgb[i];
                        attention[i] =
                                Math.abs(laplacian) + colourScore((p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF, l);
                    }
                }
            }
            return attention;
        }
    }
}
