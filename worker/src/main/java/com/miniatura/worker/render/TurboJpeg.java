package com.miniatura.worker.render;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Pinned;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.NativeLongByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libjpeg-turbo's TurboJPEG API ({@code libturbojpeg.so.0}, Debian's {@code libturbojpeg0}), bound at run time
 * through JNR-FFI: no compiler at build time, and no native code of ours that could crash.
 *
 * <p>What it adds over ImageIO's decoder (the same libjpeg family underneath): decoding at 1/2, 1/4 or 1/8 of
 * the size straight from the DCT coefficients, so a 200 MP photo never exists at full size in memory, and
 * pixels written straight into the Java array that backs the image (the arrays are pinned for the call,
 * not copied). Per decode, a decompressor handle is taken from a small pool and given back: handles are not
 * thread-safe, and creating one per call would allocate libjpeg's state every time.
 *
 * <p>Encoding ({@link #encode}) writes the file the JDK's writer writes (the same tables, sampling, DCT and optimised
 * Huffman codes, so the same bytes give or take rounding) in about half the time: libjpeg-turbo's SIMD colour
 * conversion, downsampling and DCT, where the JDK's bundled libjpeg 6b has none. Compressor handles are pooled
 * like decompressors.
 *
 * <p>When the library is absent, {@link #load()} is empty and ImageIO decodes and encodes everything, as before.
 * TurboJPEG refuses CMYK/YCCK and 12-bit JPEGs and applies neither ICC profiles nor EXIF orientation; the
 * caller keeps ImageIO for the first two and does the rest itself.
 */
public final class TurboJpeg {
    private static final Logger log = LoggerFactory.getLogger(TurboJpeg.class);

    /** The names tried, in order: the runtime package's versioned file, then a development symlink. */
    public static final List<String> LIBRARY_NAMES = List.of("libturbojpeg.so.0", "turbojpeg");

    /** {@code TJPF_BGR}: 3 bytes per pixel, B, G, R, the layout of {@code TYPE_3BYTE_BGR}. */
    public static final int PIXEL_BGR = 1;
    /** {@code TJFLAG_ACCURATEDCT}: the accurate inverse DCT, as ImageIO uses (and TurboJPEG by default). */
    public static final int FLAG_ACCURATE_DCT = 4096;
    /** {@code TJFLAG_LIMITSCANS}: libjpeg-turbo refuses progressive files of more than 500 scans. */
    public static final int FLAG_LIMIT_SCANS = 32768;
    /** {@code TJFLAG_PROGRESSIVE}: progressive scans (whose Huffman tables libjpeg always optimises). */
    public static final int FLAG_PROGRESSIVE = 16384;

    /**
     * The environment variable libjpeg-turbo 2.1 reads on every compression to optimise the Huffman tables (its API
     * has no flag for it before 3.0); {@link #load()} sets it to {@code 1} in this process when it is not already.
     */
    public static final String OPTIMIZE_VARIABLE = "TJ_OPTIMIZE";

    /** Chroma subsampling of {@code tjCompress2} ({@code TJSAMP_*}), in its order. */
    public enum Subsampling {
        S444,
        S422,
        S420,
        GRAY
    }

    /** JPEG colour spaces of {@code tjDecompressHeader3} ({@code TJCS_*}). */
    public enum ColourSpace {
        RGB,
        YCBCR,
        GRAY,
        CMYK,
        YCCK
    }

    /** The C functions used; see {@code turbojpeg.h} (libjpeg-turbo 2.1). */
    public interface Library {
        public Pointer tjInitDecompress();

        int tjDecompressHeader3(
                Pointer handle,
                @Pinned @In byte[] jpeg,
                @size_t long size,
                @Out IntByReference width,
                @Out IntByReference height,
                @Out IntByReference subsampling,
                @Out IntByReference colourSpace);

        int tjDecompress2(
                Pointer handle,
                @Pinned @In byte[] jpeg,
                @size_t long size,
                @Pinned @Out byte[] destination,
                int width,
                int pitch,
                int height,
                int pixelFormat,
                int flags);

        public Pointer tjInitCompress();

        int tjCompress2(
                Pointer handle,
                @Pinned @In byte[] source,
                int width,
                int pitch,
                int height,
                int pixelFormat,
                PointerByReference jpeg,
                NativeLongByReference jpegSize,
                int subsampling,
                int quality,
                int flags);

        void tjFree(Pointer buffer);

        int tjDecompressToYUV2(
                Pointer handle,
                @Pinned @In byte[] jpeg,
                @size_t long size,
                @Pinned @Out byte[] destination,
                int width,
                int pad,
                int height,
                int flags);

        int tjCompressFromYUV(
                Pointer handle,
                @Pinned @In byte[] source,
                int width,
                int pad,
                int height,
                int subsampling,
                PointerByReference jpeg,
                NativeLongByReference jpegSize,
                int quality,
                int flags);

        public String tjGetErrorStr2(Pointer handle);

        public int tjGetErrorCode(Pointer handle);

        public int tjDestroy(Pointer handle);
    }

    /**
     * What the JPEG's header says; {@code subsampling} is TurboJPEG's {@code TJSAMP_*} (0 4:4:4, 1 4:2:2, 2 4:2:0,
     * 3 grey, 4 4:4:0, 5 4:1:1), or -1 for one it cannot name.
     */
    public record Header(int width, int height, ColourSpace colourSpace, int subsampling) {

        /** Luma samples per chroma sample across and down (4:4:4, 4:2:2, 4:2:0, 4:4:0), or null for other sampling. */
        public int[] chromaFactors() {
            return switch (subsampling) {
                case 0 -> new int[] {1, 1};
                case 1 -> new int[] {2, 1};
                case 2 -> new int[] {2, 2};
                case 4 -> new int[] {1, 2};
                default -> null;
            };
        }
    }

    /** A failed call: TurboJPEG's message, and whether it was only a warning (the pixels may still be damaged). */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean warning;

        public Failure(String message, boolean warning) {
            super(message);
            this.warning = warning;
        }

        public boolean warning() {
            return warning;
        }
    }

    private static final Optional<TurboJpeg> SYSTEM = bind();

    private final Library library;
    private final String name;
    private final boolean optimizes;
    private final ConcurrentLinkedQueue<Pointer> decompressors = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Pointer> compressors = new ConcurrentLinkedQueue<>();

    private TurboJpeg(Library library, String name, boolean optimizes) {
        this.library = library;
        this.name = name;
        this.optimizes = optimizes;
    }

    /** The C library's environment calls, to turn on libjpeg-turbo's optimised Huffman tables. */
    public interface LibC {
        String getenv(String name);

        int setenv(String name, String value, int overwrite);
    }

    /**
     * The JVM property that turns libjpeg-turbo off ({@code -Dminiatura.turbojpeg.disabled=true}): every JPEG then goes
     * through ImageIO, as on a machine without the library. For diagnosis, and for the test run of the pure-Java path.
     */
    public static final String DISABLED = "miniatura.turbojpeg.disabled";

    /** The system's libturbojpeg, loaded once per JVM; empty when it is not installed or turned off ({@link #DISABLED}). */
    public static Optional<TurboJpeg> load() {
        return SYSTEM;
    }

    private static Optional<TurboJpeg> bind() {
        if (Boolean.getBoolean(DISABLED)) {
            log.info("libjpeg-turbo turned off by -D{}=true: JPEGs are decoded by ImageIO", DISABLED);
            return Optional.empty();
        }
        for (String name : LIBRARY_NAMES) {
            try {
                Library library =
                        LibraryLoader.create(Library.class).failImmediately().load(name);
                TurboJpeg turbo = new TurboJpeg(library, name, optimiseHuffmanTables());
                // handles can be made: the library works, not only loads
                turbo.release(turbo.decompressors, turbo.acquire(turbo.decompressors, false), false);
                turbo.release(turbo.compressors, turbo.acquire(turbo.compressors, true), false);
                return Optional.of(turbo);
            } catch (LinkageError | RuntimeException e) {
                log.debug("libturbojpeg not loaded as {}: {}", name, e.toString());
            }
        }
        return Optional.empty();
    }

    /**
     * Sets {@link #OPTIMIZE_VARIABLE} to {@code 1} in this process's C environment unless it already is (Java's own
     * {@code System.getenv} is a copy taken at start and does not see it). True when it is {@code 1} afterwards.
     * Done once, while the library is bound; a worker's image sets it in its environment, so there it is a no-op.
     */
    private static boolean optimiseHuffmanTables() {
        try {
            LibC libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
            if (!"1".equals(libc.getenv(OPTIMIZE_VARIABLE))) {
                libc.setenv(OPTIMIZE_VARIABLE, "1", 1);
            }
            return "1".equals(libc.getenv(OPTIMIZE_VARIABLE));
        } catch (LinkageError | RuntimeException e) {
            log.debug("{} not set: {}", OPTIMIZE_VARIABLE, e.toString());
            return false;
        }
    }

    /**
     * Whether {@link #encode} writes optimised Huffman tables, as the JDK's writer does when asked: when not, the
     * JDK's writer encodes, so that no file grows for a faster encode.
     */
    public boolean encodesOptimised() {
        return optimizes;
    }

    /** The library file that was loaded, for the startup log. */
    public String libraryName() {
        return name;
    }

    /** The header of {@code jpeg}, or a {@link Failure} saying why TurboJPEG cannot read it. */
    public Header header(byte[] jpeg) throws Failure {
        Pointer handle = acquire(decompressors, false);
        boolean failed = true;
        try {
            IntByReference width = new IntByReference();
            IntByReference height = new IntByReference();
            IntByReference subsampling = new IntByReference();
            IntByReference colourSpace = new IntByReference();
            if (library.tjDecompressHeader3(handle, jpeg, jpeg.length, width, height, subsampling, colourSpace) != 0) {
                throw failure(handle);
            }
            int cs = colourSpace.getValue();
            if (cs < 0 || cs >= ColourSpace.values().length || width.getValue() <= 0 || height.getValue() <= 0) {
                // a tables-only stream "succeeds" without filling these in
                throw new Failure("no image in the JPEG header", false);
            }
            failed = false;
            return new Header(width.getValue(), height.getValue(), ColourSpace.values()[cs], subsampling.getValue());
        } finally {
            release(decompressors, handle, failed);
        }
    }

    /** The size TurboJPEG gives {@code size} decoded at {@code 1/denominator}: {@code ceil(size / denominator)}. */
    public static int scaled(int size, int denominator) {
        return (int) (((long) size + denominator - 1) / denominator);
    }

    /**
     * Decodes {@code jpeg} at {@code 1/denominator} (1, 2, 4 or 8) into {@code bgr}, which must hold exactly
     * {@code 3 × scaled(width) × scaled(height)} bytes. A warning (damaged data, a cut file) is a {@link Failure}
     * too, after the whole image was decoded.
     */
    public void decode(byte[] jpeg, Header header, int denominator, byte[] bgr) throws Failure {
        int width = scaled(header.width(), denominator);
        int height = scaled(header.height(), denominator);
        if ((long) width * height * 3 != bgr.length) {
            throw new IllegalArgumentException("destination of " + bgr.length + " bytes for " + width + "x" + height);
        }
        Pointer handle = acquire(decompressors, false);
        boolean failed = true;
        try {
            if (library.tjDecompress2(
                            handle,
                            jpeg,
                            jpeg.length,
                            bgr,
                            width,
                            width * 3,
                            height,
                            PIXEL_BGR,
                            FLAG_ACCURATE_DCT | FLAG_LIMIT_SCANS)
                    != 0) {
                throw failure(handle);
            }
            failed = false;
        } finally {
            release(decompressors, handle, failed);
        }
    }

    /**
     * Encodes {@code bgr}, {@code width × height} pixels of 3 bytes (B, G, R) with rows {@code pitch} bytes apart
     * starting at index 0, as a baseline (or progressive) JFIF JPEG at {@code quality} (1..100, libjpeg's scaling
     * of the standard tables, as the JDK writer's) with the accurate DCT, as the JDK's writer uses.
     */
    public byte[] encode(
            byte[] bgr, int width, int height, int pitch, Subsampling subsampling, int quality, boolean progressive)
            throws Failure {
        if (width <= 0 || height <= 0 || pitch < width * 3 || (long) pitch * (height - 1) + width * 3L > bgr.length) {
            throw new IllegalArgumentException(
                    "source of " + bgr.length + " bytes for " + width + "x" + height + " at pitch " + pitch);
        }
        int flags = FLAG_ACCURATE_DCT | (progressive ? FLAG_PROGRESSIVE : 0);
        return compress((handle, out, size) -> library.tjCompress2(
                handle, bgr, width, pitch, height, PIXEL_BGR, out, size, subsampling.ordinal(), quality, flags));
    }

    /**
     * Decodes {@code jpeg} at {@code 1/denominator} to its YCbCr planes, without colour conversion or chroma upsampling,
     * into {@code yuv} in TurboJPEG's packed layout for {@code pad} 1 ({@link com.miniatura.worker.render.resample.Planes#of}
     * gives the layout). A warning is a {@link Failure} too, after the whole image was decoded.
     */
    public void decodeYuv(byte[] jpeg, int width, int height, byte[] yuv) throws Failure {
        Pointer handle = acquire(decompressors, false);
        boolean failed = true;
        try {
            if (library.tjDecompressToYUV2(
                            handle, jpeg, jpeg.length, yuv, width, 1, height, FLAG_ACCURATE_DCT | FLAG_LIMIT_SCANS)
                    != 0) {
                throw failure(handle);
            }
            failed = false;
        } finally {
            release(decompressors, handle, failed);
        }
    }

    /**
     * Encodes YCbCr planes in TurboJPEG's packed layout for {@code pad} 1 ({@code width × height}, chroma subsampled
     * as {@code subsampling} says): what {@link #encode} writes from the same pixels in BGR, without the colour
     * conversion and chroma downsampling.
     */
    public byte[] encodeYuv(
            byte[] yuv, int width, int height, Subsampling subsampling, int quality, boolean progressive)
            throws Failure {
        int flags = FLAG_ACCURATE_DCT | (progressive ? FLAG_PROGRESSIVE : 0);
        return compress((handle, out, size) -> library.tjCompressFromYUV(
                handle, yuv, width, 1, height, subsampling.ordinal(), out, size, quality, flags));
    }

    /** One TurboJPEG compression call, given a compressor handle and where to put the JPEG and its size. */
    private interface Compression {
        int call(Pointer handle, PointerByReference out, NativeLongByReference size);
    }

    /**
     * Runs {@code compression} with a pooled compressor: the JPEG TurboJPEG allocated is copied out and freed, and the
     * handle given back, or destroyed when the call failed.
     */
    private byte[] compress(Compression compression) throws Failure {
        Pointer handle = acquire(compressors, true);
        boolean failed = true;
        PointerByReference out = new PointerByReference();
        NativeLongByReference size = new NativeLongByReference();
        try {
            if (compression.call(handle, out, size) != 0) {
                throw failure(handle);
            }
            byte[] bytes = new byte[Math.toIntExact(size.longValue())];
            out.getValue().get(0, bytes, 0, bytes.length);
            failed = false;
            return bytes;
        } finally {
            if (out.getValue() != null) {
                library.tjFree(out.getValue());
            }
            release(compressors, handle, failed);
        }
    }

    private Failure failure(Pointer handle) {
        String message = library.tjGetErrorStr2(handle);
        return new Failure(message == null ? "unknown TurboJPEG error" : message, library.tjGetErrorCode(handle) == 0);
    }

    private Pointer acquire(ConcurrentLinkedQueue<Pointer> pool, boolean compressor) {
        Pointer handle = pool.poll();
        if (handle == null) {
            handle = compressor ? library.tjInitCompress() : library.tjInitDecompress();
            if (handle == null) {
                throw new IllegalStateException("tjInit failed: " + library.tjGetErrorStr2(null));
            }
        }
        return handle;
    }

    /**
     * Gives a handle back to the pool, or destroys it after a failed call: libjpeg-turbo 2.1 can leave a handle that
     * failed on one file failing the next with the same error ({@code NativeJpegTest} pins it).
     */
    private void release(ConcurrentLinkedQueue<Pointer> pool, Pointer handle, boolean failed) {
        if (failed) {
            library.tjDestroy(handle);
        } else {
            pool.add(handle);
        }
    }
}
