package com.miniatura.worker.render;

import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.filter.ToSrgb;
import com.miniatura.worker.render.resample.OpaqueResample;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Pinned;
import jnr.ffi.byref.NativeLongByReference;
import jnr.ffi.byref.PointerByReference;
import org.junit.jupiter.api.Assumptions;

/**
 * Large and hostile sources for the memory and structure tests, made without ever holding them decoded in the
 * Java heap where that matters: a 200 MP photo (a real 8 MP phone photo enlarged, encoded by libjpeg-turbo from
 * rows generated on the fly), a 10000×10000 RGBA PNG streamed row by row, a PNG of thousands of compressed text
 * chunks, a progressive JPEG of thousands of scans. Written once under {@code target/large/}.
 */
public final class LargeImages {

    private LargeImages() {}

    static final Path DIR = Path.of("target", "large");

    /** The TurboJPEG compressor functions (the renderer binds only the decompressor). */
    public interface Compressor {
        Pointer tjInitCompress();

        long tjBufSize(int width, int height, int subsampling);

        int tjCompress2(
                Pointer handle,
                @Pinned @In byte[] source,
                int width,
                int pitch,
                int height,
                int pixelFormat,
                PointerByReference jpeg,
                NativeLongByReference size,
                int subsampling,
                int quality,
                int flags);

        String tjGetErrorStr2(Pointer handle);

        int tjDestroy(Pointer handle);
    }

    /**
     * libjpeg-turbo's compressor. Where libturbojpeg0 is not installed the calling test is skipped, except under CI,
     * where {@code .ci/run} installs it and its absence fails the test.
     */
    private static Compressor compressor() {
        try {
            return LibraryLoader.create(Compressor.class).failImmediately().load("libturbojpeg.so.0");
        } catch (UnsatisfiedLinkError e) {
            Assumptions.assumeTrue(
                    System.getenv("CI") != null,
                    "libjpeg-turbo (libturbojpeg0) is not installed: this test's source is encoded with it");
            throw new IllegalStateException("libturbojpeg0 must be installed where CI runs (.ci/run installs it)", e);
        }
    }

