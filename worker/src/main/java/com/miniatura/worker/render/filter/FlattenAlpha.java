package com.miniatura.worker.render.filter;

import com.miniatura.worker.render.Renderer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * The last pixel step of a variant in a format without alpha: composite the image over an opaque background.
 *
 * <p>Runs after resizing and filtering (see {@link Renderer}), so the background colour is not resampled or
 * blurred into the edges of transparent areas, and colour filters do not recolour the background itself.
 */
public final class FlattenAlpha {

    private FlattenAlpha() {}

    /** Returns {@code image} itself when it has no alpha; otherwise an opaque {@code TYPE_INT_RGB} copy. */
    public static BufferedImage apply(BufferedImage image, int background) {
        if (!image.getColorModel().hasAlpha()) {
            return image;
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(new Color(background & 0xFFFFFF));
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(image, 0, 0, null); // SrcOver
        } finally {
            g.dispose();
        }
        return out;
    }
}
