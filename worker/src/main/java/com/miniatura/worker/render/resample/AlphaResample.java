package com.miniatura.worker.render.resample;

import com.miniatura.worker.render.geometry.Turn;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import net.coobird.thumbnailator.Thumbnails;

/**
 * Per variant: crop and scale the stored sRGB image of a source with alpha ({@link #cropAndScale}; opaque
 * sources go through {@link Cascade}).
 *
 * <p>Resampling is Thumbnailator's: progressive bilinear halving for large reductions (no single-step
 * nearest/bilinear aliasing from a 12 MP source), bicubic when enlarging; it interpolates in premultiplied
 * alpha, so transparent pixels never bleed their hidden colour into the edges.
 */
public final class AlphaResample {

    private AlphaResample() {}

    /** Every variant of a source with alpha scaled from {@code stored} itself, by {@link #cropAndScale}. */
    public static ScaledCopies from(BufferedImage stored) {
        return new ScaledCopies() {
            @Override
            public BufferedImage scale(Turn.Rect crop, int width, int height) {
                return cropAndScale(stored, crop, width, height);
            }

            @Override
            public BufferedImage smallestWhole(int minSide) {
                return stored;
            }
        };
    }

    /**
     * The {@code crop} of {@code image} scaled to exactly {@code width × height}: a new image of the same
     * type, or a view of {@code image} when no resampling is needed; {@code image} is never modified.
     */
    public static BufferedImage cropAndScale(BufferedImage image, Turn.Rect crop, int width, int height) {
        if (crop.width() == width && crop.height() == height) {
            return image.getSubimage(crop.x(), crop.y(), crop.width(), crop.height());
        }
        try {
            return Thumbnails.of(image)
                    .sourceRegion(crop.x(), crop.y(), crop.width(), crop.height())
                    .size(width, height)
                    .keepAspectRatio(false) // the plan already fixed both sides
                    .imageType(image.getType())
                    .asBufferedImage();
        } catch (IOException e) {
            // an in-memory BufferedImage source does no I/O: this is a bug, not a bad image
            throw new UncheckedIOException("resizing failed", e);
        }
    }
}
