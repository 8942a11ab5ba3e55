package com.miniatura.worker.render;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import net.coobird.thumbnailator.Thumbnails;

/**
 * Per variant: crop and scale the stored sRGB image of a source with alpha ({@link #cropAndScale}; opaque
 * sources go through {@link Cascade}), and, after the result has been turned upright, pad it onto the
 * variant's canvas ({@link #pad}).
 *
 * <p>Resampling is Thumbnailator's: progressive bilinear halving for large reductions (no single-step
 * nearest/bilinear aliasing from a 12 MP source), bicubic when enlarging; it interpolates in premultiplied
 * alpha, so transparent pixels never bleed their hidden colour into the edges.
 */
final class Resize {

    private Resize() {
    }

    /** Every variant of a source with alpha scaled from {@code stored} itself, by {@link #cropAndScale}. */
    static ScaledCopies from(BufferedImage stored) {
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
    static BufferedImage cropAndScale(BufferedImage image, Turn.Rect crop, int width, int height) {
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

    /**
     * {@code image} (the plan's scaled size) placed on the plan's canvas: {@code image} itself when the plan
     * has no padding, otherwise a new image whose padding is opaque {@code background} (0xRRGGBB). The image
     * area keeps its own alpha, so a PNG stays transparent where the source was.
     */
    static BufferedImage pad(BufferedImage image, Geometry.Plan plan, int background) {
        if (!plan.pads()) {
            return image;
        }
        BufferedImage canvas = new BufferedImage(plan.canvasW(), plan.canvasH(),
                image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src);
            g.setColor(new Color(background & 0xFFFFFF));
            g.fillRect(0, 0, plan.canvasW(), plan.canvasH());
            g.drawImage(image, plan.offsetX(), plan.offsetY(), null);
        } finally {
            g.dispose();
        }
        return canvas;
    }
}
