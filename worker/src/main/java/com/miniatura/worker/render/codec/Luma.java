package com.miniatura.worker.render.codec;

import com.miniatura.worker.render.TurboJpeg;
import com.miniatura.worker.render.resample.OpaqueResample;
import com.miniatura.worker.render.resample.Planes;
import com.miniatura.worker.render.resample.Planes.Plane;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import javax.imageio.ImageIO;

/** The JPEG luma (Rec. 601 Y, as libjpeg computes it) of pixels, or of an encoded JPEG once decoded. */
public final class Luma {

    private Luma() {}

    /** Y of opaque pixels, with libjpeg's own fixed-point weights and rounding. */
    public static Plane of(BufferedImage image) {
        BufferedImage bgr = OpaqueResample.plain(image);
        return ofBgr(OpaqueResample.bytes(bgr), bgr.getWidth(), bgr.getHeight());
    }

    /** Y of {@code w × h} pixels of 3 bytes (B, G, R), rows packed. */
    public static Plane ofBgr(byte[] pixels, int w, int h) {
        byte[] y = new byte[w * h];
        for (int i = 0, p = 0; i < y.length; i++, p += 3) {
            int b = pixels[p] & 0xFF;
            int g = pixels[p + 1] & 0xFF;
            int r = pixels[p + 2] & 0xFF;
            y[i] = (byte) ((19595 * r + 38470 * g + 7471 * b + 32768) >> 16);
        }
        return new Plane(y, 0, w, w, h);
    }

    /**
     * Y of a JPEG this worker encoded: its luma plane as libjpeg-turbo decodes it (no colour conversion), or, without
     * the library, converted back from the JDK's decode.
     */
    public static Plane decoded(byte[] jpeg, Optional<TurboJpeg> turbo) throws IOException {
        if (turbo.isPresent()) {
            try {
                TurboJpeg.Header header = turbo.get().header(jpeg);
                int[] factors = header.chromaFactors();
                if (factors != null) {
                    Planes planes = Planes.allocate(header.width(), header.height(), factors[0], factors[1]);
                    turbo.get().decodeYuv(jpeg, header.width(), header.height(), planes.data());
                    return planes.luma();
                }
            } catch (TurboJpeg.Failure e) {
                throw new IOException("cannot decode a trial encode: " + e.getMessage(), e);
            }
        }
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        if (image == null) {
            throw new IOException("cannot decode a trial encode");
        }
        return of(image);
    }
}
