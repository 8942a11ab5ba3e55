package com.miniatura.worker.render.codec;

import static com.miniatura.worker.render.codec.Bytes.u32be;

import com.miniatura.worker.render.filter.ToSrgb;
import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The embedded colour profile of a PNG ({@code iCCP} chunk), which the JDK's PNG reader parses but never
 * applies: a Display P3 screenshot or an Adobe RGB export would otherwise be taken for sRGB and look washed
 * out. The profile is attached to the decoded pixels' colour model; {@link ToSrgb} then converts.
 *
 * <p>JPEG, WebP and TIFF need nothing here: their TwelveMonkeys readers apply embedded profiles themselves.
 * A profile that cannot be parsed or used is ignored, as browsers do, and the pixels are taken as sRGB.
 */
public final class Icc {

    /** Larger than any real profile (a few KB for matrix profiles, about 0.5 MB for print LUTs). */
    private static final int MAX_PROFILE_BYTES = 4 * 1024 * 1024;

    private Icc() {}

    /**
     * The profile of the {@code iCCP} chunk before the image data, or {@code null} when there is none, when an
     * {@code sRGB} chunk says the pixels are sRGB anyway, or when it does not parse.
     */
    public static ICC_Profile fromPng(byte[] png) {
        long pos = 8;
        while (pos + 12 <= png.length) {
            int p = (int) pos;
            long length = u32be(png, p);
            String type = new String(png, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (length > png.length - p - 12 || type.equals("IDAT") || type.equals("IEND") || type.equals("sRGB")) {
                return null;
            }
            if (type.equals("iCCP")) {
                return parseIccp(png, p + 8, (int) length);
            }
            pos += 12 + length;
        }
        return null;
    }

    /**
     * The profile of a JPEG's APP2 {@code ICC_PROFILE} segments, put together in their sequence order, or
     * {@code null} when they are missing one, disagree on the count, exceed {@value #MAX_PROFILE_BYTES} bytes, or
     * do not parse. For {@link Decode}'s libjpeg-turbo path, which applies it as TwelveMonkeys' reader would; a
     * null leaves the file to that reader, which says what is wrong.
     */
    public static ICC_Profile fromJpeg(byte[] jpeg, JpegHeader header) {
        List<int[]> segments = header.icc();
        int count = segments.size();
        byte[][] parts = new byte[count][];
        long total = 0;
        for (int[] segment : segments) {
            int offset = segment[0];
            int length = segment[1];
            int sequence = jpeg[offset] & 0xFF;
            if ((jpeg[offset + 1] & 0xFF) != count || sequence < 1 || sequence > count || parts[sequence - 1] != null) {
                return null;
            }
            parts[sequence - 1] = Arrays.copyOfRange(jpeg, offset + 2, offset + length);
            total += length - 2;
        }
        if (total > MAX_PROFILE_BYTES || total == 0) {
            return null;
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream((int) total);
        for (byte[] part : parts) {
            data.writeBytes(part);
        }
        try {
            return ICC_Profile.getInstance(data.toByteArray());
        } catch (RuntimeException e) {
            return null; // IllegalArgumentException: not a valid profile
        }
    }

    /**
     * The colour space a decoder should read pixels tagged with {@code profile} in, as TwelveMonkeys' JPEG reader
     * does: {@code null} for sRGB (nothing to convert), else the profile's space, a perceptual output or input
     * profile treated as a display one (Java's colour engine otherwise converts it relative colorimetric).
     * Throws when the colour engine refuses the profile.
     */
    public static ColorSpace colourSpace(ICC_Profile profile) {
        if (ColorSpaces.isCS_sRGB(profile)) {
            return null;
        }
        ICC_Profile display = profile;
        if (profile.getProfileClass() != ICC_Profile.CLASS_DISPLAY) {
            byte[] data = profile.getData();
            if (data[ICC_Profile.icHdrRenderingIntent] == ICC_Profile.icPerceptual) {
                int sig = ICC_Profile.icSigDisplayClass;
                int at = ICC_Profile.icHdrDeviceClass;
                data[at] = (byte) (sig >> 24);
                data[at + 1] = (byte) (sig >> 16);
                data[at + 2] = (byte) (sig >> 8);
                data[at + 3] = (byte) sig;
                display = ICC_Profile.getInstance(data);
            }
        }
        return ColorSpaces.createColorSpace(display);
    }

    /** iCCP: profile name (1-79 bytes), NUL, compression method 0, zlib stream. */
    private static ICC_Profile parseIccp(byte[] png, int start, int length) {
        int end = start + length;
        int nul = start;
        while (nul < end && png[nul] != 0) {
            nul++;
        }
        if (nul + 2 > end || png[nul + 1] != 0) {
            return null;
        }
        byte[] data = inflate(png, nul + 2, end - nul - 2);
        if (data == null) {
            return null;
        }
        try {
            return ICC_Profile.getInstance(data);
        } catch (RuntimeException e) {
            return null; // IllegalArgumentException: not a valid profile
        }
    }

    private static byte[] inflate(byte[] data, int offset, int length) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data, offset, length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return null; // cut short
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_PROFILE_BYTES) {
                    return null;
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }

    /**
     * {@code image}'s pixels described by {@code profile}: the same raster under a colour model in the profile's
     * colour space, or for a palette image a palette converted to sRGB. Returns {@code image} itself when the
     * profile does not fit the pixels (a gray profile on RGB pixels) or cannot convert.
     */
    public static BufferedImage attach(BufferedImage image, ICC_Profile profile) {
        if (profile == null) {
            return image;
        }
        try {
            ICC_ColorSpace space = new ICC_ColorSpace(profile);
            ColorModel cm = image.getColorModel();
            if (cm instanceof IndexColorModel icm) {
                return space.getType() == ColorSpace.TYPE_RGB ? convertPalette(image, icm, space) : image;
            }
            if (!(cm instanceof ComponentColorModel)
                    || cm.getColorSpace().getType() != space.getType()
                    || cm.getColorSpace().getNumComponents() != space.getNumComponents()) {
                return image;
            }
            ComponentColorModel tagged = new ComponentColorModel(
                    space,
                    cm.getComponentSize(),
                    cm.hasAlpha(),
                    cm.isAlphaPremultiplied(),
                    cm.getTransparency(),
                    cm.getTransferType());
            WritableRaster raster = image.getRaster();
            if (!tagged.isCompatibleRaster(raster)) {
                return image;
            }
            BufferedImage result = new BufferedImage(tagged, raster, cm.isAlphaPremultiplied(), null);
            ToSrgb.apply(result.getSubimage(0, 0, 1, 1)); // the profile must be usable, or we ignore it
            return result;
        } catch (RuntimeException e) {
            return image; // IllegalArgumentException, CMMException: a profile the colour engine refuses
        }
    }

    /** The palette entries converted from the profile's space to sRGB, alpha and indices unchanged. */
    private static BufferedImage convertPalette(BufferedImage image, IndexColorModel icm, ICC_ColorSpace space) {
        int size = icm.getMapSize();
        ComponentColorModel rgb = new ComponentColorModel(space, false, false, ColorModel.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster entries = rgb.createCompatibleWritableRaster(size, 1);
        for (int i = 0; i < size; i++) {
            entries.setPixel(i, 0, new int[] {icm.getRed(i), icm.getGreen(i), icm.getBlue(i)});
        }
        BufferedImage srgb = new BufferedImage(size, 1, BufferedImage.TYPE_INT_RGB);
        new ColorConvertOp(null).filter(new BufferedImage(rgb, entries, false, null), srgb);
        byte[] r = new byte[size];
        byte[] g = new byte[size];
        byte[] b = new byte[size];
        byte[] a = new byte[size];
        for (int i = 0; i < size; i++) {
            int p = srgb.getRGB(i, 0);
            r[i] = (byte) (p >> 16);
            g[i] = (byte) (p >> 8);
            b[i] = (byte) p;
            a[i] = (byte) icm.getAlpha(i);
        }
        IndexColorModel converted = new IndexColorModel(icm.getPixelSize(), size, r, g, b, a);
        Raster raster = image.getRaster();
        return new BufferedImage(converted, (WritableRaster) raster, false, null);
    }
}
