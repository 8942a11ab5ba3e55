package com.miniatura.worker.render;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import net.coobird.thumbnailator.Thumbnails;

/**
 * Step 4 (per variant): crop, scale and pad an upright sRGB image according to a {@link Geometry.Plan}.
 *
 * <p>Resampling is Thumbnailator's: progressive bilinear halving for large reductions (no single-step
 * nearest/bilinear aliasing from a 12 MP source), bicubic when enlarging.
 */
final class Resize {

    private Resize() {
    }

    /**
     * Returns a new image of {@code canvasW × canvasH} (or a view of {@code image} when the plan is a
     * plain crop); {@code image} is never modified. Padding is opaque {@code background} (0xRRGGBB); the
     * image area keeps its own alpha, so a PNG stays transparent where the source was.
     */
    static BufferedImage apply(BufferedImage image, Geometry.Plan plan, int background) {
        BufferedImage scaled = plan.resamples()
                ? resample(image, plan)
                : image.getSubimage(plan.cropX(), plan.cropY(), plan.cropW(), plan.cropH());
        if (!plan.pads()) {
            return scaled;
        }
        BufferedImage canvas = new BufferedImage(plan.canvasW(), plan.canvasH(), image.getType());
        Graphics2D g = canvas.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src);
            g.setColor(new Color(background & 0xFFFFFF));
            g.fillRect(0, 0, plan.canvasW(), plan.canvasH());
            g.drawImage(scaled, plan.offsetX(), plan.offsetY(), null);
        } finally {
            g.dispose();
        }
        return canvas;
    }

    private static BufferedImage resample(BufferedImage image, Geometry.Plan plan) {
        try {
            return Thumbnails.of(image)
                    .sourceRegion(plan.cropX(), plan.cropY(), plan.cropW(), plan.cropH())
                    .size(plan.scaledW(), plan.scaledH())
                    .keepAspectRatio(false) // the plan already fixed both sides
                    .imageType(image.getType())
                    .asBufferedImage();
        } catch (IOException e) {
            // an in-memory BufferedImage source does no I/O: this is a bug, not a bad image
            throw new UncheckedIOException("resizing failed", e);
        }
    }
}
