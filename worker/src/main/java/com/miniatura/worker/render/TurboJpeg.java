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
 * <p>When the library is absent, {@link #load()} is empty and ImageIO decodes everything, as before.
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

        public String tjGetErrorStr2(Pointer handle);

        public int tjGetErrorCode(Pointer handle);

        public int tjDestroy(Pointer handle);
    }

    /** What the JPEG's header says. */
    public record Header(int width, int height, ColourSpace colourSpace) {}

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
    private final ConcurrentLinkedQueue<Pointer> handles = new ConcurrentLinkedQueue<>();

    private TurboJpeg(Library library, String name) {
        this.library = library;
        this.name = name;
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
                TurboJpeg turbo = new TurboJpeg(library, name);
                turbo.release(turbo.acquire(), false); // a handle can be made: the library works, not only loads
                return Optional.of(turbo);
            } catch (LinkageError | RuntimeException e) {
                log.debug("libturbojpeg not loaded as {}: {}", name, e.toString());
            }
        }
        return Optional.empty();
    }

    /** The library file that was loaded, for the startup log. */
    public String libraryName() {
        return name;
    }

    /** The header of {@code jpeg}, or a {@link Failure} saying why TurboJPEG cannot read it. */
    public Header header(byte[] jpeg) throws Failure {
        Pointer handle = acquire();
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
            return new Header(width.getValue(), height.getValue(), ColourSpace.values()[cs]);
        } finally {
            release(handle, failed);
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
        Pointer handle = acquire();
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
            release(handle, failed);
        }
    }

    private Failure failure(Pointer handle) {
        String message = library.tjGetErrorStr2(handle);
        return new Failure(message == null ? "unknown TurboJPEG error" : message, library.tjGetErrorCode(handle) == 0);
    }

    private Pointer acquire() {
        Pointer handle = handles.poll();
        if (handle == null) {
            handle = library.tjInitDecompress();
            if (handle == null) {
                throw new IllegalStateException("tjInitDecompress failed: " + library.tjGetErrorStr2(null));
            }
        }
        return handle;
    }

    /**
     * Gives a handle back to the pool, or destroys it after a failed call: libjpeg-turbo 2.1 can leave a handle that
     * failed on one file failing the next with the same error ({@code NativeJpegTest} pins it).
     */
    private void release(Pointer handle, boolean failed) {
        if (failed) {
            library.tjDestroy(handle);
        } else {
            handles.add(handle);
        }
    }
}
