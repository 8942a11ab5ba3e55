package com.miniatura.worker.render.geometry;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/** A variant's scaled image placed on its plan's canvas ({@code contain}), after it has been turned upright. */
public final class Pad {

    private Pad() {}

    /**
     * {@code image} (the plan's scaled size) placed on the plan's canvas: {@code image} itself when the plan
     * has no padding, otherwise a new image whose padding is opaque {@code background} (0xRRGGBB). The image
     * area keeps its own alpha, so a PNG stays transparent where the source was.
     */
    public static BufferedImage apply(BufferedImage image, Geometry.Plan plan, int background) {
        if (!plan.pads()) {
            return image;
        }
        BufferedImage canvas = new BufferedImage(
                plan.canvasW(),
                plan.canvasH(),
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
