package com.miniatura.worker.render.codec;

import static com.miniatura.worker.render.codec.Bytes.u16;
import static com.miniatura.worker.render.codec.Bytes.u24le;
import static com.miniatura.worker.render.codec.Bytes.u32;
import static com.miniatura.worker.render.codec.Bytes.u32le;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Counts the frames of a source from its container structure, without decoding a pixel: GIF image
 * descriptors (walking the block structure), WebP {@code ANMF} chunks, the TIFF IFD chain, the {@code acTL}
 * frame count of an animated PNG; JPEG and BMP hold one image.
 *
 * <p>Only the first frame is ever rendered, but a decoder may still touch every frame (e.g. to index them),
 * so a file with thousands of frames is refused up front. A structure cut short counts the frames seen so
 * far ({@link Truncation} refuses it afterwards).
 */
public final class Frames {

    private Frames() {}

    /** Number of frames (at least 1) in a source of {@code format}, one of {@link Decode#SUPPORTED}. */
    public static long count(String format, byte[] source) {
        return count(format, source, new Container(source));
    }

    /** As {@link #count(String, byte[])}, reading the GIF and WebP layouts from {@code container}. */
    public static long count(String format, byte[] source, Container container) {
        return switch (format) {
            case "gif" -> Math.max(1, container.gif().frames());
            case "webp" -> Math.max(1, container.webp().frames());
            case "tiff" -> tiff(source);
            case "png" -> png(source);
            default -> 1;
        };
    }

    /** IFDs in the chain starting at the header's first-IFD offset; a chain that loops is counted once round. */
    private static long tiff(byte[] b) {
        if (b.length < 8) {
            return 1; // cut inside the header: the decoder reports it
        }
        boolean little = b[0] == 'I';
        Set<Long> seen = new HashSet<>();
        long offset = u32(b, 4, little);
        while (offset >= 8 && offset + 2 <= b.length && seen.add(offset)) {
            int entries = u16(b, (int) offset, little);
            long next = offset + 2 + 12L * entries;
            if (next + 4 > b.length) {
                break;
            }
            offset = u32(b, (int) next, little);
        }
        return Math.max(1, seen.size());
    }

