package com.miniatura.worker.render.resample;

import com.miniatura.worker.render.geometry.Turn;
import java.awt.image.BufferedImage;

/** Where a render's variants are resampled from: the whole source, at one or more sizes. */
public interface ScaledCopies {

    /** The stored-coordinate {@code crop} scaled to {@code width × height}; no copy is modified. */
    BufferedImage scale(Turn.Rect crop, int width, int height);

    /** The smallest copy of the whole source made so far whose longer side is at least {@code minSide}. */
    BufferedImage smallestWhole(int minSide);
}
