package com.miniatura.common.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How a source is fitted into a variant's box.
 *
 * <ul>
 *   <li>{@code cover}: scale until the box is filled, then crop the overflow (centred) — grid thumbnails.</li>
 *   <li>{@code contain}: scale to fit inside the box, then pad to exactly the box with a background.</li>
 *   <li>{@code inside}: scale to fit inside the box; no padding, so one side may be shorter.</li>
 * </ul>
 */
public enum Fit {
    COVER, CONTAIN, INSIDE;

    /** The lower-case name used in configuration, e.g. {@code cover}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Fit> parse(String value) {
        return Arrays.stream(values()).filter(f -> f.configName().equals(value)).findFirst();
    }
}
