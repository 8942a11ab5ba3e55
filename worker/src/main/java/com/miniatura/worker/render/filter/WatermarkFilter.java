package com.miniatura.worker.render.filter;

import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.Gravity;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import net.coobird.thumbnailator.Thumbnails;

/**
 * Draws a {@link Filter.Watermark} over a variant.
 *
 * <p>Size: the watermark is scaled to {@code scale × variant width}, keeping its aspect ratio, and then shrunk
 * further if needed so that it fits inside the variant less its margins (a tall logo on a wide banner, or
 * {@code scale} 1 with a margin, would otherwise be cut off). It <em>is</em> enlarged when the source is
 * narrower than that: the configured proportion then holds on every variant, which is what a seller sees
 * side by side; a soft logo on the largest variant means the source should be at least
 * {@code scale × the widest variant} wide. Downscaling is Thumbnailator's (progressive bilinear, as for sources
 * with alpha), which interpolates in premultiplied alpha, so soft logo edges keep their colour.
 *
 * <p>Blending: {@link AlphaComposite#SRC_OVER} with {@code opacity} as extra alpha. Over a transparent variant
 * this raises alpha only where the watermark itself has alpha; the rest of the variant stays as it was.
 */
public final class WatermarkFilter {

    private WatermarkFilter() {}

    /** Where the watermark goes and its drawn size, in variant pixels. */
    public record Placement(int x, int y, int width, int height) {}

    /** Draws {@code mark} (sRGB ARGB) into {@code canvas} in place. */
    public static void draw(BufferedImage canvas, Filter.Watermark spec, BufferedImage mark) {
        Placement at = place(canvas.getWidth(), canvas.getHeight(), mark.getWidth(), mark.getHeight(), spec);
        BufferedImage scaled = scale(mark, at.width(), at.height());
        Graphics2D g = canvas.createGraphics();
        try {
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) spec.opacity()));
            g.drawImage(scaled, at.x(), at.y(), null);
        } finally {
            g.dispose();
        }
    }

    /**
     * The watermark's box on a {@code canvasW × canvasH} variant. The margin is {@code margin × the shorter
     * side}, so it looks the same on landscape and portrait variants; {@code center} ignores it, and an
     * odd leftover pixel goes to the right/bottom.
     */
    public static Placement place(int canvasW, int canvasH, int markW, int markH, Filter.Watermark spec) {
        int margin = (int) Math.round(spec.margin() * Math.min(canvasW, canvasH));
        int maxW = Math.max(1, canvasW - 2 * margin);
        int maxH = Math.max(1, canvasH - 2 * margin);
        double aspect = markH / (double) markW;
        int width = Math.min(maxW, Math.max(1, (int) Math.round(spec.scale() * canvasW)));
        int height = Math.max(1, (int) Math.round(width * aspect));
        if (height > maxH) {
            height = maxH;
            width = Math.min(maxW, Math.max(1, (int) Math.round(height / aspect)));
        }
        Gravity position = spec.position();
        return new Placement(
                offset(position.dx(), canvasW, width, margin),
                offset(position.dy(), canvasH, height, margin),
                width,
                height);
    }

    private static int offset(int anchor, int canvas, int size, int margin) {
        if (anchor < 0) {
            return margin;
        }
        return anchor > 0 ? canvas - margin - size : (canvas - size) / 2;
    }

    private static BufferedImage scale(BufferedImage mark, int width, int height) {
        if (mark.getWidth() == width && mark.getHeight() == height) {
            return mark; // drawn, never written
        }
        try {
            return Thumbnails.of(mark)
                    .size(width, height)
                    .keepAspectRatio(false) // place() already kept it, to the pixel
                    .imageType(BufferedImage.TYPE_INT_ARGB)
                    .asBufferedImage();
        } catch (IOException e) {
            // an in-memory BufferedImage source does no I/O: this is a bug, not a bad image
            throw new UncheckedIOException("scaling the watermark failed", e);
        }
    }
}
