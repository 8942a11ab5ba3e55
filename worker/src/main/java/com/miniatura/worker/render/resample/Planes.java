package com.miniatura.worker.render.resample;

import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.geometry.Turn;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * A JPEG's own pixels: full-range YCbCr (JFIF) as three planes of bytes, the chroma planes {@code sx × sy} times
 * smaller than luma, in one array laid out as libjpeg-turbo's TurboJPEG API reads and writes it (luma, then Cb, then
 * Cr, rows packed; each plane padded to whole chroma samples). Decoding to it skips the decoder's chroma upsampling
 * and colour conversion, encoding from it the encoder's conversion and downsampling, and resampling it touches half
 * the samples of BGR for 4:2:0 (see {@link PlanarCascade}).
 *
 * @param data   the three planes
 * @param width  luma width, the image's
 * @param height luma height
 * @param sx     luma columns per chroma column: 1 or 2
 * @param sy     luma rows per chroma row: 1 or 2
 */
public record Planes(byte[] data, int width, int height, int sx, int sy) {

    public Planes {
        if (width <= 0 || height <= 0 || (sx != 1 && sx != 2) || (sy != 1 && sy != 2)) {
            throw new IllegalArgumentException(
                    "planes of " + width + "x" + height + " subsampled " + sx + "x" + sy + " are not supported");
        }
        if (data.length != size(width, height, sx, sy)) {
            throw new IllegalArgumentException("planes of " + width + "x" + height + " need "
                    + size(width, height, sx, sy) + " bytes, not " + data.length);
        }
    }

    /** New, zeroed planes. */
    public static Planes allocate(int width, int height, int sx, int sy) {
        return new Planes(new byte[Math.toIntExact(size(width, height, sx, sy))], width, height, sx, sy);
    }

    /** Bytes of the three planes of a {@code width × height} image subsampled {@code sx × sy}. */
    public static long size(int width, int height, int sx, int sy) {
        long lumaW = pad(width, sx);
        long lumaH = pad(height, sy);
        return lumaW * lumaH + 2 * (lumaW / sx) * (lumaH / sy);
    }

    private static int pad(int size, int factor) {
        return (size + factor - 1) / factor * factor;
    }

    /** The luma plane: {@code width × height} pixels, rows padded to whole chroma samples. */
    public Plane luma() {
        return new Plane(data, 0, pad(width, sx), width, height);
    }

    /** The Cb plane. */
    public Plane cb() {
        return new Plane(data, lumaSize(), chromaWidth(), chromaWidth(), chromaHeight());
    }

    /** The Cr plane. */
    public Plane cr() {
        return new Plane(
                data, lumaSize() + chromaWidth() * chromaHeight(), chromaWidth(), chromaWidth(), chromaHeight());
    }

    public int chromaWidth() {
        return pad(width, sx) / sx;
    }

    public int chromaHeight() {
        return pad(height, sy) / sy;
    }

    private int lumaSize() {
        return pad(width, sx) * pad(height, sy);
    }

    /**
     * Repeats the last luma column and row into the padding, so a JPEG encoder compressing whole chroma samples sees
     * no dark edge that is not in the picture.
     */
    public Planes padLuma() {
        int stride = pad(width, sx);
        int rows = pad(height, sy);
        for (int y = 0; y < height; y++) {
            for (int x = width; x < stride; x++) {
                data[y * stride + x] = data[y * stride + width - 1];
            }
        }
        for (int y = height; y < rows; y++) {
            System.arraycopy(data, (height - 1) * stride, data, y * stride, stride);
        }
        return this;
    }

    /**
     * These planes turned by {@code turn}, each plane moved as a whole (no resampling). A chroma sample stays on the
     * same pixels only if the planes' chroma grid ends where the turned image's begins: for an axis the turn runs
     * backwards and whose size is odd, the planes must have been made with their chroma anchored one pixel early
     * ({@link PlanarCascade#scalePlanes(Turn.Rect, int, int, int, int, int, int)}).
     */
    public Planes turn(Turn turn) {
        if (turn.equals(Turn.NONE)) {
            return this;
        }
        int tw = turn.turnedWidth(width, height);
        int th = turn.turnedHeight(width, height);
        Planes out = allocate(tw, th, turn.transposes() ? sy : sx, turn.transposes() ? sx : sy);
        move(luma(), out.luma(), turn);
        move(cb(), out.cb(), turn);
        move(cr(), out.cr(), turn);
        return out.padLuma();
    }

    /** Every sample of {@code to} (turned) from {@code from} (stored), walking each turned row as a stride. */
    private static void move(Plane from, Plane to, Turn turn) {
        int w = from.width();
        int h = from.height();
        int[] origin = turn.toStored(0, 0, w, h);
        int[] right = to.width() > 1 ? turn.toStored(1, 0, w, h) : origin;
        int[] down = to.height() > 1 ? turn.toStored(0, 1, w, h) : origin;
        int start = from.offset() + origin[1] * from.stride() + origin[0];
        int dx = (right[1] - origin[1]) * from.stride() + (right[0] - origin[0]);
        int dy = (down[1] - origin[1]) * from.stride() + (down[0] - origin[0]);
        byte[] src = from.data();
        byte[] dst = to.data();
        for (int y = 0; y < to.height(); y++) {
            int i = start + y * dy;
            int o = to.offset() + y * to.stride();
            for (int x = 0; x < to.width(); x++, i += dx) {
                dst[o + x] = src[i];
            }
        }
    }

