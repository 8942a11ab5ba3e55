package com.miniatura.worker.render.quality;

import com.miniatura.common.catalog.AutoQuality;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code quality: auto}: the lowest JPEG quality within the variant's bounds whose encode scores at least the target
 * (the {@link Ssim} of its luma against the variant's own luma before encoding, {@link Trial#score}), found with at
 * most {@value #MAX_TRIALS} trial encodes. The last trial that meets the target is the output, so no encode is spent twice.
 *
 * <p>The search follows how libjpeg scales its tables: quality {@code q} multiplies the standard tables by
 * {@code S(q) = 5000 / q} percent below 50 and {@code 200 - 2q} above, and an image's SSIM deficit {@code 1 - SSIM}
 * grows as a power of {@code S}. The first trial is at {@code seed} (the quality the image's previous auto variant
 * chose, or the middle of the bounds); the second aims at the target from it with the exponent measured across the
 * reference photos; the third aims with the exponent the two trials give for this very image, between the best
 * quality known to pass and the best known to fail. A variant that cannot reach the target within the bounds gets
 * the upper bound.
 */
public final class QualitySearch {

    /** Trial encodes per variant, the output's included. */
    public static final int MAX_TRIALS = 3;

    /** Median of {@code d ln(1 - SSIM) / d ln S} over the reference photos' variants (docs/performance.md). */
    static final double TYPICAL_EXPONENT = 0.84;

    /** Aim this much inside the target, so that the aimed-at trial tends to pass rather than fail by a hair. */
    static final double AIM = 0.95;

    /**
     * One variant's encoder, for the search.
     *
     * @param <E> what encoding or decoding throws
     */
    public interface Trial<E extends Exception> {
        /** The variant encoded at {@code quality}. */
        byte[] encode(int quality) throws E;

        /** The SSIM of {@code encoded}, decoded as a browser would, against the variant before encoding. */
        double score(byte[] encoded) throws E;
    }

    /**
     * What the search chose.
     *
     * @param bytes   the encoded variant
     * @param quality the quality it was encoded at
     * @param ssim    its score ({@link Trial#score})
     * @param trials  encodes spent, this one's included
     */
    public record Choice(byte[] bytes, int quality, double ssim, int trials) {}

    private record Tried(byte[] bytes, double ssim) {}

    private QualitySearch() {}

    /** The search for one variant, starting at {@code seed}. */
    public static <E extends Exception> Choice search(AutoQuality auto, Trial<E> trial, int seed) throws E {
        return search(auto, trial, seed, MAX_TRIALS);
    }

    /**
     * The search with at most {@code maxTrials} encodes (at least 1) before the upper bound's, for an encoder whose
     * every trial costs more than a JPEG's: an AVIF twin, whose {@link Trial} maps the JPEG scale onto its own.
     */
    public static <E extends Exception> Choice search(AutoQuality auto, Trial<E> trial, int seed, int maxTrials)
            throws E {
        if (maxTrials < 1) {
            throw new IllegalArgumentException("at least one trial, not " + maxTrials);
        }
        int min = auto.min();
        int max = auto.max();
        double target = auto.ssimTarget();
        TreeMap<Integer, Tried> tried = new TreeMap<>();
        int q = clamp(seed, min, max);
        while (true) {
            byte[] bytes = trial.encode(q);
            double score = trial.score(bytes);
            Integer best = lowestPassing(tried, target);
            if (score >= target && best != null && q < best) {
                tried.put(best, new Tried(null, tried.get(best).ssim())); // superseded: only the best pass is kept
            }
            // kept: the best pass so far, and the upper bound, the output should nothing pass
            boolean candidate = (score >= target && (best == null || q < best)) || q == max;
            tried.put(q, new Tried(candidate ? bytes : null, score));
            Integer next = tried.size() < maxTrials ? next(tried, target, min, max) : null;
            if (next == null) {
                break;
            }
            q = next;
        }
        return choice(tried, target, max, trial);
    }

    /** The next quality to try, or {@code null} when the answer is known. */
    static Integer next(TreeMap<Integer, Tried> tried, double target, int min, int max) {
        Integer pass = lowestPassing(tried, target);
        Integer fail = highestFailing(tried, target, pass);
        int from = pass != null ? pass : fail;
        int lo = fail != null ? fail + 1 : min;
        int hi = pass != null ? pass - 1 : max;
        if (lo > hi) {
            return null; // the lowest pass sits right above the highest fail, or a bound was reached
        }
        double exponent = TYPICAL_EXPONENT;
        if (pass != null && fail != null) {
            exponent =
                    exponent(pass, tried.get(pass).ssim(), fail, tried.get(fail).ssim());
        } else if (tried.size() > 1) {
            var first = tried.firstEntry();
            var last = tried.lastEntry();
            exponent = exponent(
                    last.getKey(),
                    last.getValue().ssim(),
                    first.getKey(),
                    first.getValue().ssim());
        }
        int aimed = aim(from, tried.get(from).ssim(), target, exponent);
        return clamp(aimed, lo, hi);
    }

    private static Integer lowestPassing(TreeMap<Integer, Tried> tried, double target) {
        return tried.entrySet().stream()
                .filter(e -> e.getValue().ssim() >= target)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
    }

    private static Integer highestFailing(TreeMap<Integer, Tried> tried, double target, Integer below) {
        return tried.descendingMap().entrySet().stream()
                .filter(e -> e.getValue().ssim() < target && (below == null || e.getKey() < below))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
    }

    /** The quality whose deficit the power law puts at the target's (a little inside it), from one trial. */
    static int aim(int quality, double ssim, double target, double exponent) {
        double deficit = Math.max(1e-6, 1 - ssim);
        double wanted = (1 - target) * AIM;
        double scale = scale(quality) * Math.pow(wanted / deficit, 1 / exponent);
        return (int) Math.ceil(quality(scale) - 1e-9);
    }

    /** {@code d ln(1 - SSIM) / d ln S} between two trials, held to what photos show. */
    static double exponent(int q1, double ssim1, int q2, double ssim2) {
        double ds = Math.log(scale(q1) / scale(q2));
        double dd = Math.log(Math.max(1e-6, 1 - ssim1) / Math.max(1e-6, 1 - ssim2));
        if (ds == 0 || !(dd / ds > 0)) {
            return TYPICAL_EXPONENT;
        }
        return Math.max(0.3, Math.min(3, dd / ds));
    }

    /** libjpeg's table scaling for {@code quality}, in percent. */
    static double scale(int quality) {
        return quality < 50 ? 5000.0 / quality : 200.0 - 2 * quality;
    }

    /** The (fractional) quality whose table scaling is {@code scale} percent. */
    static double quality(double scale) {
        return scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
    }

    private static <E extends Exception> Choice choice(
            TreeMap<Integer, Tried> tried, double target, int max, Trial<E> trial) throws E {
        Integer pass = lowestPassing(tried, target);
        if (pass != null) {
            Tried t = tried.get(pass);
            return new Choice(t.bytes(), pass, t.ssim(), tried.size());
        }
        // nothing within the bounds reaches the target: the upper bound, encoded once more if it was not tried
        Tried top = tried.get(max);
        if (top == null) {
            byte[] bytes = trial.encode(max);
            top = new Tried(bytes, trial.score(bytes));
            return new Choice(top.bytes(), max, top.ssim(), tried.size() + 1);
        }
        return new Choice(top.bytes(), max, top.ssim(), tried.size());
    }

    private static int clamp(int value, int lo, int hi) {
        return Math.max(lo, Math.min(hi, value));
    }
}
