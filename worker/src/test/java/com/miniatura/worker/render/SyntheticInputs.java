package com.miniatura.worker.render;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Generators of small source files for the input tests: images of flat 16×16 colour patches written by real
 * encoders (JDK PNG/GIF/BMP/JPEG, TwelveMonkeys TIFF, libwebp through webp-imageio), and byte-level builders
 * for what no encoder here writes: CMYK/YCCK JPEGs, ICC profiles spliced into JPEG/PNG/WebP, EXIF blocks in
 * each container, many-frame containers, a PNG decompression bomb.
 */
final class SyntheticInputs {

    /** Patch size: a multiple of the JPEG MCU (16×16 with 4:2:0 chroma), so flat patches survive JPEG intact. */
    static final int PATCH = 16;

    /** The reference picture: 4 × 2 flat patches, 64×32 (not square, so a swapped size shows). */
    static final int[] COLOURS = {
        0xC83232, 0x32B450, 0x3250C8, 0x808080,
        0xFFFFFF, 0x000000, 0xE6C878, 0x7F3FBF,
    };

    static final int COLUMNS = 4;
    static final int WIDTH = COLUMNS * PATCH;
    static final int HEIGHT = COLOURS.length / COLUMNS * PATCH;

    private SyntheticInputs() {}

    // --- pictures ---------------------------------------------------------------------------------------

    /** Centre of patch {@code i}. */
    static int[] centre(int i) {
        return new int[] {(i % COLUMNS) * PATCH + PATCH / 2, (i / COLUMNS) * PATCH + PATCH / 2};
    }

