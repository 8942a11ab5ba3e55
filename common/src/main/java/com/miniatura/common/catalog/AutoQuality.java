package com.miniatura.common.catalog;

import java.util.Locale;

/**
 * {@code quality: auto}: the variant is encoded at the lowest quality in {@code min..max} whose structural similarity
 * to the variant's own pixels before encoding reaches {@code ssimTarget}, searched per image by the worker with a few
 * trial encodes. An image that is easy to compress gets a low quality and few bytes; a detailed one gets what it needs
 * to look the same, up to {@code max}.
 *
 * @param ssimTarget the SSIM (luma, 11 × 11 Gaussian window) the encoded variant must reach, in {@code (0.5, 1)}
 * @param min        the lowest quality tried, 1..100
 * @param max        the highest quality used, {@code min}..100; a variant that cannot reach the target gets it
 */
public record AutoQuality(double ssimTarget, int min, int max) {

    public AutoQuality {
        if (!(ssimTarget > 0.5 && ssimTarget < 1) || min < 1 || max > 100 || min > max) {
            throw new IllegalArgumentException("auto quality ssim " + ssimTarget + " in " + min + ".." + max);
        }
    }

    /** Stable description for {@link VariantSpec#canonical()}: a change of target or bounds changes the spec hash. */
    public String canonical() {
        return String.format(Locale.ROOT, "auto(ssim>=%s,%d..%d)", ssimTarget, min, max);
    }
}
