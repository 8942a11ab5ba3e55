package com.miniatura.worker.render.resample;

import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.geometry.Turn;
import com.miniatura.worker.render.resample.Planes.Plane;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Cascade} for a JPEG decoded to its YCbCr planes ({@link Planes}): the same choice of copy, box shrink and
 * Lanczos filter, applied to each plane at its own resolution. For a 4:2:0 photo that is half the samples of BGR,
 * and neither the decoder nor the encoder converts colours. Luma and chroma are resampled alike (the transform
 * from R'G'B' is linear, so filtering commutes with it); the only difference from {@link Cascade} is where chroma
 * is subsampled, which a JPEG encoder does anyway.
 *
 * <p>{@link #scalePlanes} gives a variant's planes for the encoder. {@link #scale} and {@link #smallestWhole} give BGR
 * for the steps that need it (filters, turns, pads, other formats, analysis), converted at the output's size, with
 * full-resolution chroma.
 */
public final class PlanarCascade implements ScaledCopies {

    /**
     * A copy of the whole stored source: luma {@code scaleX × scaleY} times its size; chroma sample {@code j} covers
     * luma {@code [sx·j − anchorX, sx·(j + 1) − anchorX)}, and likewise down.
     */
    private static final class Level {
        final Plane luma;
        final Plane cb;
        final Plane cr;
        final double scaleX;
        final double scaleY;
        final int sx;
        final int sy;
        final int anchorX;
        final int anchorY;
        BufferedImage bgr;

        Level(Plane luma, Plane cb, Plane cr, double scaleX, double scaleY, int sx, int sy, int anchorX, int anchorY) {
            this.luma = luma;
            this.cb = cb;
            this.cr = cr;
            this.scaleX = scaleX;
            this.scaleY = scaleY;
            this.sx = sx;
            this.sy = sy;
            this.anchorX = anchorX;
            this.anchorY = anchorY;
        }

        long pixels() {
            return (long) luma.width() * luma.height();
        }
    }

    private final List<Level> levels = new ArrayList<>();
    /** The decoded planes when they are the first copy at full size: a variant of exactly that size is them. */
    private final Planes whole;

    private final int storedW;
    private final int storedH;
    private final Deadline deadline;
    /** The last planes made and what they were made for: a grey twin of a colour variant (g150 after s150) reuses them. */
    private Request lastRequest;

    private Planes last;

    private record Request(Turn.Rect crop, int width, int height, int sx, int sy, int anchorX, int anchorY) {}

    /**
     * The decoded planes, box-shrunk by {@code box}, as the first copy: {@code scale} is the decoded size over the
     * stored size times {@code 1 / box}.
     */
    public PlanarCascade(Planes decoded, int box, double scale, int storedW, int storedH, Deadline deadline) {
        this.storedW = storedW;
        this.storedH = storedH;
        this.deadline = deadline;
        this.whole = box == 1 && scale == 1 ? decoded : null;
        Plane luma = decoded.luma();
        Plane cb = decoded.cb();
        Plane cr = decoded.cr();
        if (box > 1) {
            luma = PlaneResample.box(luma, 0, 0, luma.width(), luma.height(), box, deadline);
            cb = PlaneResample.box(cb, 0, 0, cb.width(), cb.height(), box, deadline);
            cr = PlaneResample.box(cr, 0, 0, cr.width(), cr.height(), box, deadline);
        }
        // a box of k over luma and over chroma keeps chroma sample j on luma [sx·j, sx·(j + 1)) of the result
        levels.add(new Level(luma, cb, cr, scale, scale, decoded.sx(), decoded.sy(), 0, 0));
    }

    /**
     * The stored-coordinate {@code crop} scaled to {@code width × height}, chroma subsampled {@code sx × sy}, from the
     * smallest copy with enough detail; a whole-frame result is remembered as a new, smaller copy.
     */
    public Planes scalePlanes(Turn.Rect crop, int width, int height, int sx, int sy) {
        return scalePlanes(crop, width, height, sx, sy, 0, 0);
    }

    /**
     * As {@link #scalePlanes(Turn.Rect, int, int, int, int)}, with chroma sample {@code j} covering output luma
     * {@code [sx·j − anchorX, sx·(j + 1) − anchorX)} (and likewise down): anchored one pixel early, the chroma grid
     * of an odd size ends at the last pixel, so that a turn running that axis backwards ({@link Planes#turn}) puts
     * it where a JPEG encoder expects it.
     */
    public Planes scalePlanes(Turn.Rect crop, int width, int height, int sx, int sy, int anchorX, int anchorY) {
        if (anchorX == 0
                && anchorY == 0
                && whole != null
                && whole.sx() == sx
                && whole.sy() == sy
                && crop.x() == 0
                && crop.y() == 0
                && crop.width() == storedW
                && crop.height() == storedH
                && width == storedW
                && height == storedH) {
            return whole; // as Cascade cuts such a variant from the base without resampling (and nobody writes to it)
        }
        Request request = new Request(crop, width, height, sx, sy, anchorX, anchorY);
        if (request.equals(lastRequest)) {
            return last; // planes are never written once made
        }
        Level from = levels.get(0);
        for (Level level : levels) {
            boolean enough = level.scaleX * crop.width() >= width && level.scaleY * crop.height() >= height;
            if (enough && level.pixels() < from.pixels()) {
                from = level;
            }
        }
        Planes out = Planes.allocate(width, height, sx, sy);
        int lobes = (long) width * height <= Cascade.SMALL ? 3 : OpaqueResample.LOBES;
        resample(
                lobes,
                from.luma,
                null,
                crop.x() * from.scaleX,
                crop.y() * from.scaleY,
                crop.width() * from.scaleX,
                crop.height() * from.scaleY,
                out.luma(),
                null);
        // in the source level's chroma coordinates: luma u is chroma (u + anchor) / s; output chroma sample j covers
        // output luma [sx·j − anchorX, sx·(j + 1) − anchorX), past the edge for an odd size
        double pixelX = crop.width() * from.scaleX / width; // one output pixel, in source luma
        double pixelY = crop.height() * from.scaleY / height;
        resample(
                lobes,
                from.cb,
                from.cr,
                (crop.x() * from.scaleX - anchorX * pixelX + from.anchorX) / from.sx,
                (crop.y() * from.scaleY - anchorY * pixelY + from.anchorY) / from.sy,
                (double) sx * out.chromaWidth() * pixelX / from.sx,
                (double) sy * out.chromaHeight() * pixelY / from.sy,
                out.cb(),
                out.cr());
        out.padLuma();
        lastRequest = request;
        last = out;
        if (crop.x() == 0 && crop.y() == 0 && crop.width() == storedW && crop.height() == storedH) {
            levels.add(new Level(
                    out.luma(),
                    out.cb(),
                    out.cr(),
                    (double) width / storedW,
                    (double) height / storedH,
                    sx,
                    sy,
                    anchorX,
                    anchorY));
        }
        return out;
    }

    /**
     * One plane, or two of one size ({@code src2}, {@code dst2}; else null), the rectangle {@code (x, y, w, h)} in its
     * own coordinates: box-shrunk first when the reduction is large, as {@link Cascade} does.
     */
    private void resample(
            int lobes, Plane src, Plane src2, double x, double y, double w, double h, Plane dst, Plane dst2) {
        int k = (int) Math.floor(Math.min(w / dst.width(), h / dst.height()) / Cascade.BOX_GAP);
        if (k >= 2) {
            // an anchored chroma rectangle may start before the plane: its box starts at the edge
            int x0 = Math.max(0, (int) Math.floor(x));
            int y0 = Math.max(0, (int) Math.floor(y));
            int x1 = Math.min(src.width(), (int) Math.ceil(x + w));
            int y1 = Math.min(src.height(), (int) Math.ceil(y + h));
            src = PlaneResample.box(src, x0, y0, x1 - x0, y1 - y0, k, deadline);
            if (src2 != null) {
                src2 = PlaneResample.box(src2, x0, y0, x1 - x0, y1 - y0, k, deadline);
            }
            x = (x - x0) / k;
            y = (y - y0) / k;
            w /= k;
            h /= k;
        }
        if (src2 == null) {
            PlaneResample.lanczos(lobes, src, x, y, w, h, dst, deadline);
        } else {
            PlaneResample.lanczos(lobes, new Plane[] {src, src2}, x, y, w, h, new Plane[] {dst, dst2}, deadline);
        }
    }

    /** As {@link Cascade#scale}, in BGR with chroma at full resolution. */
    @Override
    public BufferedImage scale(Turn.Rect crop, int width, int height) {
        return scalePlanes(crop, width, height, 1, 1).toBgr(deadline);
    }

    @Override
    public BufferedImage smallestWhole(int minSide) {
        Level best = levels.get(0);
        for (Level level : levels) {
            if (Math.max(level.luma.width(), level.luma.height()) >= minSide && level.pixels() < best.pixels()) {
                best = level;
            }
        }
        if (best.bgr == null) {
            best.bgr =
                    Planes.toBgr(best.luma, best.cb, best.cr, best.sx, best.sy, best.anchorX, best.anchorY, deadline);
        }
        return best.bgr;
    }
}
