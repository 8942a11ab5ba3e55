package com.miniatura.worker.render.codec;

import static com.miniatura.worker.render.codec.Bytes.u16;
import static com.miniatura.worker.render.codec.Bytes.u32;

import com.miniatura.worker.render.MemoryBudget;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.RenderLimits;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Refuses structure bombs before a decoder sees them: files whose size on disk is modest but whose containers
 * make a decoder spend memory or time out of all proportion to the picture. Walked from the bytes, with bounds
 * checked, before any pixel is decoded:
 * <ul>
 *   <li>JPEG: the number of scans (a progressive file may repeat scans thousands of times, each a pass over the
 *       whole image), marker segments, and the bytes of metadata segments (APPn, COM: EXIF, XMP, ICC profiles,
 *       which readers keep in memory);</li>
 *   <li>PNG: ancillary chunks (text, EXIF, profiles: readers inflate compressed text in full), counted and, for
 *       the compressed ones, inflated with a running cap;</li>
 *   <li>TIFF: entries per IFD, values that must lie inside the file, and the strip and tile tables a reader
 *       allocates from their declared counts;</li>
 *   <li>GIF: each frame's rectangle, and the extension blocks before the first frame (kept as metadata);</li>
 *   <li>WebP: each animation frame's rectangle, which must lie on the canvas;</li>
 *   <li>BMP: the colour table's declared size.</li>
 * </ul>
 * The bounds are far above what cameras, phones and editors write, and fixed here; docs/reliability.md lists them.
 */
public final class Structure {

    /** Scans of one JPEG: libjpeg writes 10 for a progressive colour image, encoders that tune scans a few dozen. */
    public static final int MAX_JPEG_SCANS = 100;
    /** Marker segments of one JPEG (tables, metadata, scan headers). */
    public static final int MAX_JPEG_SEGMENTS = 1_000;
    /** Bytes of APPn and COM segments together: EXIF, XMP (extended XMP included), ICC profiles, comments. */
    public static final long MAX_METADATA_BYTES = 16L << 20;
    /** Ancillary chunks of one PNG, animation frame chunks (fcTL, fdAT) aside: the frame limit counts those. */
    public static final int MAX_PNG_ANCILLARY_CHUNKS = 1_000;
    /** Entries of one TIFF IFD. */
    public static final int MAX_TIFF_ENTRIES = 1_000;
    /** Strips or tiles of one TIFF image: a reader allocates offset and byte count tables of this length. */
    public static final long MAX_TIFF_STRIPS = 1L << 20;

    private Structure() {}

    /** Refuses {@code source}, sniffed as {@code format}, when its structure exceeds the bounds above. */
    public static void check(String format, byte[] source, RenderLimits limits) throws RenderException {
        check(format, source, limits, new Container(source));
    }

    /** As {@link #check(String, byte[], RenderLimits)}, reading the GIF and WebP layouts from {@code container}. */
    public static void check(String format, byte[] source, RenderLimits limits, Container container)
            throws RenderException {
        switch (format) {
            case "jpeg" -> jpeg(source);
            case "png" -> png(source);
            case "tiff" -> TiffStructure.check(source, limits);
            case "gif" -> gif(container.gif(), limits);
            case "webp" -> webp(source, container.webp());
            case "bmp" -> bmp(source);
            default -> {}
        }
    }

    // --- JPEG -----------------------------------------------------------------------------------------------

    private static void jpeg(byte[] b) throws RenderException {
        int scans = 0;
        int segments = 0;
        long metadata = 0;
        long profileBytes = 0;
        long profileClaims = -1;
        JpegSegments walk = JpegSegments.from(b, 2);
        while (walk.next().segment()) { // lost sync, EOI or the end: the decoder reports any damage
            int marker = walk.marker();
            int length = walk.length(); // counted as written, even when it runs past the data
            if (++segments > MAX_JPEG_SEGMENTS) {
                throw tooComplex("the JPEG has more than " + MAX_JPEG_SEGMENTS + " marker segments");
            }
            if ((marker >= 0xE0 && marker <= 0xEF) || marker == 0xFE) {
                metadata += length;
                if (metadata > MAX_METADATA_BYTES) {
                    throw tooComplex("the JPEG's metadata (EXIF, XMP, ICC profile, comments) is more than "
                            + MemoryBudget.megabytes(MAX_METADATA_BYTES));
                }
            }
            int data = walk.payload();
            if (marker == 0xE2 && length >= 16 && walk.end() <= b.length && ascii(b, data, "ICC_PROFILE\0")) {
                profileBytes += length - 16; // after the length, the identifier, the sequence number and the count
                if ((b[data + 12] & 0xFF) == 1 && length >= 20) {
                    profileClaims = u32(b, data + 14, false); // the profile header's own size field
                }
            }
            if (marker == JpegSegments.SOS) {
                if (++scans > MAX_JPEG_SCANS) {
                    throw tooComplex("the JPEG has more than " + MAX_JPEG_SCANS + " scans");
                }
                walk.skipEntropy();
            }
        }
        checkProfile(profileClaims, profileBytes);
    }

    /**
     * An embedded colour profile claiming more bytes than the file holds for it: TwelveMonkeys' readers allocate the
     * claimed size before reading (a 1.2 KB JPEG or a 748-byte WebP claiming 1 GB made them allocate 1 GB).
     */
    static void checkProfile(long claims, long holds) throws RenderException {
        if (claims > holds) {
            throw new RenderException(
                    Reason.CORRUPT,
                    "corrupt image: its colour profile claims " + claims + " bytes but the file holds " + holds);
        }
    }

