package com.miniatura.worker.render.codec;

import static com.miniatura.worker.render.codec.Bytes.u16;
import static com.miniatura.worker.render.codec.Bytes.u32;

import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderException.Reason;
import com.miniatura.worker.render.RenderLimits;
import java.util.HashSet;
import java.util.Set;

/** The TIFF part of {@link Structure}: entries per IFD, values inside the file, strip and tile tables. */
final class TiffStructure {

    private TiffStructure() {}

    private static final int TAG_WIDTH = 256;
    private static final int TAG_HEIGHT = 257;
    private static final int TAG_STRIP_OFFSETS = 273;
    private static final int TAG_STRIP_BYTE_COUNTS = 279;
    private static final int TAG_TILE_WIDTH = 322;
    private static final int TAG_TILE_LENGTH = 323;
    private static final int TAG_TILE_OFFSETS = 324;
    private static final int TAG_TILE_BYTE_COUNTS = 325;
    private static final int TAG_SUB_IFDS = 330;
    private static final int TAG_EXIF_IFD = 34665;
    private static final int TAG_GPS_IFD = 34853;
    private static final int TAG_INTEROPERABILITY_IFD = 40965;
    private static final int TAG_ICC_PROFILE = 34675;
    /** Bytes per value of each TIFF field type (1..18), 0 where unknown. */
    private static final int[] TYPE_SIZE = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8};

    static void check(byte[] b, RenderLimits limits) throws RenderException {
        if (b.length < 8) {
            return; // cut inside the header: the decoder reports it
        }
        boolean little = b[0] == 'I';
        Set<Long> seen = new HashSet<>();
        long offset = u32(b, 4, little);
        // the IFD chain (pages) and, one level down, the IFDs its entries point at (EXIF, GPS, sub-images)
        while (offset >= 8 && offset + 2 <= b.length && seen.add(offset)) {
            long next = tiffIfd(b, (int) offset, little, seen, true, limits);
            if (next < 0) {
                return;
            }
            offset = next;
        }
    }

    /** Checks the IFD at {@code at}; returns the offset of the next in its chain, or -1 when it is cut short. */
    private static long tiffIfd(
            byte[] b, int at, boolean little, Set<Long> seen, boolean followPointers, RenderLimits limits)
            throws RenderException {
        if (seen.size() > limits.maxSourceFrames() + Structure.MAX_TIFF_ENTRIES) {
            throw Structure.tooComplex(
                    "the TIFF has more than " + (limits.maxSourceFrames() + Structure.MAX_TIFF_ENTRIES) + " IFDs");
        }
        int entries = u16(b, at, little);
        if (entries > Structure.MAX_TIFF_ENTRIES) {
            throw Structure.tooComplex(
                    "a TIFF IFD has " + entries + " entries, more than the limit of " + Structure.MAX_TIFF_ENTRIES);
        }
        long end = at + 2 + 12L * entries;
        if (end + 4 > b.length) {
            return -1; // cut short: the decoder reports it
        }
        long width = 0;
        long height = 0;
        long tileWidth = 0;
        long tileLength = 0;
        for (int i = 0; i < entries; i++) {
            int entry = at + 2 + 12 * i;
            int tag = u16(b, entry, little);
            int type = u16(b, entry + 2, little);
            long count = u32(b, entry + 4, little);
            int size = type < TYPE_SIZE.length ? TYPE_SIZE[type] : 0;
            long bytes = count * Math.max(1, size);
            if (bytes > 4) {
                long valueOffset = u32(b, entry + 8, little);
                if (valueOffset + bytes > b.length) {
                    throw new RenderException(
                            Reason.CORRUPT,
                            "corrupt image: the TIFF field " + tag + " declares " + count
                                    + " values, which do not fit in the file");
                }
            }
            if (tag == TAG_ICC_PROFILE && bytes >= 4) {
                long profile = bytes > 4 ? u32(b, entry + 8, little) : entry + 8;
                Structure.checkProfile(u32(b, (int) profile, false), bytes);
            }
            if ((tag == TAG_STRIP_OFFSETS
                            || tag == TAG_STRIP_BYTE_COUNTS
                            || tag == TAG_TILE_OFFSETS
                            || tag == TAG_TILE_BYTE_COUNTS)
                    && count > Structure.MAX_TIFF_STRIPS) {
                throw Structure.tooComplex("the TIFF has " + count + " strips or tiles, more than the limit of "
                        + Structure.MAX_TIFF_STRIPS);
            }
            long value = count == 1
                    ? (size == 2 ? u16(b, entry + 8, little) : size == 4 ? u32(b, entry + 8, little) : 0)
                    : 0;
            switch (tag) {
                case TAG_WIDTH -> width = value;
                case TAG_HEIGHT -> height = value;
                case TAG_TILE_WIDTH -> tileWidth = value;
                case TAG_TILE_LENGTH -> tileLength = value;
                case TAG_EXIF_IFD, TAG_GPS_IFD, TAG_INTEROPERABILITY_IFD, TAG_SUB_IFDS -> {
                    if (followPointers && count == 1 && value >= 8 && value + 2 <= b.length && seen.add(value)) {
                        tiffIfd(b, (int) value, little, seen, false, limits);
                    }
                }
                default -> {}
            }
        }
        if (tileWidth * tileLength > Math.max(width * height, 1L << 20)) {
            throw Structure.tooComplex("the TIFF's " + tileWidth + "x" + tileLength + " tiles are larger than its "
                    + width + "x" + height + " image");
        }
        return u32(b, (int) end, little);
    }
}
