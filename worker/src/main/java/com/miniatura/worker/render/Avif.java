package com.miniatura.worker.render;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Pinned;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libavif ({@code libavif.so.15}, Debian 12's {@code libavif15}, encoding with libaom), bound at run time through
 * JNR-FFI as {@link TurboJpeg} is: no compiler at build time, no native code of ours.
 *
 * <p>libavif's API passes structs whose layout changes between releases, so only the release whose layout is written
 * here (0.11) is bound; any other loads as absent, with the reason in the log. There is no pure-Java AVIF encoder:
 * without the library a catalog that lists {@code avif} is refused at startup, naming the variant.
 *
 * <p>Encoding is 8-bit 4:2:0 in full range with BT.601 coefficients and sRGB primaries and transfer, one thread per
 * encode (a worker renders one image per core), at libaom's speed {@value #SPEED}. Quality is libavif's and sharp's
 * scale: {@code quantizer = ((100 - quality) × 63 + 50) / 100}. An encode cannot be interrupted; its time and native
 * memory are bounded by the variant's size, which the catalog bounds, and encodes take turns ({@link #ENCODES}).
 */
public final class Avif {
    private static final Logger log = LoggerFactory.getLogger(Avif.class);

    /** The names tried, in order: the runtime package's versioned file, then a development symlink. */
    public static final List<String> LIBRARY_NAMES = List.of("libavif.so.15", "avif");

    /** The one libavif release whose struct layouts this binding knows. */
    public static final String KNOWN_RELEASE = "0.11.";

    /** The JVM property that turns AVIF off ({@code -Dminiatura.avif.disabled=true}), as on a machine without it. */
    public static final String DISABLED = "miniatura.avif.disabled";

    /**
     * libaom's speed (0 slowest .. 9 fastest for stills): 6 gives files a few to a tenth smaller at the same SSIM for
     * two to five times the encode time (docs/performance.md, "AVIF"), which the twins cannot afford.
     */
    public static final int SPEED = 8;

    // avif.h 0.11: offsets within avifImage, avifRGBImage, avifEncoder and avifRWData (x86-64 and arm64 alike)
    private static final int IMAGE_COLOR_PRIMARIES = 104;
    private static final int IMAGE_TRANSFER = 106;
    private static final int IMAGE_MATRIX = 108;
    private static final int RGB_WIDTH = 0;
    private static final int RGB_HEIGHT = 4;
    private static final int RGB_DEPTH = 8;
    private static final int RGB_FORMAT = 12;
    private static final int RGB_PIXELS = 40;
    private static final int RGB_ROW_BYTES = 48;
    private static final int RGB_SIZE = 56;
    private static final int ENCODER_CODEC_CHOICE = 0;
    private static final int ENCODER_MAX_THREADS = 4;
    private static final int ENCODER_SPEED = 8;
    private static final int ENCODER_MIN_QUANTIZER = 24;
    private static final int ENCODER_MAX_QUANTIZER = 28;
    private static final int RW_DATA = 0;
    private static final int RW_SIZE = 8;
    private static final int RW_DATA_SIZE = 16;
    private static final int DECODER_MAX_THREADS = 4;
    private static final int DECODER_IMAGE_SIZE_LIMIT = 28;
    private static final int DECODER_IMAGE_DIMENSION_LIMIT = 32;

    private static final int CODEC_AOM =
            1; // AVIF_CODEC_CHOICE_AOM: speed means libaom's speed, whatever else is linked
    private static final int PIXEL_FORMAT_YUV420 = 3;
    private static final int RGB_FORMAT_BGR = 3;
    private static final short PRIMARIES_BT709 = 1;
    private static final short TRANSFER_SRGB = 13;
    private static final short MATRIX_BT601 = 6;

    /** The C functions used; see {@code avif.h} (libavif 0.11). */
    public interface Library {
        String avifVersion();

        String avifResultToString(int result);

        Pointer avifImageCreate(int width, int height, int depth, int yuvFormat);

        Pointer avifImageCreateEmpty();

        void avifImageDestroy(Pointer image);

        void avifImageSetMetadataExif(Pointer image, @Pinned @In byte[] exif, @size_t long size);

        void avifRGBImageSetDefaults(Pointer rgb, Pointer image);

        void avifRGBImageAllocatePixels(Pointer rgb);

        void avifRGBImageFreePixels(Pointer rgb);

        int avifImageRGBToYUV(Pointer image, Pointer rgb);

        int avifImageYUVToRGB(Pointer image, Pointer rgb);

        Pointer avifEncoderCreate();

        int avifEncoderWrite(Pointer encoder, Pointer image, Pointer output);

        void avifEncoderDestroy(Pointer encoder);

        Pointer avifDecoderCreate();

        int avifDecoderReadMemory(Pointer decoder, Pointer image, @Pinned @In byte[] data, @size_t long size);

        void avifDecoderDestroy(Pointer decoder);

        void avifRWDataFree(Pointer raw);
    }

    /** A failed call, with libavif's words for it. */
    public static class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        public Failure(String message) {
            super(message);
        }
    }

    /** The turn to encode did not come in time (or the thread was interrupted while it waited). */
    public static final class Busy extends Failure {
        private static final long serialVersionUID = 1L;

        public Busy() {
            super("another AVIF encode held the turn");
        }
    }

    /**
     * One AV1 encode at a time in this JVM: libaom's memory is native, outside the heap and its budget, about 17 bytes
     * a pixel per encode (35 MB for 1600 × 1200, 68 MB at the catalog's 2048 px cap; docs/rendering.md), so two at
     * once could take a worker pod past its limit. Fair, so no render waits behind ever newer ones.
     */
    static final Semaphore ENCODES = new Semaphore(1, true);

    /** Decoded pixels: 3 bytes per pixel (B, G, R), rows packed. */
    public record Decoded(int width, int height, byte[] bgr) {}

    private static final Optional<Avif> SYSTEM = bind();

    private final Library library;
    private final Runtime runtime;
    private final String name;
    private final String version;

    private Avif(Library library, String name) {
        this.library = library;
        this.runtime = Runtime.getRuntime(library);
        this.name = name;
        this.version = library.avifVersion();
    }

    /** The system's libavif, loaded once per JVM; empty when it is absent, another release, or turned off. */
    public static Optional<Avif> load() {
        return SYSTEM;
    }

    /** Why {@link #load()} is empty, for the startup error of a catalog that lists {@code avif}. */
    public static String absence() {
        if (Boolean.getBoolean(DISABLED)) {
            return "AVIF is turned off on this worker (-D" + DISABLED + "=true)";
        }
        return "AVIF needs libavif " + KNOWN_RELEASE + "x (Debian 12's libavif15), which this worker cannot load";
    }

    private static Optional<Avif> bind() {
        if (Boolean.getBoolean(DISABLED)) {
            log.info("AVIF turned off by -D{}=true", DISABLED);
            return Optional.empty();
        }
        for (String name : LIBRARY_NAMES) {
            try {
                Library library =
                        LibraryLoader.create(Library.class).failImmediately().load(name);
                Avif avif = new Avif(library, name);
                if (avif.version == null || !avif.version.startsWith(KNOWN_RELEASE)) {
                    log.info(
                            "libavif {} found as {}, but only {}x's layouts are known: no AVIF",
                            avif.version,
                            name,
                            KNOWN_RELEASE);
                    return Optional.empty();
                }
                avif.encode(new byte[3 * 16 * 16], 16, 16, 50, null); // encodes, not only loads
                return Optional.of(avif);
            } catch (LinkageError | RuntimeException | Failure e) {
                log.debug("libavif not loaded as {}: {}", name, e.toString());
            }
        }
        return Optional.empty();
    }

    /** The library file and release that were loaded, for the startup log. */
    public String libraryName() {
        return name + " " + version;
    }

    /** libavif's and sharp's quality (1..100) as an AV1 quantizer (63..0). */
    public static int quantizer(int quality) {
        int q = Math.max(0, Math.min(100, quality));
        return ((100 - q) * 63 + 50) / 100;
    }

    /** As {@link #encode(byte[], int, int, int, byte[], long)}, waiting as long as it takes for its turn. */
    public byte[] encode(byte[] bgr, int width, int height, int quality, byte[] exifOrNull) throws Failure {
        return encode(bgr, width, height, quality, exifOrNull, Long.MAX_VALUE);
    }

    /**
     * Encodes {@code bgr} ({@code width × height} pixels of B, G, R, rows packed) as a still AVIF at {@code quality}
     * (1..100), with {@code exifOrNull} (a TIFF-headed Exif block) as its only metadata. One encode runs at a time in
     * this JVM ({@link #ENCODES}); a {@link Busy} failure when the turn did not come within {@code waitNanos}.
     */
    public byte[] encode(byte[] bgr, int width, int height, int quality, byte[] exifOrNull, long waitNanos)
            throws Failure {
        checkSize(bgr, width, height);
        try {
            if (!ENCODES.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
                throw new Busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy();
        }
        try {
            return encodeAlone(bgr, width, height, quality, exifOrNull, SPEED);
        } finally {
            ENCODES.release();
        }
    }

    /** As {@link #encode(byte[], int, int, int, byte[])} at another libaom speed, for the measurements in bench/avif.sh. */
    byte[] encodeAtSpeed(byte[] bgr, int width, int height, int quality, int speed) throws Failure {
        checkSize(bgr, width, height);
        ENCODES.acquireUninterruptibly();
        try {
            return encodeAlone(bgr, width, height, quality, null, speed);
        } finally {
            ENCODES.release();
        }
    }

    private static void checkSize(byte[] bgr, int width, int height) {
        if (width <= 0 || height <= 0 || (long) width * height * 3 != bgr.length) {
            throw new IllegalArgumentException("source of " + bgr.length + " bytes for " + width + "x" + height);
        }
    }

    private byte[] encodeAlone(byte[] bgr, int width, int height, int quality, byte[] exifOrNull, int speed)
            throws Failure {
        Pointer image = library.avifImageCreate(width, height, 8, PIXEL_FORMAT_YUV420);
        if (image == null) {
            throw new Failure("avifImageCreate failed");
        }
        Pointer encoder = null;
        Pointer output = Memory.allocateDirect(runtime, RW_DATA_SIZE, true);
        try {
            image.putShort(IMAGE_COLOR_PRIMARIES, PRIMARIES_BT709);
            image.putShort(IMAGE_TRANSFER, TRANSFER_SRGB);
            image.putShort(IMAGE_MATRIX, MATRIX_BT601);
            Pointer pixels = Memory.allocateDirect(runtime, bgr.length, false);
            pixels.put(0, bgr, 0, bgr.length);
            Pointer rgb = Memory.allocateDirect(runtime, RGB_SIZE, true);
            library.avifRGBImageSetDefaults(rgb, image);
            rgb.putInt(RGB_FORMAT, RGB_FORMAT_BGR);
            rgb.putPointer(RGB_PIXELS, pixels);
            rgb.putInt(RGB_ROW_BYTES, width * 3);
            check(library.avifImageRGBToYUV(image, rgb), "converting to YUV");
            if (exifOrNull != null) {
                library.avifImageSetMetadataExif(image, exifOrNull, exifOrNull.length);
            }
            encoder = library.avifEncoderCreate();
            if (encoder == null) {
                throw new Failure("avifEncoderCreate failed");
            }
            int quantizer = quantizer(quality);
            encoder.putInt(ENCODER_CODEC_CHOICE, CODEC_AOM);
            encoder.putInt(ENCODER_MAX_THREADS, 1);
            encoder.putInt(ENCODER_SPEED, speed);
            encoder.putInt(ENCODER_MIN_QUANTIZER, quantizer);
            encoder.putInt(ENCODER_MAX_QUANTIZER, quantizer);
            check(library.avifEncoderWrite(encoder, image, output), "encoding");
            Pointer data = output.getPointer(RW_DATA);
            byte[] bytes = new byte[Math.toIntExact(output.getLong(RW_SIZE))];
            data.get(0, bytes, 0, bytes.length);
            return bytes;
        } finally {
            if (output.getPointer(RW_DATA) != null) {
                library.avifRWDataFree(output);
            }
            if (encoder != null) {
                library.avifEncoderDestroy(encoder);
            }
            library.avifImageDestroy(image);
        }
    }

    /**
     * Decodes an AVIF of at most {@code maxPixels} pixels to B, G, R bytes, on one thread. For scoring our own
     * encodes: the worker does not take AVIF uploads.
     */
    public Decoded decode(byte[] avif, long maxPixels) throws Failure {
        Pointer decoder = library.avifDecoderCreate();
        if (decoder == null) {
            throw new Failure("avifDecoderCreate failed");
        }
        Pointer image = library.avifImageCreateEmpty();
        Pointer rgb = Memory.allocateDirect(runtime, RGB_SIZE, true);
        boolean allocated = false;
        try {
            decoder.putInt(DECODER_MAX_THREADS, 1);
            decoder.putInt(DECODER_IMAGE_SIZE_LIMIT, (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxPixels)));
            decoder.putInt(DECODER_IMAGE_DIMENSION_LIMIT, 0x8000);
            check(library.avifDecoderReadMemory(decoder, image, avif, avif.length), "decoding");
            library.avifRGBImageSetDefaults(rgb, image);
            rgb.putInt(RGB_DEPTH, 8);
            rgb.putInt(RGB_FORMAT, RGB_FORMAT_BGR);
            library.avifRGBImageAllocatePixels(rgb);
            allocated = true;
            check(library.avifImageYUVToRGB(image, rgb), "converting to RGB");
            int width = rgb.getInt(RGB_WIDTH);
            int height = rgb.getInt(RGB_HEIGHT);
            int rowBytes = rgb.getInt(RGB_ROW_BYTES);
            Pointer pixels = rgb.getPointer(RGB_PIXELS);
            byte[] bgr = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
            for (int y = 0; y < height; y++) {
                pixels.get((long) y * rowBytes, bgr, y * width * 3, width * 3);
            }
            return new Decoded(width, height, bgr);
        } finally {
            if (allocated) {
                library.avifRGBImageFreePixels(rgb);
            }
            library.avifImageDestroy(image);
            library.avifDecoderDestroy(decoder);
        }
    }

    private void check(int result, String doing) throws Failure {
        if (result != 0) {
            throw new Failure(doing + ": " + library.avifResultToString(result));
        }
    }
}
