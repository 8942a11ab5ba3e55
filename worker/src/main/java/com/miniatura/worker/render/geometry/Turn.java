package com.miniatura.worker.render.geometry;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * One of the eight ways to turn a rectangular image without resampling (rotations by quarter turns and
 * mirrors: the dihedral group of the square), named by the EXIF orientation code that asks for it:
 * 1 as stored, 2 mirror left-right, 3 rotate 180, 4 mirror top-bottom, 5 transpose, 6 rotate 90 clockwise,
 * 7 transverse, 8 rotate 270 clockwise. {@link Orient#apply} moves the pixels for a code.
 *
 * <p>Why a type of its own: a variant is turned twice, by the source's EXIF orientation and then by its own
 * {@code rotate}/{@code flip}/{@code flop}. Composing both into one {@code Turn} lets the renderer plan the
 * variant in turned coordinates, map the crop back to the stored image ({@link #toStored}), crop and scale
 * there, and turn only the small result: the full-size image is never rotated.
 *
 * <p>Internally a turn is the signed permutation matrix {@code M} that takes a pixel position of the turned
 * image, measured from its centre, to the stored pixel it shows: composing turns multiplies matrices and the
 * inverse is the transpose.
 *
 * @param code the EXIF orientation code, 1..8
 */
public record Turn(int code) {

    public static final Turn NONE = new Turn(1);
    public static final Turn FLOP = new Turn(2);
    public static final Turn ROTATE_180 = new Turn(3);
    public static final Turn FLIP = new Turn(4);
    public static final Turn ROTATE_90 = new Turn(6);
    public static final Turn ROTATE_270 = new Turn(8);

    /** Per code: whether x and y trade places, and whether the stored x and y then run backwards. */
    private static final boolean[] SWAPS = {false, false, false, false, false, true, true, true, true};

    private static final boolean[] MIRRORS_X = {false, false, true, true, false, false, false, true, true};
    private static final boolean[] MIRRORS_Y = {false, false, false, true, true, false, true, true, false};

    public Turn {
        if (code < 1 || code > 8) {
            throw new IllegalArgumentException("turn code must be 1..8: " + code);
        }
    }

    /** The turn that makes a stored image upright; anything but 1..8 means "as stored", like {@link Orient}. */
    public static Turn exif(int orientation) {
        return orientation >= 1 && orientation <= 8 ? new Turn(orientation) : NONE;
    }

    /** A variant's own turn: {@code rotate} degrees clockwise (0, 90, 180, 270), then the mirrors. */
    public static Turn of(int rotate, boolean flip, boolean flop) {
        Turn rotation = switch (rotate) {
            case 0 -> NONE;
            case 90 -> ROTATE_90;
            case 180 -> ROTATE_180;
            case 270 -> ROTATE_270;
            default -> throw new IllegalArgumentException("rotate must be 0, 90, 180 or 270: " + rotate);
        };
        return rotation.then(flip ? FLIP : NONE).then(flop ? FLOP : NONE);
    }

    /** {@code image} turned by this turn ({@link Orient} moves the pixels); {@code image} is never modified. */
    public BufferedImage apply(BufferedImage image) {
        return Orient.apply(image, code);
    }

    /** This turn followed by {@code next}. */
    public Turn then(Turn next) {
        int[] a = matrix();
        int[] b = next.matrix();
        // stored ← this ← next: M = M_this · M_next
        return fromMatrix(new int[] {
            a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]
        });
    }

    /** The turn that undoes this one. */
    public Turn inverse() {
        int[] m = matrix();
        return fromMatrix(new int[] {m[0], m[2], m[1], m[3]});
    }

    /** Whether width and height trade places (codes 5..8). */
    /** Whether the turned image runs along the stored x axis backwards (its pixels come from right to left). */
    public boolean mirrorsStoredX() {
        return MIRRORS_X[code];
    }

    /** Whether the turned image runs along the stored y axis backwards. */
    public boolean mirrorsStoredY() {
        return MIRRORS_Y[code];
    }

    public boolean transposes() {
        return SWAPS[code];
    }

    /** Width of the turned image of a {@code storedW × storedH} one. */
    public int turnedWidth(int storedW, int storedH) {
        return transposes() ? storedH : storedW;
    }

    /** Height of the turned image of a {@code storedW × storedH} one. */
    public int turnedHeight(int storedW, int storedH) {
        return transposes() ? storedW : storedH;
    }

    /** The stored pixel {x, y} shown at {@code (x, y)} of the turned image, for a {@code storedW × storedH} image. */
    public int[] toStored(int x, int y, int storedW, int storedH) {
        int sx = transposes() ? y : x;
        int sy = transposes() ? x : y;
        return new int[] {MIRRORS_X[code] ? storedW - 1 - sx : sx, MIRRORS_Y[code] ? storedH - 1 - sy : sy};
    }

    /** A rectangle of pixels. */
    public record Rect(int x, int y, int width, int height) {}

    /** The stored pixels that the turned rectangle {@code r} shows: the same pixels, turned back. */
    public Rect toStored(Rect r, int storedW, int storedH) {
        int[] a = toStored(r.x(), r.y(), storedW, storedH);
        int[] b = toStored(r.x() + r.width() - 1, r.y() + r.height() - 1, storedW, storedH);
        return new Rect(
                Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.abs(a[0] - b[0]) + 1, Math.abs(a[1] - b[1]) + 1);
    }

    /** {m00, m01, m10, m11}: stored (u, v) = M · turned (u, v), both measured from the image centre. */
    private int[] matrix() {
        int sx = MIRRORS_X[code] ? -1 : 1;
        int sy = MIRRORS_Y[code] ? -1 : 1;
        return transposes() ? new int[] {0, sx, sy, 0} : new int[] {sx, 0, 0, sy};
    }

    private static Turn fromMatrix(int[] m) {
        for (int c = 1; c <= 8; c++) {
            if (Arrays.equals(new Turn(c).matrix(), m)) {
                return new Turn(c);
            }
        }
        throw new IllegalStateException("not a turn: " + Arrays.toString(m));
    }

    @Override
    public String toString() {
        return switch (code) {
            case 1 -> "none";
            case 2 -> "flop";
            case 3 -> "rotate 180";
            case 4 -> "flip";
            case 5 -> "transpose";
            case 6 -> "rotate 90";
            case 7 -> "transverse";
            default -> "rotate 270";
        };
    }
}