    /** A copy with neutral chroma (128): the grey picture of the same luma, Rec. 601's, as a JPEG holds it. */
    public Planes grey() {
        byte[] copy = new byte[data.length];
        int luma = pad(width, sx) * pad(height, sy);
        System.arraycopy(data, 0, copy, 0, luma);
        Arrays.fill(copy, luma, copy.length, (byte) 128);
        return new Planes(copy, width, height, sx, sy);
    }

    /** JFIF's YCbCr to RGB in libjpeg's 16-bit fixed point, by table (chroma 0..255, centred on 128). */
    private static final int[] CR_R = new int[256];

    private static final int[] CB_B = new int[256];
    private static final int[] CB_G = new int[256];
    private static final int[] CR_G = new int[256];
    /** 0..255 clamped: {@code LIMIT[v + LIMIT_OFFSET]} for any {@code v} a conversion gives (-227..482). */
    private static final byte[] LIMIT = new byte[3 * 256 + 256];

    private static final int LIMIT_OFFSET = 384;

    static {
        for (int i = 0; i < 256; i++) {
            int c = i - 128;
            CR_R[i] = (91881 * c + 32768) >> 16;
            CB_B[i] = (116130 * c + 32768) >> 16;
            CB_G[i] = 22554 * c;
            CR_G[i] = 46802 * c - 32768;
        }
        for (int i = 0; i < LIMIT.length; i++) {
            LIMIT[i] = (byte) Math.max(0, Math.min(255, i - LIMIT_OFFSET));
        }
    }

    /** The pixels as plain {@code TYPE_3BYTE_BGR}: see {@link #toBgr(Plane, Plane, Plane, int, int, Deadline)}. */
    public BufferedImage toBgr(Deadline deadline) {
        return toBgr(luma(), cb(), cr(), sx, sy, 0, 0, deadline);
    }

    /**
     * {@code luma}'s size in plain {@code TYPE_3BYTE_BGR}, chroma sample {@code i} covering luma {@code [sx·i − ax,
     * sx·(i + 1) − ax)} (and likewise down with {@code ay}; anchors 0 or 1, see {@link PlanarCascade#scalePlanes}): chroma upsampled by libjpeg's "fancy" triangle filter (each sample weighs 3/4 at its own pixels
     * and 1/4 at the neighbour's; a chroma plane short of the last sample repeats its edge), then converted with
     * JFIF's equations in libjpeg's fixed point, as a JPEG decoder does.
     */
    public static BufferedImage toBgr(
            Plane luma, Plane cb, Plane cr, int sx, int sy, int ax, int ay, Deadline deadline) {
        int width = luma.width();
        int height = luma.height();
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = OpaqueResample.bytes(out);
        int cw = cb.width();
        int chLast = cb.height() - 1;
        byte[] bData = cb.data();
        byte[] rData = cr.data();
        int[] vCb = new int[cw];
        int[] vCr = new int[cw];
        int[] rowCb = new int[width];
        int[] rowCr = new int[width];
        for (int row = 0, o = 0; row < height; row++) {
            if (row % Deadline.ROWS == 0) {
                deadline.poll("converting colours");
            }
            // vertically, at 4 times the scale
            int yy = row + (sy == 1 ? 0 : ay);
            int near = Math.min(chLast, yy / sy);
            int far = sy == 1 ? near : Math.max(0, Math.min(chLast, (yy & 1) == 0 ? near - 1 : near + 1));
            int nb = cb.offset() + near * cb.stride();
            int fb = cb.offset() + far * cb.stride();
            int nr = cr.offset() + near * cr.stride();
            int fr = cr.offset() + far * cr.stride();
            for (int i = 0; i < cw; i++) {
                vCb[i] = 3 * (bData[nb + i] & 0xFF) + (bData[fb + i] & 0xFF);
                vCr[i] = 3 * (rData[nr + i] & 0xFF) + (rData[fr + i] & 0xFF);
            }
            // horizontally, back to 1 with rounding; the edges repeat
            if (sx == 1) {
                for (int x = 0, last = cw - 1; x < width; x++) {
                    int i = x < last ? x : last;
                    rowCb[x] = (vCb[i] + 2) >> 2;
                    rowCr[x] = (vCr[i] + 2) >> 2;
                }
            } else {
                int last = cw - 1;
                for (int x = 0; x < width; x++) {
                    int xx = x + ax;
                    int n = xx >> 1;
                    if (n > last) {
                        n = last;
                    }
                    int f = (xx & 1) == 0 ? (n > 0 ? n - 1 : 0) : (n < last ? n + 1 : last);
                    rowCb[x] = (3 * vCb[n] + vCb[f] + 8) >> 4;
                    rowCr[x] = (3 * vCr[n] + vCr[f] + 8) >> 4;
                }
            }
            byte[] l = luma.data();
            int at = luma.offset() + row * luma.stride();
            for (int x = 0; x < width; x++) {
                int y = (l[at + x] & 0xFF) + LIMIT_OFFSET;
                int b = rowCb[x];
                int r = rowCr[x];
                dst[o++] = LIMIT[y + CB_B[b]];
                dst[o++] = LIMIT[y - ((CB_G[b] + CR_G[r]) >> 16)];
                dst[o++] = LIMIT[y + CR_R[r]];
            }
        }
        return out;
    }

    /** One plane of bytes inside {@code data}: {@code width × height} samples, rows {@code stride} apart. */
    public record Plane(byte[] data, int offset, int stride, int width, int height) {}
}