    /** The patches as {@code type} (an RGB or ARGB BufferedImage type), each patch the colour {@code argb[i]}. */
    static BufferedImage patches(int type, int[] argb) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, type);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                image.setRGB(x, y, argb[(y / PATCH) * COLUMNS + x / PATCH]);
            }
        }
        return image;
    }

    static BufferedImage rgbPatches() {
        return rgbPatches(COLOURS);
    }

    static BufferedImage rgbPatches(int[] colours) {
        int[] opaque = new int[colours.length];
        for (int i = 0; i < colours.length; i++) {
            opaque[i] = 0xFF000000 | colours[i];
        }
        return patches(BufferedImage.TYPE_INT_RGB, opaque);
    }

    /** Gray levels per patch: a ramp that includes black, mid-grey and white. */
    static final int[] GRAYS = {0, 36, 73, 109, 128, 182, 219, 255};

    /** {@link #GRAYS} patches as 8-bit ({@code bits} 8) or 16-bit ({@code bits} 16, value × 257) gray. */
    static BufferedImage grayPatches(int bits) {
        BufferedImage image = new BufferedImage(
                WIDTH, HEIGHT, bits == 16 ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int v = GRAYS[(y / PATCH) * COLUMNS + x / PATCH];
                raster.setSample(x, y, 0, bits == 16 ? v * 257 : v);
            }
        }
        return image;
    }

    /** The RGB patches as 16 bits per channel (value × 257), in an RGB colour model with no profile but sRGB. */
    static BufferedImage rgb16Patches() {
        return rgb16Patches(COLOURS);
    }

    static BufferedImage rgb16Patches(int[] colours) {
        ColorModel cm = new ComponentColorModel(
                ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(WIDTH, HEIGHT);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int c = colours[(y / PATCH) * COLUMNS + x / PATCH];
                raster.setPixel(x, y, new int[] {((c >> 16) & 0xFF) * 257, ((c >> 8) & 0xFF) * 257, (c & 0xFF) * 257});
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    /** The RGB patches through a palette of exactly {@link #COLOURS} (index i = patch i). */
    static BufferedImage palettePatches(int transparentIndex) {
        return palettePatches(transparentIndex, COLOURS.length);
    }

    /**
     * The RGB patches through a palette of {@code mapSize} entries starting with {@link #COLOURS}. (The JDK BMP
     * writer writes an 8-entry palette as 4 bits per pixel but the pixels as bytes: use 256 for BMP.)
     */
    static BufferedImage palettePatches(int transparentIndex, int mapSize) {
        return palettePatches(transparentIndex, mapSize, COLOURS);
    }

    static BufferedImage palettePatches(int transparentIndex, int mapSize, int[] colours) {
        byte[] r = new byte[mapSize];
        byte[] g = new byte[mapSize];
        byte[] b = new byte[mapSize];
        for (int i = 0; i < colours.length; i++) {
            r[i] = (byte) (colours[i] >> 16);
            g[i] = (byte) (colours[i] >> 8);
            b[i] = (byte) colours[i];
        }
        IndexColorModel icm = transparentIndex < 0
                ? new IndexColorModel(8, mapSize, r, g, b)
                : new IndexColorModel(8, mapSize, r, g, b, transparentIndex);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_INDEXED, icm);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                raster.setSample(x, y, 0, (y / PATCH) * COLUMNS + x / PATCH);
            }
        }
        return image;
    }

    /** Alpha per patch for the alpha inputs: opaque, half, a quarter, fully transparent, ... */
    static final int[] ALPHAS = {255, 128, 64, 0, 255, 200, 255, 32};

    static BufferedImage argbPatches() {
        int[] argb = new int[COLOURS.length];
        for (int i = 0; i < COLOURS.length; i++) {
            argb[i] = (ALPHAS[i] << 24) | COLOURS[i];
        }
        return patches(BufferedImage.TYPE_INT_ARGB, argb);
    }

    // --- encoders ---------------------------------------------------------------------------------------

    /** Writes with the first writer for {@code format} whose class name starts with {@code writerPrefix}. */
    static byte[] write(RenderedImageSource image, String format, String writerPrefix, ParamSetter param) {
        ImageWriter writer = writer(format, writerPrefix);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                ImageWriteParam p = writer.getDefaultWriteParam();
                param.set(p);
                writer.write(null, image.iioImage(), p);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    static byte[] write(BufferedImage image, String format, String writerPrefix) {
        return write(() -> new IIOImage(image, null, null), format, writerPrefix, p -> {});
    }

    static ImageWriter writer(String format, String writerPrefix) {
        ImageIO.scanForPlugins();
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
        while (writers.hasNext()) {
            ImageWriter writer = writers.next();
            if (writer.getClass().getName().startsWith(writerPrefix)) {
                return writer;
            }
        }
        throw new IllegalStateException("no " + format + " writer " + writerPrefix + "*");
    }

    @FunctionalInterface
    interface RenderedImageSource {
        IIOImage iioImage();
    }

    @FunctionalInterface
    interface ParamSetter {
        void set(ImageWriteParam param);
    }

    static final String JDK = "com.sun.imageio.";
    static final String TWELVEMONKEYS = "com.twelvemonkeys.";
    static final String LIBWEBP = "com.luciad.imageio.webp.";

    /** JDK JPEG writer at quality 1.0 (the patches come back within a level or two). */
    static byte[] jpeg(BufferedImage image, boolean progressive) {
        return write(() -> new IIOImage(image, null, null), "jpeg", JDK, p -> {
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(1f);
            if (progressive) {
                p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
        });
    }

    static byte[] png(BufferedImage image) {
        return write(image, "png", JDK);
    }

    static byte[] gif(BufferedImage image) {
        return write(image, "gif", JDK);
    }

    static byte[] bmp(BufferedImage image) {
        return write(image, "bmp", JDK);
    }

    static byte[] tiff(BufferedImage image) {
        return write(image, "tiff", TWELVEMONKEYS);
    }

    /** libwebp through webp-imageio: {@code lossless}, or lossy at quality 100. */
    static byte[] webp(BufferedImage image, boolean lossless) {
        return write(() -> new IIOImage(image, null, null), "webp", LIBWEBP, p -> {
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionType(lossless ? "Lossless" : "Lossy");
            p.setCompressionQuality(1f);
        });
    }

    // --- CMYK and YCCK JPEG -----------------------------------------------------------------------------

    /** Ink per patch as {C, M, Y, K} 0..255: paper, cyan, magenta, yellow, black, red (M+Y), a tint, a grey. */
    static final int[][] INKS = {
        {0, 0, 0, 0}, {255, 0, 0, 0}, {0, 255, 0, 0}, {0, 0, 255, 0},
        {0, 0, 0, 255}, {0, 255, 255, 0}, {64, 32, 16, 0}, {128, 128, 128, 0},
    };

    /**
     * A 4-component JPEG of the {@link #INKS} patches, in Adobe's conventions (as Photoshop writes them): an
     * APP14 "Adobe" segment whose transform is 0 (CMYK) or 2 (YCCK), samples stored inverted (255 = no ink);
     * for YCCK, C, M and Y go through the JFIF YCbCr transform, as libjpeg does. The JDK writer writes the
     * 4-band raster as is; the APP14 segment is spliced in after SOI. {@code profile} (may be null) is embedded
     * as APP2 ICC_PROFILE segments.
     */
    static byte[] cmykJpeg(boolean ycck, byte[] profile) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, WIDTH, HEIGHT, 4, null);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int[] ink = INKS[(y / PATCH) * COLUMNS + x / PATCH];
                int[] stored;
                if (ycck) {
                    double r = ink[0];
                    double g = ink[1];
                    double b = ink[2];
                    stored = new int[] {
                        clamp(0.299 * r + 0.587 * g + 0.114 * b),
                        clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b),
                        clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b),
                        255 - ink[3]
                    };
                } else {
                    stored = new int[] {255 - ink[0], 255 - ink[1], 255 - ink[2], 255 - ink[3]};
                }
                raster.setPixel(x, y, stored);
            }
        }
        byte[] jpeg = write(() -> new IIOImage(raster, null, null), "jpeg", JDK, p -> {
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(1f);
        });
        byte[] adobe = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) (ycck ? 2 : 0)};
        byte[] withAdobe = insertAfterSoi(jpeg, segment(0xEE, adobe));
        return profile == null ? withAdobe : withIccProfile(withAdobe, profile, 65519);
    }

    // --- JPEG segments ----------------------------------------------------------------------------------

    static byte[] segment(int marker, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length);
        b.put((byte) 0xFF)
                .put((byte) marker)
                .putShort((short) (payload.length + 2))
                .put(payload);
        return b.array();
    }

    static byte[] insertAfterSoi(byte[] jpeg, byte[]... segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        for (byte[] s : segments) {
            out.writeBytes(s);
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /**
     * {@code jpeg} with {@code profile} spliced in as APP2 {@code ICC_PROFILE} segments of at most
     * {@code chunk} profile bytes each (65519 fits one segment; smaller values force a multi-segment profile).
     */
    static byte[] withIccProfile(byte[] jpeg, byte[] profile, int chunk) {
        int count = (profile.length + chunk - 1) / chunk;
        List<byte[]> segments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int from = i * chunk;
            int to = Math.min(profile.length, from + chunk);
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            payload.writeBytes("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1));
            payload.write(i + 1);
            payload.write(count);
            payload.write(profile, from, to - from);
            segments.add(segment(0xE2, payload.toByteArray()));
        }
        return insertAfterSoi(jpeg, segments.toArray(new byte[0][]));
    }

    /** The concatenated APP2 ICC_PROFILE payloads of a JPEG (its embedded profile), or null. */
    static byte[] iccProfileOf(byte[] jpeg) {
        ByteArrayOutputStream profile = new ByteArrayOutputStream();
        forEachSegment(jpeg, (marker, start, length) -> {
            if (marker == 0xE2
                    && length > 14
                    && new String(jpeg, start, 12, StandardCharsets.ISO_8859_1).equals("ICC_PROFILE\0")) {
                profile.write(jpeg, start + 14, length - 14);
            }
            return true;
        });
        return profile.size() == 0 ? null : profile.toByteArray();
    }

    /** {@code jpeg} without its APP2 ICC_PROFILE segments (the other segments and the scan data unchanged). */
    static byte[] withoutIccProfile(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int pos = 2;
        while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xFF) == 0xFF && (jpeg[pos + 1] & 0xFF) != 0xDA) {
            int length = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
            boolean icc = (jpeg[pos + 1] & 0xFF) == 0xE2
                    && new String(jpeg, pos + 4, Math.min(12, length - 2), StandardCharsets.ISO_8859_1)
                            .equals("ICC_PROFILE\0");
            if (!icc) {
                out.write(jpeg, pos, 2 + length);
            }
            pos += 2 + length;
        }
        out.write(jpeg, pos, jpeg.length - pos);
        return out.toByteArray();
    }

    /** {@code jpeg} with the marker of its first frame header (SOFn) replaced by {@code sof}, e.g. 0xC3. */
    static byte[] withSof(byte[] jpeg, int sof) {
        byte[] copy = jpeg.clone();
        forEachSegment(copy, (marker, start, length) -> {
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                copy[start - 3] = (byte) sof;
                return false;
            }
            return marker != 0xDA;
        });
        return copy;
    }

    interface SegmentVisitor {
        /** {@code start}: first payload byte (after the length); return false to stop. */
        boolean visit(int marker, int start, int length);
    }

    static void forEachSegment(byte[] jpeg, SegmentVisitor visitor) {
        int pos = 2;
        while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
            int marker = jpeg[pos + 1] & 0xFF;
            int length = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
            if (!visitor.visit(marker, pos + 4, length - 2) || marker == 0xDA) {
                return;
            }
            pos += 2 + length;
        }
    }

    // --- PNG chunks -------------------------------------------------------------------------------------

    static byte[] pngChunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length)
                .putInt(data.length)
                .put(typeBytes)
                .put(data)
                .putInt((int) crc.getValue())
                .array();
    }

    /** {@code png} with {@code chunks} inserted right after IHDR (before any image data). */
    static byte[] afterIhdr(byte[] png, byte[]... chunks) {
        int ihdrEnd = 8 + 12 + 13;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, ihdrEnd);
        for (byte[] chunk : chunks) {
            out.writeBytes(chunk);
        }
        out.write(png, ihdrEnd, png.length - ihdrEnd);
        return out.toByteArray();
    }

    static byte[] iccpChunk(byte[] profile) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes("ICC profile".getBytes(StandardCharsets.ISO_8859_1));
        data.write(0); // name terminator
        data.write(0); // compression method: zlib
        data.writeBytes(deflate(profile));
        return pngChunk("iCCP", data.toByteArray());
    }

    static byte[] deflate(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A valid {@code width × height} 8-bit gray PNG whose pixels are all black, written chunk by chunk with the
     * image data deflated as it is generated: 20000×20000 (400 MB of pixels) is about 400 KB on disk.
     */
    static byte[] blackGrayPng(int width, int height) {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(); // the default level: as small as the best for zeros, and faster
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 64 * 1024)) {
            byte[] row = new byte[width + 1]; // filter type 0, then the samples
            for (int y = 0; y < height; y++) {
                z.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        out.writeBytes(pngChunk(
                "IHDR",
                ByteBuffer.allocate(13)
                        .putInt(width)
                        .putInt(height)
                        .put((byte) 8)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .array()));
        out.writeBytes(pngChunk("IDAT", idat.toByteArray()));
        out.writeBytes(pngChunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    /** {@code png} declared as an animated PNG of {@code frames} frames (an {@code acTL} chunk; no fcTL). */
    static byte[] apng(byte[] png, int frames) {
        return afterIhdr(
                png,
                pngChunk("acTL", ByteBuffer.allocate(8).putInt(frames).putInt(0).array()));
    }

    // --- WebP (RIFF) chunks -----------------------------------------------------------------------------

    static byte[] riffChunk(String fourcc, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length + (data.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(fourcc.getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data);
        return b.array();
    }

    /** The chunks of a WebP file after {@code RIFF size WEBP}, as {fourcc, data} pairs. */
    static List<Object[]> riffChunks(byte[] webp) {
        List<Object[]> chunks = new ArrayList<>();
        int pos = 12;
        while (pos + 8 <= webp.length) {
            String fourcc = new String(webp, pos, 4, StandardCharsets.US_ASCII);
            int length = ByteBuffer.wrap(webp, pos + 4, 4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getInt();
            chunks.add(new Object[] {fourcc, Arrays.copyOfRange(webp, pos + 8, pos + 8 + length)});
            pos += 8 + length + (length & 1);
        }
        return chunks;
    }

    static byte[] riff(List<byte[]> chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        chunks.forEach(body::writeBytes);
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(body.size());
        return concat(header.array(), body.toByteArray());
    }

    /** VP8X flags. */
    static final int VP8X_ICC = 0x20;

    static final int VP8X_ALPHA = 0x10;
    static final int VP8X_EXIF = 0x08;
    static final int VP8X_ANIMATION = 0x02;

    static byte[] vp8x(int flags, int width, int height) {
        return riffChunk("VP8X", new byte[] {
            (byte) flags,
            0,
            0,
            0,
            (byte) (width - 1),
            (byte) ((width - 1) >> 8),
            (byte) ((width - 1) >> 16),
            (byte) (height - 1),
            (byte) ((height - 1) >> 8),
            (byte) ((height - 1) >> 16)
        });
    }

    /**
     * A simple or extended {@code width × height} WebP rewritten as extended (VP8X) with an {@code ICCP} chunk
     * and/or an {@code EXIF} chunk (either may be null), in the order the container spec gives.
     */
    static byte[] webpWith(byte[] webp, int width, int height, byte[] iccProfile, byte[] exif) {
        List<Object[]> chunks = riffChunks(webp);
        int flags = 0;
        List<byte[]> image = new ArrayList<>();
        for (Object[] chunk : chunks) {
            String fourcc = (String) chunk[0];
            if (fourcc.equals("VP8X")) {
                flags = ((byte[]) chunk[1])[0] & 0xFF;
            } else if (!fourcc.equals("ICCP") && !fourcc.equals("EXIF")) {
                image.add(riffChunk(fourcc, (byte[]) chunk[1]));
                if (fourcc.equals("ALPH")) {
                    flags |= VP8X_ALPHA;
                }
            }
        }
        List<byte[]> out = new ArrayList<>();
        out.add(vp8x(flags | (iccProfile != null ? VP8X_ICC : 0) | (exif != null ? VP8X_EXIF : 0), width, height));
        if (iccProfile != null) {
            out.add(riffChunk("ICCP", iccProfile));
        }
        out.addAll(image);
        if (exif != null) {
            out.add(riffChunk("EXIF", exif));
        }
        return riff(out);
    }

    /**
     * An animated WebP container of {@code frames} 1×1 frames (VP8X, ANIM, then ANMF chunks each holding a
     * lossless 1×1 bitstream from libwebp).
     */
    static byte[] animatedWebp(int frames) {
        byte[] pixel = webp(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), true);
        byte[] vp8l = null;
        for (Object[] chunk : riffChunks(pixel)) {
            if (chunk[0].equals("VP8L")) {
                vp8l = riffChunk("VP8L", (byte[]) chunk[1]);
            }
        }
        ByteBuffer anmfHeader = ByteBuffer.allocate(16); // x, y, width-1, height-1 (24 bits each), duration 24, flags 8
        anmfHeader.put(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0});
        byte[] anmf = riffChunk("ANMF", concat(anmfHeader.array(), vp8l));
        List<byte[]> out = new ArrayList<>();
        out.add(vp8x(VP8X_ANIMATION, 1, 1));
        out.add(riffChunk("ANIM", new byte[] {0, 0, 0, 0, 0, 0}));
        for (int i = 0; i < frames; i++) {
            out.add(anmf);
        }
        return riff(out);
    }

    // --- GIF --------------------------------------------------------------------------------------------

    /** A GIF89a of {@code frames} 1×1 frames, each a complete image descriptor with its LZW data. */
    static byte[] gifFrames(int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {1, 0, 1, 0, (byte) 0x80, 0, 0}); // 1×1 screen, 2-colour global table
        out.writeBytes(new byte[] {0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        for (int i = 0; i < frames; i++) {
            out.writeBytes(new byte[] {0x21, (byte) 0xF9, 4, 0, 10, 0, 0, 0}); // graphic control: 0.1 s
            out.writeBytes(new byte[] {0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0}); // 1×1, LZW data
        }
        out.write(0x3B);
        return out.toByteArray();
    }

    /**
     * {@code gif} (one frame filling its screen, as the JDK writer makes it) turned into a frame of that size at
     * ({@code left}, {@code top}) on a {@code screenWidth × screenHeight} logical screen.
     */
    static byte[] gifOnScreen(byte[] gif, int screenWidth, int screenHeight, int left, int top) {
        byte[] copy = gif.clone();
        putLe16(copy, 6, screenWidth);
        putLe16(copy, 8, screenHeight);
        int pos = 13 + ((copy[10] & 0x80) == 0 ? 0 : 3 << ((copy[10] & 7) + 1));
        while ((copy[pos] & 0xFF) == 0x21) { // skip extensions to the image descriptor
            pos += 2;
            while (copy[pos] != 0) {
                pos += 1 + (copy[pos] & 0xFF);
            }
            pos++;
        }
        if ((copy[pos] & 0xFF) != 0x2C) {
            throw new IllegalStateException("no image descriptor");
        }
        putLe16(copy, pos + 1, left);
        putLe16(copy, pos + 3, top);
        return copy;
    }

    private static void putLe16(byte[] b, int offset, int value) {
        b[offset] = (byte) value;
        b[offset + 1] = (byte) (value >> 8);
    }

    // --- TIFF and EXIF ----------------------------------------------------------------------------------

    /** A TIFF/EXIF IFD entry: tag, type, count and either an inline value or out-of-line data. */
    record Entry(int tag, int type, int count, byte[] data) {
        static Entry shortValue(int tag, int value) {
            return new Entry(tag, 3, 1, new byte[] {(byte) (value >> 8), (byte) value});
        }

        static Entry longValue(int tag, long value) {
            return new Entry(
                    tag, 4, 1, new byte[] {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value
                    });
        }

        static Entry ascii(int tag, byte[] textWithNul) {
            return new Entry(tag, 2, textWithNul.length, textWithNul);
        }

        /** Big-endian data reversed per value for a little-endian file. */
        byte[] data(boolean little) {
            if (!little || type == 2 || type == 1 || type == 7) {
                return data;
            }
            int size = type == 3 ? 2 : 4;
            byte[] out = new byte[data.length];
            for (int v = 0; v < data.length; v += size) {
                for (int i = 0; i < size; i++) {
                    out[v + i] = data[v + size - 1 - i];
                }
            }
            return out;
        }
    }

    static final int TAG_ORIENTATION = 0x0112;
    static final int TAG_COPYRIGHT = 0x8298;

    /** The ASCII value of a copyright string: its bytes in {@code charset} and a terminating NUL. */
    static byte[] text(String value, Charset charset) {
        return concat(value.getBytes(charset), new byte[] {0});
    }

    /**
     * EXIF metadata as a TIFF structure (the payload of a JPEG APP1 after {@code Exif\0\0}, of a WebP EXIF chunk,
     * of a PNG eXIf chunk): IFD0 holding the orientation (omitted when 0) and the copyright (omitted when null).
     */
    static byte[] exif(boolean little, int orientation, byte[] copyright) {
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry(0x010F, 2, 6, "Maker\0".getBytes(StandardCharsets.US_ASCII))); // Make, out of line
        if (orientation != 0) {
            entries.add(Entry.shortValue(TAG_ORIENTATION, orientation));
        }
        if (copyright != null) {
            entries.add(Entry.ascii(TAG_COPYRIGHT, copyright));
        }
        return tiffStructure(little, List.of(entries), null);
    }

    /**
     * A TIFF structure: header, then each IFD in {@code ifds} chained in order with its out-of-line values, then
     * {@code tail} (e.g. strip data; offsets into it are the caller's business, see {@link #rgbTiff}).
     */
    static byte[] tiffStructure(boolean little, List<List<Entry>> ifds, byte[] tail) {
        ByteBuffer b = ByteBuffer.allocate(1 << 20).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        b.put(little ? (byte) 'I' : (byte) 'M')
                .put(little ? (byte) 'I' : (byte) 'M')
                .putShort((short) 42)
                .putInt(8);
        for (int n = 0; n < ifds.size(); n++) {
            List<Entry> entries = ifds.get(n);
            int ifdStart = b.position();
            int dataStart = ifdStart + 2 + 12 * entries.size() + 4;
            int dataPos = dataStart;
            b.putShort((short) entries.size());
            List<byte[]> outOfLine = new ArrayList<>();
            for (Entry e : entries) {
                byte[] data = e.data(little);
                b.putShort((short) e.tag()).putShort((short) e.type()).putInt(e.count());
                if (data.length <= 4) {
                    b.put(Arrays.copyOf(data, 4));
                } else {
                    b.putInt(dataPos);
                    outOfLine.add(data);
                    dataPos += data.length + (data.length & 1);
                }
            }
            boolean last = n == ifds.size() - 1;
            b.putInt(last ? 0 : dataPos);
            for (byte[] data : outOfLine) {
                b.put(data);
                if ((data.length & 1) == 1) {
                    b.put((byte) 0);
                }
            }
        }
        if (tail != null) {
            b.put(tail);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /**
     * An uncompressed RGB TIFF of the reference patches with {@code extra} entries in IFD0 (e.g. orientation,
     * copyright), written by hand so that the tags are exactly what the test says; strip data follows IFD0.
     */
    static byte[] rgbTiff(boolean little, List<Entry> extra) {
        return rgbTiff(little, COLOURS, extra);
    }

    static byte[] rgbTiff(boolean little, int[] colours, List<Entry> extra) {
        BufferedImage picture = rgbPatches(colours);
        byte[] strip = new byte[WIDTH * HEIGHT * 3];
        for (int y = 0, i = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int p = picture.getRGB(x, y);
                strip[i++] = (byte) (p >> 16);
                strip[i++] = (byte) (p >> 8);
                strip[i++] = (byte) p;
            }
        }
        List<Entry> entries = new ArrayList<>();
        entries.add(Entry.shortValue(0x0100, WIDTH));
        entries.add(Entry.shortValue(0x0101, HEIGHT));
        entries.add(new Entry(0x0102, 3, 3, new byte[] {0, 8, 0, 8, 0, 8})); // bits per sample 8,8,8
        entries.add(Entry.shortValue(0x0103, 1)); // no compression
        entries.add(Entry.shortValue(0x0106, 2)); // RGB
        entries.add(Entry.longValue(0x0111, 0)); // strip offset: patched below
        entries.add(Entry.shortValue(0x0115, 3)); // samples per pixel
        entries.add(Entry.shortValue(0x0116, HEIGHT)); // rows per strip
        entries.add(Entry.longValue(0x0117, strip.length));
        entries.addAll(extra);
        entries.sort(Comparator.comparingInt(Entry::tag));
        byte[] withoutStrip = tiffStructure(little, List.of(entries), null);
        int offset = withoutStrip.length;
        int index = entries.indexOf(
                entries.stream().filter(e -> e.tag() == 0x0111).findFirst().orElseThrow());
        entries.set(index, Entry.longValue(0x0111, offset));
        return tiffStructure(little, List.of(entries), strip);
    }

    /** A TIFF with {@code pages} IFDs in its chain, each a 1×1 uncompressed gray page sharing one strip. */
    static byte[] tiffPages(int pages) {
        List<Entry> page = List.of(
                Entry.shortValue(0x0100, 1),
                Entry.shortValue(0x0101, 1),
                Entry.shortValue(0x0102, 8),
                Entry.shortValue(0x0103, 1),
                Entry.shortValue(0x0106, 1),
                Entry.longValue(0x0111, 8),
                Entry.shortValue(0x0115, 1),
                Entry.shortValue(0x0116, 1),
                Entry.longValue(0x0117, 1));
        List<List<Entry>> ifds = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            ifds.add(page);
        }
        return tiffStructure(false, ifds, null); // the strip offset 8 points at the first IFD's count: any byte does
    }

    // --- ICC profiles -----------------------------------------------------------------------------------

    /** CIE xy chromaticities of an RGB colour space's primaries and white. */
    record Primaries(double rx, double ry, double gx, double gy, double bx, double by, double wx, double wy) {}

    static final Primaries SRGB = new Primaries(0.64, 0.33, 0.30, 0.60, 0.15, 0.06, 0.3127, 0.3290);
    static final Primaries DISPLAY_P3 = new Primaries(0.680, 0.320, 0.265, 0.690, 0.150, 0.060, 0.3127, 0.3290);
    static final Primaries ADOBE_RGB = new Primaries(0.64, 0.33, 0.21, 0.71, 0.15, 0.06, 0.3127, 0.3290);
    /** Adobe RGB (1998) gamma: 563/256, exactly representable as the u8Fixed8 the profile stores. */
    static final double ADOBE_GAMMA = 563 / 256.0;

    /** RGB → XYZ (columns: the primaries' XYZ), white Y = 1, relative to the primaries' own white. */
    static double[][] rgbToXyz(Primaries p) {
        double[][] m = {
            {p.rx() / p.ry(), p.gx() / p.gy(), p.bx() / p.by()},
            {1, 1, 1},
            {(1 - p.rx() - p.ry()) / p.ry(), (1 - p.gx() - p.gy()) / p.gy(), (1 - p.bx() - p.by()) / p.by()},
        };
        double[] white = {p.wx() / p.wy(), 1, (1 - p.wx() - p.wy()) / p.wy()};
        double[] s = multiply(invert(m), white);
        double[][] out = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                out[r][c] = m[r][c] * s[c];
            }
        }
        return out;
    }

    /** Bradford chromatic adaptation from white (x, y) to D50, as ICC profiles store colorants. */
    static double[][] bradfordToD50(double wx, double wy) {
        double[][] bradford = {{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}};
        double[] src = multiply(bradford, new double[] {wx / wy, 1, (1 - wx - wy) / wy});
        double[] dst = multiply(bradford, new double[] {0.9642, 1.0, 0.8249});
        double[][] scale = {{dst[0] / src[0], 0, 0}, {0, dst[1] / src[1], 0}, {0, 0, dst[2] / src[2]}};
        return multiply(invert(bradford), multiply(scale, bradford));
    }

    /** The sRGB transfer function (also Display P3's), encoded → linear. */
    static double srgbToLinear(double v) {
        return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }

    static double linearToSrgb(double v) {
        return v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
    }

    /**
     * An ICC v2 display profile of the matrix/TRC kind: header, desc, wtpt (D50), rXYZ/gXYZ/bXYZ (the primaries
     * adapted to D50 with Bradford), rTRC/gTRC/bTRC ({@code gamma}, or the sRGB curve as a 1024-entry table when
     * {@code gamma} is 0) and cprt.
     */
    static byte[] matrixProfile(String description, Primaries p, double gamma) {
        double[][] d50 = multiply(bradfordToD50(p.wx(), p.wy()), rgbToXyz(p));
        byte[] trc;
        if (gamma > 0) {
            trc = ByteBuffer.allocate(14)
                    .put("curv".getBytes(StandardCharsets.US_ASCII))
                    .putInt(0)
                    .putInt(1)
                    .putShort((short) Math.round(gamma * 256))
                    .array();
        } else {
            int n = 1024;
            ByteBuffer curve = ByteBuffer.allocate(12 + 2 * n)
                    .put("curv".getBytes(StandardCharsets.US_ASCII))
                    .putInt(0)
                    .putInt(n);
            for (int i = 0; i < n; i++) {
                curve.putShort((short) Math.round(srgbToLinear(i / (double) (n - 1)) * 65535));
            }
            trc = curve.array();
        }
        List<Object[]> tags = new ArrayList<>();
        tags.add(new Object[] {"desc", textDescription(description)});
        tags.add(new Object[] {"wtpt", xyz(0.9642, 1.0, 0.8249)});
        tags.add(new Object[] {"rXYZ", xyz(d50[0][0], d50[1][0], d50[2][0])});
        tags.add(new Object[] {"gXYZ", xyz(d50[0][1], d50[1][1], d50[2][1])});
        tags.add(new Object[] {"bXYZ", xyz(d50[0][2], d50[1][2], d50[2][2])});
        tags.add(new Object[] {"rTRC", trc});
        tags.add(new Object[] {"gTRC", trc});
        tags.add(new Object[] {"bTRC", trc});
        tags.add(new Object[] {
            "cprt", concat("text\0\0\0\0No copyright, test data".getBytes(StandardCharsets.US_ASCII), new byte[] {0})
        });
        return profile(tags);
    }

    /** An ICC v2 gray display profile: desc, wtpt (D50), kTRC (a pure {@code gamma} curve) and cprt. */
    static byte[] grayProfile(String description, double gamma) {
        List<Object[]> tags = new ArrayList<>();
        tags.add(new Object[] {"desc", textDescription(description)});
        tags.add(new Object[] {"wtpt", xyz(0.9642, 1.0, 0.8249)});
        tags.add(new Object[] {
            "kTRC",
            ByteBuffer.allocate(14)
                    .put("curv".getBytes(StandardCharsets.US_ASCII))
                    .putInt(0)
                    .putInt(1)
                    .putShort((short) Math.round(gamma * 256))
                    .array()
        });
        tags.add(new Object[] {
            "cprt", concat("text\0\0\0\0No copyright, test data".getBytes(StandardCharsets.US_ASCII), new byte[] {0})
        });
        return profile("GRAY", tags);
    }

    private static byte[] profile(List<Object[]> tags) {
        return profile("RGB ", tags);
    }

    private static byte[] profile(String colourSpace, List<Object[]> tags) {
        int tableEnd = 128 + 4 + 12 * tags.size();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ByteBuffer table = ByteBuffer.allocate(4 + 12 * tags.size()).putInt(tags.size());
        for (Object[] tag : tags) {
            byte[] bytes = (byte[]) tag[1];
            table.put(((String) tag[0]).getBytes(StandardCharsets.US_ASCII))
                    .putInt(tableEnd + data.size())
                    .putInt(bytes.length);
            data.writeBytes(bytes);
            while (data.size() % 4 != 0) {
                data.write(0);
            }
        }
        int size = tableEnd + data.size();
        ByteBuffer header = ByteBuffer.allocate(128);
        header.putInt(size)
                .putInt(0)
                .putInt(0x02100000)
                .put(("mntr" + colourSpace + "XYZ ").getBytes(StandardCharsets.US_ASCII))
                .putShort((short) 2024)
                .putShort((short) 1)
                .putShort((short) 1)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) 0)
                .put("acsp".getBytes(StandardCharsets.US_ASCII))
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putLong(0)
                .putInt(0) // rendering intent: perceptual
                .put(xyzNumbers(0.9642, 1.0, 0.8249));
        return concat(header.array(), table.array(), data.toByteArray());
    }

    private static byte[] textDescription(String text) {
        byte[] ascii = concat(text.getBytes(StandardCharsets.US_ASCII), new byte[] {0});
        return ByteBuffer.allocate(12 + ascii.length + 4 + 4 + 2 + 1 + 67)
                .put("desc".getBytes(StandardCharsets.US_ASCII))
                .putInt(0)
                .putInt(ascii.length)
                .put(ascii)
                .putInt(0)
                .putInt(0)
                .putShort((short) 0)
                .put((byte) 0)
                .put(new byte[67])
                .array();
    }

    private static byte[] xyz(double x, double y, double z) {
        return concat("XYZ \0\0\0\0".getBytes(StandardCharsets.US_ASCII), xyzNumbers(x, y, z));
    }

    private static byte[] xyzNumbers(double x, double y, double z) {
        return ByteBuffer.allocate(12)
                .putInt(s15Fixed16(x))
                .putInt(s15Fixed16(y))
                .putInt(s15Fixed16(z))
                .array();
    }

    private static int s15Fixed16(double v) {
        return (int) Math.round(v * 65536);
    }

    /**
     * Expected sRGB of an encoded colour in a D65 RGB space {@code p} with transfer {@code gamma} (0: the sRGB
     * curve), by the colour math: decode → linear → XYZ → linear sRGB → clip → encode, rounded to 8 bits.
     */
    static int[] expectedSrgb(int rgb, Primaries p, double gamma) {
        double[] encoded = {((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0, (rgb & 0xFF) / 255.0};
        double[] linear = new double[3];
        for (int i = 0; i < 3; i++) {
            linear[i] = gamma > 0 ? Math.pow(encoded[i], gamma) : srgbToLinear(encoded[i]);
        }
        double[] xyz = multiply(rgbToXyz(p), linear);
        double[] srgbLinear = multiply(invert(rgbToXyz(SRGB)), xyz);
        int[] out = new int[3];
        for (int i = 0; i < 3; i++) {
            out[i] = (int) Math.round(linearToSrgb(Math.max(0, Math.min(1, srgbLinear[i]))) * 255);
        }
        return out;
    }

    // --- small helpers ----------------------------------------------------------------------------------

    static double[] multiply(double[][] m, double[] v) {
        double[] out = new double[3];
        for (int r = 0; r < 3; r++) {
            out[r] = m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2];
        }
        return out;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        double[][] out = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                out[r][c] = a[r][0] * b[0][c] + a[r][1] * b[1][c] + a[r][2] * b[2][c];
            }
        }
        return out;
    }

    static double[][] invert(double[][] m) {
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        double[][] inv = new double[3][3];
        inv[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
        inv[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
        inv[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
        inv[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
        inv[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
        inv[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
        inv[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
        inv[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
        inv[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
        return inv;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
