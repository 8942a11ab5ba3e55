package com.miniatura.common.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Which part of the source a {@link Fit#COVER} crop keeps, and where a watermark sits.
 *
 * <p>The compass values pin the crop to an edge or corner ({@code north} keeps the top, {@code south-east}
 * the bottom-right corner). {@code attention} and {@code entropy} are content-aware: {@code attention}
 * keeps the region with the most edges, saturated colour and skin tones (the object of a product photo,
 * not the table it stands on); {@code entropy} keeps the region with the most varied brightness.
 */
public enum Gravity {
    CENTER(0, 0),
    NORTH(0, -1),
    NORTH_EAST(1, -1),
    EAST(1, 0),
    SOUTH_EAST(1, 1),
    SOUTH(0, 1),
    SOUTH_WEST(-1, 1),
    WEST(-1, 0),
    NORTH_WEST(-1, -1),
    ATTENTION(0, 0),
    ENTROPY(0, 0);

    private final int dx;
    private final int dy;

    Gravity(int dx, int dy) {
        this.dx = dx;
        this.dy = dy;
    }

    /** The name used in configuration, e.g. {@code north-east}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the position comes from the pixels rather than from a fixed edge. */
    public boolean contentAware() {
        return this == ATTENTION || this == ENTROPY;
    }

    /** Horizontal anchor: -1 left, 0 centre, 1 right (0 for content-aware values). */
    public int dx() {
        return dx;
    }

    /** Vertical anchor: -1 top, 0 centre, 1 bottom (0 for content-aware values). */
    public int dy() {
        return dy;
    }

    public static Optional<Gravity> parse(String value) {
        return Arrays.stream(values()).filter(g -> g.configName().equals(value)).findFirst();
    }
}