    private static boolean ascii(byte[] b, int at, String text) {
        if (at + text.length() > b.length) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if ((b[at + i] & 0xFF) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    // --- PNG ------------------------------------------------------------------------------------------------

    private static void png(byte[] b) throws RenderException {
        int ancillary = 0;
        long stored = 0;
        long inflated = 0;
        long pos = 8;
        while (pos + 12 <= b.length) {
            int p = (int) pos;
            long length = u32(b, p, false);
            if (pos + 12 + length > b.length) {
                return; // cut short: Truncation reports it
            }
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("IEND")) {
                return;
            }
            boolean isAncillary = (b[p + 4] & 0x20) != 0;
            if (isAncillary && !type.equals("fcTL") && !type.equals("fdAT")) {
                if (++ancillary > MAX_PNG_ANCILLARY_CHUNKS) {
                    throw tooComplex("the PNG has more than " + MAX_PNG_ANCILLARY_CHUNKS
                            + " text, profile and other ancillary chunks");
                }
                stored += length;
                int data = p + 8;
                int compressed = compressedPayload(type, b, data, (int) length);
                if (compressed >= 0) {
                    inflated += inflatedSize(
                            b, compressed, data + (int) length - compressed, MAX_METADATA_BYTES - inflated + 1);
                }
                if (stored > MAX_METADATA_BYTES || inflated > MAX_METADATA_BYTES) {
                    throw tooComplex("the PNG's text, profile and other metadata chunks hold more than "
                            + MemoryBudget.megabytes(MAX_METADATA_BYTES)
                            + (inflated > MAX_METADATA_BYTES ? " once inflated" : ""));
                }
            }
            pos += 12 + length;
        }
    }

    /**
     * Where the zlib stream of a compressed metadata chunk starts, or -1: zTXt (keyword, NUL, method),
     * iTXt with its compression flag set (keyword, NUL, flag, method, language, NUL, translated keyword, NUL),
     * iCCP (name, NUL, method).
     */
    private static int compressedPayload(String type, byte[] b, int data, int length) {
        int end = data + length;
        int nul = indexOf(b, data, end, 0);
        if (nul < 0) {
            return -1;
        }
        return switch (type) {
            case "zTXt", "iCCP" -> nul + 2 <= end ? nul + 2 : -1;
            case "iTXt" -> {
                if (nul + 3 > end || b[nul + 1] == 0) {
                    yield -1; // not compressed
                }
                int language = indexOf(b, nul + 3, end, 0);
                int translated = language < 0 ? -1 : indexOf(b, language + 1, end, 0);
                yield translated < 0 ? -1 : translated + 1;
            }
            default -> -1;
        };
    }

    /** Bytes the zlib stream at {@code b[offset, offset + length)} inflates to, counting no further than {@code cap}. */
    public static long inflatedSize(byte[] b, int offset, int length, long cap) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(b, offset, length);
            byte[] sink = new byte[64 * 1024];
            long total = 0;
            while (!inflater.finished() && total <= cap) {
                int n = inflater.inflate(sink);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                total += n;
            }
            return total;
        } catch (DataFormatException e) {
            return 0; // not our concern here: the reader reports a broken stream, or skips the chunk
        } finally {
            inflater.end();
        }
    }

    private static int indexOf(byte[] b, int from, int end, int value) {
        for (int i = from; i < end; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    // --- GIF ------------------------------------------------------------------------------------------------

    private static void gif(Frames.Gif gif, RenderLimits limits) throws RenderException {
        if (gif.largestFramePixels() > limits.maxSourcePixels()) {
            throw new RenderException(
                    Reason.TOO_MANY_PIXELS,
                    "source too large: a frame of " + gif.largestFramePixels() + " pixels exceeds the limit of "
                            + limits.maxSourcePixels());
        }
        if (gif.extensionBytesBeforeFirstFrame() > MAX_METADATA_BYTES) {
            throw tooComplex("the GIF's comments and other extensions before its first frame are more than "
                    + MemoryBudget.megabytes(MAX_METADATA_BYTES));
        }
    }

    // --- WebP -----------------------------------------------------------------------------------------------

    private static void webp(byte[] b, Frames.Webp webp) throws RenderException {
        for (long pos = 12; pos + 8 <= b.length; ) {
            int p = (int) pos;
            long length = u32(b, p + 4, true);
            if (ascii(b, p, "ICCP") && length >= 4 && p + 12 <= b.length) {
                checkProfile(u32(b, p + 8, false), Math.min(length, b.length - p - 8L));
            }
            pos += 8 + length + (length & 1);
        }
        if (!webp.framesOnCanvas()) {
            throw new RenderException(
                    Reason.CORRUPT,
                    "corrupt image: a WebP animation frame lies outside its " + webp.expectedWidth() + "x"
                            + webp.expectedHeight() + " canvas");
        }
        if (webp.metadataBytes() > MAX_METADATA_BYTES) {
            throw tooComplex("the WebP's metadata (ICC profile, EXIF, XMP, unknown chunks) is more than "
                    + MemoryBudget.megabytes(MAX_METADATA_BYTES));
        }
    }

    // --- BMP ------------------------------------------------------------------------------------------------

    private static void bmp(byte[] b) throws RenderException {
        if (b.length < 50 || u32(b, 14, true) < 40) {
            return; // an OS/2 header: no colour count
        }
        long colours = u32(b, 46, true);
        if (colours > 256) {
            int bits = u16(b, 28, true);
            if (bits <= 8) {
                throw new RenderException(
                        Reason.CORRUPT,
                        "corrupt image: the " + bits + "-bit BMP declares " + colours + " palette colours");
            }
            if (colours > 1 << 16) {
                throw tooComplex("the BMP declares " + colours + " palette colours");
            }
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------

    static RenderException tooComplex(String what) {
        return new RenderException(Reason.TOO_COMPLEX, "too complex to render: " + what);
    }
}
