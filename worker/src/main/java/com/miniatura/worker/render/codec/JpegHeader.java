package com.miniatura.worker.render.codec;

import static com.miniatura.worker.render.codec.Bytes.u16be;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The marker segments of a JPEG up to its first scan, as far as the renderer's shortcuts need them: the frame
 * (SOF marker, precision, components with their sampling and quantization tables), the tables, and the
 * markers that decide its colours (JFIF, Adobe, an ICC profile).
 *
 * @param sof            the frame marker: 0xC0 baseline, 0xC1 extended, 0xC2 progressive, ...
 * @param ids            component ids, in frame order
 * @param sampling       horizontal, vertical sampling factor of each component, in frame order
 * @param tableOf        the quantization table id of each component
 * @param tables         quantization tables by id (zigzag order, as stored), null where absent
 * @param adobeTransform the Adobe APP14 colour transform (0 none, 1 YCbCr, 2 YCCK), or -1 without that marker
 * @param icc            offset and length of each APP2 {@code ICC_PROFILE} segment's payload (after its
 *                       sequence number and count), in file order; empty without a profile
 * @param kept           offset and length of each segment an image needs (tables, frame, restart interval)
 * @param scanStart      offset of the first SOS marker
 */
public record JpegHeader(
        int sof,
        int precision,
        int[] ids,
        int[] sampling,
        int[] tableOf,
        int[][] tables,
        boolean jfif,
        int adobeTransform,
        List<int[]> icc,
        List<int[]> kept,
        int scanStart) {

    public static final int SOI = 0xD8;
    public static final int SOS = 0xDA;
    private static final int DQT = 0xDB;
    private static final int APP0 = 0xE0;
    private static final int APP2 = 0xE2;
    private static final int APP14 = 0xEE;
    private static final int COM = 0xFE;

    /** The header of {@code b}, or null when it is not a well-formed JPEG up to a first scan. */
    public static JpegHeader parse(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != SOI) {
            return null;
        }
        List<int[]> kept = new ArrayList<>();
        int[][] tables = new int[4][];
        int sof = -1;
        int precision = 0;
        int[] ids = null;
        int[] sampling = null;
        int[] tableOf = null;
        boolean jfif = false;
        List<int[]> icc = new ArrayList<>();
        int adobeTransform = -1;
        JpegSegments walk = JpegSegments.everyMarkerWithLength(b, 2);
        while (walk.next() == JpegSegments.Step.SEGMENT) { // else lost sync, a bad length or the end
            int marker = walk.marker();
            int i = walk.offset();
            int length = walk.length();
            int data = walk.payload();
            int next = walk.end();
            if (marker == SOS) {
                return sof < 0
                        ? null
                        : new JpegHeader(
                                sof, precision, ids, sampling, tableOf, tables, jfif, adobeTransform, icc, kept, i);
            }
            if (marker == APP0
                    && length >= 7
                    && b[data] == 'J'
                    && b[data + 1] == 'F'
                    && b[data + 2] == 'I'
                    && b[data + 3] == 'F'
                    && b[data + 4] == 0) {
                jfif = true;
            } else if (marker == APP2
                    && length >= 14
                    && new String(b, data, 11, StandardCharsets.US_ASCII).equals("ICC_PROFILE")) {
                icc.add(new int[] {data + 12, length - 2 - 12});
            } else if (marker == APP14
                    && length >= 14
                    && b[data] == 'A'
                    && b[data + 1] == 'd'
                    && b[data + 2] == 'o'
                    && b[data + 3] == 'b'
                    && b[data + 4] == 'e') {
                adobeTransform = b[data + 11] & 0xFF;
            } else if (marker == DQT) {
                for (int at = data; at < next; ) {
                    int bytes = (b[at] & 0xFF) >> 4;
                    int id = b[at] & 0x0F;
                    if (id > 3 || bytes > 1 || at + 1 + 64 * (bytes + 1) > next) {
                        return null;
                    }
                    int[] table = new int[64];
                    for (int k = 0; k < 64; k++) {
                        table[k] = bytes == 0 ? b[at + 1 + k] & 0xFF : u16be(b, at + 1 + 2 * k);
                    }
                    tables[id] = table;
                    at += 1 + 64 * (bytes + 1);
                }
                kept.add(new int[] {i, next - i});
            } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                int components = length >= 8 ? b[data + 5] & 0xFF : 0;
                if (sof >= 0 || length != 8 + 3 * components) {
                    return null;
                }
                sof = marker;
                precision = b[data] & 0xFF;
                ids = new int[components];
                sampling = new int[2 * components];
                tableOf = new int[components];
                for (int c = 0; c < components; c++) {
                    ids[c] = b[data + 6 + 3 * c] & 0xFF;
                    sampling[2 * c] = (b[data + 7 + 3 * c] & 0xFF) >> 4;
                    sampling[2 * c + 1] = b[data + 7 + 3 * c] & 0x0F;
                    tableOf[c] = b[data + 8 + 3 * c] & 0x0F;
                }
                kept.add(new int[] {i, next - i});
            } else if (marker < 0xE0 && marker != COM) {
                kept.add(new int[] {i, next - i}); // DHT, DRI and the like
            }
        }
        return null;
    }

    /**
     * Three 8-bit components in YCbCr, as every decoder reads them: an Adobe marker saying YCbCr, or no Adobe
     * marker and JFIF or component ids 1, 2, 3. An Adobe marker saying otherwise (RGB, YCCK) is refused even
     * beside a JFIF one, as decoders disagree on those.
     */
    public boolean ycbcr() {
        return precision == 8
                && ids.length == 3
                && (adobeTransform == 1 || adobeTransform == -1 && (jfif || Arrays.equals(ids, new int[] {1, 2, 3})));
    }
}
