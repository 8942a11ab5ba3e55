package com.miniatura.common.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How a source is fitted into a variant's box.
 *
 * <ul>
 *   <li>{@code cover}: scale until the box is filled, then crop the overflow (centred) — grid thumbnails.
 *       Without {@code upscale}, a source smaller than the box gives the largest crop of the box's aspect
 *       ratio it holds (a 100×80 source for a 150×150 box → 80×80).</li>
 *   <li>{@code contain}: scale to fit inside the box, then pad to exactly the box with a background
 *       (without {@code upscale}, a small source stays at its size, centred on the full box).</li>
 *   <li>{@code inside}: scale to fit inside the box; no padding, so one side may be shorter. Width-only
 *       or height-only boxes are allowed.</li>
 * </ul>
 */
public enum Fit {
    COVER,
    CONTAIN,
    INSIDE;

    /** The lower-case name used in configuration, e.g. {@code cover}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Fit> parse(String value) {
        return Arrays.stream(values()).filter(f -> f.configName().equals(value)).findFirst();
    }
}