    /**
     * A {@code width × height} baseline 4:2:0 JPEG at quality 90 of the 8 MP fixture photo enlarged (bilinear) to
     * that size, encoded by libjpeg-turbo a band of rows at a time: {@code target/large/photo-WxH.jpg}.
     */
    public static Path photo(int width, int height) {
        Path file = DIR.resolve("photo-" + width + "x" + height + ".jpg");
        if (Files.exists(file)) {
            return file;
        }
        Compressor tj = compressor();
        try {
            Files.createDirectories(DIR);
            BufferedImage photo = ToSrgb.bgr(
                    ToSrgb.apply(Decode.decode(
                                    RenderTestSupport.fixture("photos/iphone_hdr_NO.jpg"), RenderLimits.defaults())
                            .image()),
                    Deadline.NONE);
            byte[] small = OpaqueResample.bytes(photo);
            int sw = photo.getWidth();
            int sh = photo.getHeight();
            byte[] big = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
            // bilinear, in 8-bit fixed point: where each output column and row falls between two source ones
            int[] x0 = new int[width];
            int[] x1 = new int[width];
            int[] wx = new int[width];
            for (int x = 0; x < width; x++) {
                double fx = Math.max(0, (x + 0.5) * sw / width - 0.5);
                x0[x] = Math.min(sw - 1, (int) fx) * 3;
                x1[x] = Math.min(sw - 1, (int) fx + 1) * 3;
                wx[x] = (int) Math.round((fx - Math.floor(fx)) * 256);
            }
            for (int y = 0; y < height; y++) {
                double fy = Math.max(0, (y + 0.5) * sh / height - 0.5);
                int row0 = Math.min(sh - 1, (int) fy) * sw * 3;
                int row1 = Math.min(sh - 1, (int) fy + 1) * sw * 3;
                int wy = (int) Math.round((fy - Math.floor(fy)) * 256);
                for (int x = 0, o = y * width * 3; x < width; x++, o += 3) {
                    int a = wx[x];
                    for (int c = 0; c < 3; c++) {
                        int top = (small[row0 + x0[x] + c] & 0xFF) * (256 - a) + (small[row0 + x1[x] + c] & 0xFF) * a;
                        int bottom =
                                (small[row1 + x0[x] + c] & 0xFF) * (256 - a) + (small[row1 + x1[x] + c] & 0xFF) * a;
                        big[o + c] = (byte) ((top * (256 - wy) + bottom * wy + (1 << 15)) >> 16);
                    }
                }
            }
            Pointer handle = tj.tjInitCompress();
            Runtime runtime = Runtime.getRuntime(tj);
            long capacity = tj.tjBufSize(width, height, 2);
            Pointer buffer = Memory.allocateDirect(runtime, capacity);
            PointerByReference out = new PointerByReference(buffer);
            NativeLongByReference size = new NativeLongByReference(capacity);
            int noRealloc = 1024;
            if (tj.tjCompress2(handle, big, width, width * 3, height, TurboJpeg.PIXEL_BGR, out, size, 2, 90, noRealloc)
                    != 0) {
                throw new IllegalStateException("tjCompress2: " + tj.tjGetErrorStr2(handle));
            }
            byte[] jpeg = new byte[size.intValue()];
            buffer.get(0, jpeg, 0, jpeg.length);
            tj.tjDestroy(handle);
            Files.write(file, jpeg);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RenderException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A valid {@code width × height} 8-bit RGBA PNG (a gradient under an alpha ramp, the same on every row), streamed
     * a row at a time: 10000×10000 is 400 MB decoded and a few hundred KB on disk.
     */
    public static byte[] rgbaPng(int width, int height) {
        try {
            ByteArrayOutputStream idat = new ByteArrayOutputStream();
            try (DeflaterOutputStream deflate =
                    new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_SPEED), 1 << 16)) {
                byte[] row = new byte[1 + 4 * width];
                for (int x = 0; x < width; x++) { // filter None: a horizontal gradient under an alpha ramp
                    row[1 + 4 * x] = (byte) (x * 255 / width);
                    row[2 + 4 * x] = (byte) (255 - x * 255 / width);
                    row[3 + 4 * x] = (byte) 128;
                    row[4 + 4 * x] = (byte) (64 + x % 128);
                }
                deflate.write(row);
                byte[] same = new byte[row.length];
                same[0] = 2; // filter Up, all differences zero: every further row repeats the first
                for (int y = 1; y < height; y++) {
                    deflate.write(same);
                }
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            chunk(png, "IHDR", ihdr(width, height, 8, 6));
            chunk(png, "IDAT", idat.toByteArray());
            chunk(png, "IEND", new byte[0]);
            return png.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 64×64 RGB PNG with {@code chunks} zTXt chunks before its image data, each inflating to {@code kib} KiB. */
    public static byte[] textBombPng(int chunks, int kib) {
        try {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            text.write("Comment".getBytes(StandardCharsets.ISO_8859_1));
            text.write(0); // end of keyword
            text.write(0); // compression method: zlib
            text.write(SyntheticInputs.deflate(new byte[kib * 1024]));
            byte[] ztxt = text.toByteArray();
            byte[] png = SyntheticInputs.png(SyntheticInputs.rgbPatches());
            ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + chunks * (ztxt.length + 12));
            int afterIhdr = 8 + 25;
            out.write(png, 0, afterIhdr);
            for (int i = 0; i < chunks; i++) {
                chunk(out, "zTXt", ztxt);
            }
            out.write(png, afterIhdr, png.length - afterIhdr);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A progressive JPEG whose last scan is repeated until it has {@code scans} scans in all: each repetition is a
     * whole pass over the image for a decoder, and costs the file a few hundred bytes.
     */
    public static byte[] manyScansJpeg(int scans) {
        byte[] jpeg = SyntheticInputs.jpeg(SyntheticInputs.rgbPatches(), true);
        int eoi = jpeg.length - 2;
        int lastScan = -1;
        for (int i = 2; i + 1 < eoi; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
                lastScan = i;
            }
        }
        int existing = 0;
        for (int i = 2; i + 1 < eoi; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
                existing++;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, eoi);
        for (int i = existing; i < scans; i++) {
            out.write(jpeg, lastScan, eoi - lastScan);
        }
        out.write(jpeg, eoi, 2);
        return out.toByteArray();
    }

    private static byte[] ihdr(int width, int height, int depth, int colourType) throws IOException {
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(ihdr);
        header.writeInt(width);
        header.writeInt(height);
        header.write(new byte[] {(byte) depth, (byte) colourType, 0, 0, 0});
        return ihdr.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(SyntheticInputs.pngChunk(type, data));
    }
}