    /** The {@code num_frames} of an APNG's {@code acTL} chunk (before the image data); a plain PNG is one frame. */
    private static long png(byte[] b) {
        long pos = 8;
        while (pos + 12 <= b.length) {
            int p = (int) pos;
            long length = u32(b, p, false);
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("acTL") && length >= 8 && p + 12 <= b.length) {
                return Math.max(1, u32(b, p + 8, false));
            }
            if (type.equals("IDAT") || type.equals("IEND")) {
                break;
            }
            pos += 12 + length;
        }
        return 1;
    }

    /**
     * The layout of a GIF from its block structure: the logical screen, the first frame's rectangle on it and
     * the number of frames. Browsers show the first frame at its offset on the logical screen, transparent
     * around it, so that is what we render.
     */
    public record Gif(
            int screenWidth,
            int screenHeight,
            int left,
            int top,
            int width,
            int height,
            long frames,
            boolean cut,
            long largestFramePixels,
            long extensionBytesBeforeFirstFrame) {

        public static Gif layout(byte[] b) {
            if (b.length < 13) {
                return new Gif(0, 0, 0, 0, 0, 0, 0, true, 0, 0);
            }
            int screenWidth = u16(b, 6, true);
            int screenHeight = u16(b, 8, true);
            int[] first = null;
            long frames = 0;
            long largest = 0;
            long extensions = 0;
            long pos = 13 + colourTableSize(b[10]);
            while (pos < b.length) {
                int p = (int) pos;
                int block = b[p] & 0xFF;
                if (block == 0x21) { // extension: label, then sub-blocks
                    pos = skipSubBlocks(b, pos + 2);
                    if (first == null) {
                        extensions += Math.min(pos, b.length) - p;
                    }
                } else if (block == 0x2C) { // image descriptor, local colour table, LZW code size, sub-blocks
                    if (p + 10 > b.length) {
                        pos = CUT;
                        break;
                    }
                    if (first == null) {
                        first = new int[] {
                            u16(b, p + 1, true), u16(b, p + 3, true), u16(b, p + 5, true), u16(b, p + 7, true)
                        };
                    }
                    largest = Math.max(largest, (long) u16(b, p + 5, true) * u16(b, p + 7, true));
                    frames++;
                    pos = skipSubBlocks(b, pos + 10 + colourTableSize(b[p + 9]) + 1);
                } else {
                    break; // 0x3B trailer, or garbage after the last frame
                }
            }
            boolean cut = pos > b.length;
            return first == null
                    ? new Gif(screenWidth, screenHeight, 0, 0, 0, 0, frames, cut, largest, extensions)
                    : new Gif(
                            screenWidth,
                            screenHeight,
                            first[0],
                            first[1],
                            first[2],
                            first[3],
                            frames,
                            cut,
                            largest,
                            extensions);
        }

        /** Position past any real one: the structure ran off the end of the file. */
        private static final long CUT = Long.MAX_VALUE / 2;

        /** Whether the first frame covers the whole logical screen, so no canvas is needed. */
        public boolean frameFillsScreen() {
            return left == 0 && top == 0 && width >= screenWidth && height >= screenHeight;
        }

        private static long colourTableSize(byte packed) {
            return (packed & 0x80) == 0 ? 0 : 3L << ((packed & 0x07) + 1);
        }

        /** Position after the sub-block sequence starting at {@code pos}, or {@link #CUT} when it runs off the end. */
        private static long skipSubBlocks(byte[] b, long pos) {
            while (pos < b.length) {
                int size = b[(int) pos] & 0xFF;
                pos += 1 + size;
                if (size == 0) {
                    return pos;
                }
            }
            return CUT;
        }
    }

    /**
     * The sizes a WebP declares for its first frame: the canvas ({@code VP8X}, or the bitstream's own size for a
     * simple file) or, when animated, the first {@code ANMF} frame's rectangle; and the size in the header of the
     * bitstream ({@code VP8 }/{@code VP8L}) that is decoded. They must agree: the reader reports the canvas size,
     * but decodes what the bitstream says, so a 64×32 canvas over a 16383×16383 bitstream would be decoded for
     * tens of seconds after passing the pixel limit.
     */
    public record Webp(
            int expectedWidth,
            int expectedHeight,
            int bitstreamWidth,
            int bitstreamHeight,
            long frames,
            boolean framesOnCanvas,
            long metadataBytes,
            boolean lossless) {

        public static Webp layout(byte[] b) {
            int expectedWidth = -1;
            int expectedHeight = -1;
            int[] bitstream = null;
            long frames = 0;
            int canvasWidth = -1;
            int canvasHeight = -1;
            boolean onCanvas = true;
            long metadata = 0;
            Boolean lossless = null; // of the first bitstream
            long pos = 12; // RIFF, size, WEBP
            while (pos + 8 <= b.length) {
                int p = (int) pos;
                long length = u32le(b, p + 4);
                String fourcc = new String(b, p, 4, StandardCharsets.ISO_8859_1);
                int data = p + 8;
                if (fourcc.equals("VP8X") && data + 10 <= b.length) {
                    expectedWidth = u24le(b, data + 4) + 1;
                    expectedHeight = u24le(b, data + 7) + 1;
                    canvasWidth = expectedWidth;
                    canvasHeight = expectedHeight;
                } else if (fourcc.equals("ANMF")) {
                    if (data + 16 <= b.length && canvasWidth > 0) {
                        // offsets are stored halved; a frame must lie on the canvas (the container's rule)
                        long right = 2L * u24le(b, data) + u24le(b, data + 6) + 1;
                        long bottom = 2L * u24le(b, data + 3) + u24le(b, data + 9) + 1;
                        onCanvas &= right <= canvasWidth && bottom <= canvasHeight;
                    }
                    if (frames == 0 && data + 24 <= b.length) {
                        lossless = new String(b, data + 16, 4, StandardCharsets.ISO_8859_1).equals("VP8L");
                    }
                    if (frames == 0 && data + 16 <= b.length) {
                        expectedWidth = u24le(b, data + 6) + 1;
                        expectedHeight = u24le(b, data + 9) + 1;
                        bitstream = firstBitstream(b, data + 16, (int) Math.min(b.length, data + length));
                    }
                    frames++;
                } else if (bitstream == null && (fourcc.equals("VP8 ") || fourcc.equals("VP8L"))) {
                    bitstream = bitstreamSize(fourcc, b, data);
                    lossless = lossless != null ? lossless : fourcc.equals("VP8L");
                } else if (!fourcc.equals("VP8 ") && !fourcc.equals("VP8L") && !fourcc.equals("ALPH")) {
                    metadata += length; // ICCP, EXIF, XMP, ANIM, unknown chunks: kept by a reader as they are
                }
                pos += 8 + length + (length & 1); // chunks are padded to an even size
            }
            int[] size = bitstream == null ? new int[] {-1, -1} : bitstream;
            return new Webp(
                    expectedWidth < 0 ? size[0] : expectedWidth,
                    expectedHeight < 0 ? size[1] : expectedHeight,
                    size[0],
                    size[1],
                    frames,
                    onCanvas,
                    metadata,
                    Boolean.TRUE.equals(lossless));
        }

        /** Whether the bitstream is the size of the canvas or frame it draws (or either could not be read). */
        public boolean consistent() {
            return bitstreamWidth < 0 || (bitstreamWidth == expectedWidth && bitstreamHeight == expectedHeight);
        }

        private static int[] firstBitstream(byte[] b, long pos, int end) {
            while (pos + 8 <= end) {
                int p = (int) pos;
                long length = u32le(b, p + 4);
                String fourcc = new String(b, p, 4, StandardCharsets.ISO_8859_1);
                if (fourcc.equals("VP8 ") || fourcc.equals("VP8L")) {
                    return bitstreamSize(fourcc, b, p + 8);
                }
                pos += 8 + length + (length & 1);
            }
            return null;
        }

        /** VP8: frame tag (3), start code 9D 01 2A, 14-bit width and height; VP8L: 0x2F, then 14-bit sizes − 1. */
        private static int[] bitstreamSize(String fourcc, byte[] b, int data) {
            if (fourcc.equals("VP8 ") && data + 10 <= b.length) {
                return new int[] {u16(b, data + 6, true) & 0x3FFF, u16(b, data + 8, true) & 0x3FFF};
            }
            if (fourcc.equals("VP8L") && data + 5 <= b.length) {
                long bits = u32le(b, data + 1);
                return new int[] {(int) (bits & 0x3FFF) + 1, (int) ((bits >> 14) & 0x3FFF) + 1};
            }
            return null;
        }
    }
}
