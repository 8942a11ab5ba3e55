package com.miniatura.worker.render.codec;

import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.SourceMetadata;
import com.miniatura.worker.render.TurboJpeg;
import com.miniatura.worker.render.filter.ToSrgb;
import com.miniatura.worker.render.resample.OpaqueResample;
import com.miniatura.worker.render.resample.Planes;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.util.List;

/**
 * An 8-bit YCbCr or grey JPEG (the component ids and markers every decoder reads alike, {@link JpegHeader#ycbcr}),
 * decoded by libjpeg-turbo into {@code TYPE_3BYTE_BGR}, at any of {@link Decode#DCT_DENOMINATORS}. Its ICC profile,
 * if any and not sRGB, is attached as the pixels' colour space; {@link ToSrgb} converts later, at the decoded
 * size. CMYK, YCCK, RGB-transform and 12-bit JPEGs are left to ImageIO.
 */
public final class NativeJpeg extends Opened {
    private final TurboJpeg turbo;
    private final TurboJpeg.Header header;
    private final ColorSpace profile;
    private String warning;

    private NativeJpeg(
            byte[] source,
            SourceMetadata metadata,
            TurboJpeg turbo,
            TurboJpeg.Header header,
            ColorSpace profile,
            Container container) {
        super(
                "jpeg",
                source,
                metadata,
                header.width(),
                header.height(),
                new Decode.Layout(3, 0, false, profile == null, "libjpeg-turbo"),
                container);
        this.turbo = turbo;
        this.header = header;
        this.profile = profile;
    }

    /** The native source, or null when ImageIO should decode this JPEG. */
    public static NativeJpeg open(
            TurboJpeg turbo, byte[] source, SourceMetadata metadata, RenderLimits limits, Container container)
            throws RenderException {
        JpegHeader jpeg = container.jpeg();
        if (jpeg == null || jpeg.precision() != 8 || !(jpeg.ycbcr() || jpeg.ids().length == 1)) {
            return null;
        }
        TurboJpeg.Header header;
        try {
            header = turbo.header(source);
        } catch (TurboJpeg.Failure e) {
            return null; // ImageIO reads the header again and says what is wrong
        }
        if (header.colourSpace() != TurboJpeg.ColourSpace.YCBCR && header.colourSpace() != TurboJpeg.ColourSpace.GRAY) {
            return null;
        }
        Decode.checkPixels(header.width(), header.height(), limits);
        ColorSpace profile = null;
        if (!jpeg.icc().isEmpty()) {
            ICC_Profile icc = Icc.fromJpeg(source, jpeg);
            if (icc == null || jpeg.ids().length != 3 || icc.getColorSpaceType() != ColorSpace.TYPE_RGB) {
                return null; // a profile ImageIO's reader judges (and may refuse), or one it ignores
            }
            try {
                profile = Icc.colourSpace(icc); // null: sRGB, nothing to convert
            } catch (RuntimeException e) {
                return null;
            }
        }
        return new NativeJpeg(source, metadata, turbo, header, profile, container);
    }

    @Override
    public List<Integer> denominators() {
        return Decode.DCT_DENOMINATORS;
    }

    /**
     * The warning libjpeg-turbo gave while decoding a whole image, or null: a warning that is not damage
     * itself, which the renderer has ImageIO check again when it can (see {@link Decode.NativeFailure}).
     */
    public String warning() {
        return warning;
    }

    /**
     * Whether {@link #readPlanes} can give this JPEG's pixels: YCbCr in sRGB (no profile to apply), its chroma
     * subsampled 4:4:4, 4:2:2, 4:2:0 or 4:4:0.
     */
    public boolean planar() {
        return profile == null && header.colourSpace() == TurboJpeg.ColourSpace.YCBCR && header.chromaFactors() != null;
    }

    /**
     * The JPEG's own YCbCr planes at {@code 1/denominator} (only when {@link #planar}): no chroma upsampling and no
     * colour conversion, which {@link #read} pays for. Damage and warnings are handled as {@link #read} handles them.
     */
    public Planes readPlanes(int denominator, Deadline deadline) throws RenderException, Decode.NativeFailure {
        if (!planar()) {
            throw new IllegalStateException("not a planar JPEG");
        }
        deadline.check("decoding");
        int[] f = header.chromaFactors();
        int w = TurboJpeg.scaled(width, denominator);
        int h = TurboJpeg.scaled(height, denominator);
        Planes planes = Planes.allocate(w, h, f[0], f[1]);
        try {
            turbo.decodeYuv(source, w, h, planes.data());
        } catch (TurboJpeg.Failure e) {
            failed(e);
        }
        deadline.check("decoding");
        return planes;
    }

    private void failed(TurboJpeg.Failure e) throws Decode.NativeFailure {
        if (!e.warning() || DecodeFailures.isDamage(e.getMessage())) {
            throw new Decode.NativeFailure(new RenderException(Reason.CORRUPT, "corrupt image: " + describeNative(e)));
        }
        // a warning that is not damage ("extraneous bytes before marker"): the image is whole, but the
        // warning may hide one that is (libjpeg-turbo reports only the first); see warning()
        warning = describeNative(e);
    }

    @Override
    public BufferedImage read(int denominator, Deadline deadline) throws RenderException, Decode.NativeFailure {
        deadline.check("decoding");
        BufferedImage image = new BufferedImage(
                TurboJpeg.scaled(width, denominator),
                TurboJpeg.scaled(height, denominator),
                BufferedImage.TYPE_3BYTE_BGR);
        try {
            turbo.decode(source, header, denominator, OpaqueResample.bytes(image));
        } catch (TurboJpeg.Failure e) {
            failed(e);
        }
        deadline.check("decoding");
        if (profile == null) {
            return image;
        }
        ComponentColorModel tagged =
                new ComponentColorModel(profile, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        BufferedImage result = new BufferedImage(tagged, image.getRaster(), false, null);
        Decode.checkColourConversion(result);
        // converted here, as TwelveMonkeys' reader converts in the decoder: callers get sRGB pixels either way
        return ToSrgb.bgr(result, deadline);
    }

    private static String describeNative(TurboJpeg.Failure e) {
        return DecodeFailures.printable(e.getMessage());
    }
}
