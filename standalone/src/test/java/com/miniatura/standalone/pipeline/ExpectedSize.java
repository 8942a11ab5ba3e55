package com.miniatura.standalone.pipeline;

/**
 * The reference variants' output sizes, computed independently of the renderer's geometry code:
 * never enlarged, {@code inside} keeps the aspect ratio, {@code cover} crops to the box (or to the
 * largest square the source holds when it is smaller than the box).
 */
final class ExpectedSize {
    private ExpectedSize() {}

    static int[] of(String variant, int width, int height) {
        return switch (variant) {
            case "s150", "g150" -> cover(150, 150, width, height);
            case "m300" -> inside(300, 300, width, height);
            case "c480" -> inside(480, Integer.MAX_VALUE, width, height);
            case "d800" -> inside(800, 800, width, height);
            case "z1600" -> inside(1600, 1600, width, height);
            default -> throw new IllegalArgumentException(variant);
        };
    }

    static int[] inside(int boxW, int boxH, int w, int h) {
        double scale = Math.min(1.0, Math.min((double) boxW / w, (double) boxH / h));
        return new int[] {Math.max(1, (int) Math.round(w * scale)), Math.max(1, (int) Math.round(h * scale))};
    }

    static int[] cover(int boxW, int boxH, int w, int h) {
        double shrink = Math.min(1.0, Math.min((double) w / boxW, (double) h / boxH));
        return new int[] {(int) Math.round(boxW * shrink), (int) Math.round(boxH * shrink)};
    }
}
