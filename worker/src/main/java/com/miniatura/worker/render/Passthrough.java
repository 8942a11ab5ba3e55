package com.miniatura.worker.render;

import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A JPEG variant that would be the source's own pixels, re-encoded at no finer a quality than the source
 * already has, is the source's own compressed data instead, with its metadata stripped.
 *
 * <p>Why: a catalog image already at or under a variant's size (the 1600 px variant of a 1024 px listing
 * photo) gains nothing from decoding and re-encoding: it only loses a generation of JPEG quality, grows the
 * file (a q82 source re-encoded at q85 is bigger, not better), and costs an encode. So when nothing about the
 * pixels changes, the variant is: SOI, the same JFIF header the encoder writes, the copyright APP1 if the
 * variant keeps one, then the source's tables, frame and entropy-coded scan, unchanged. Every other APPn and
 * COM segment (EXIF with GPS, XMP, maker notes, thumbnails) is dropped, as for any variant.
 *
 * <p>Only when all of this holds, else the variant is encoded as usual:
 * <ul>
 *   <li>the variant is a JPEG without filters, turn or padding, and its plan neither crops nor resamples;</li>
 *   <li>the source is an 8-bit baseline JPEG of one YCbCr scan series (JFIF, Adobe transform 1, or component
 *       ids 1-2-3), with no ICC profile and no EXIF rotation, complete up to its EOI;</li>
 *   <li>its chroma sampling is exactly the variant's, and each of its quantization tables is at least as
 *       coarse, entry by entry, as the one the encoder writes at the variant's quality (so the source holds
 *       no more detail than the variant is meant to, and the file is no larger than the encode would be by
 *       more than the Huffman tables).</li>
 * </ul>
 */
final class Passthrough {

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int DQT = 0xDB;
    private static final int SOF0 = 0xC0;
    private static final int APP0 = 0xE0;
    private static final int APP2 = 0xE2;
    private static final int APP14 = 0xEE;
    private static final int COM = 0xFE;

    /** What our encoder writes at a quality: its JFIF APP0 segment and its two quantization tables. */
    private record Reference(byte[] app0, int[] luma, int[] chroma) {
    }

    private static final Map<Integer, Reference> REFERENCES = new ConcurrentHashMap<>();

    private Passthrough() {
    }

    /**
     * The variant's bytes taken from {@code source}, when the conditions in the class comment hold.
     *
     * @param copyright the cleaned copyright text to write, or null
     */
    static Optional<byte[]> jpeg(byte[] source, String format, SourceMetadata metadata, VariantSpec spec, Turn turn,
            Geometry.Plan plan, int storedW, int storedH, String copyright) {
        if (!format.equals("jpeg") || spec.format() != OutputFormat.JPEG || spec.progressive() || !spec.filters().isEmpty()
                || turn.code() != 1 || metadata.orientation() != 1 || plan.resamples() || plan.pads()
                || plan.cropX() != 0 || plan.cropY() != 0 || plan.cropW() != storedW || plan.cropH() != storedH) {
            return Optional.empty();
        }
        Frame frame = Frame.parse(source);
        Reference reference = reference(Math.max(1, Math.min(100, spec.quality())));
        if (frame == null || !frame.fits(spec.chromaSubsampling(), reference)) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(source.length);
        out.write(0xFF);
        out.write(SOI);
        out.writeBytes(reference.app0());
        if (copyright != null) {
            byte[] app1 = ExifWriter.jpegApp1(copyright);
            out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) ((app1.length + 2) >> 8), (byte) (app1.length + 2)});
            out.writeBytes(app1);
        }
        for (int[] segment : frame.kept()) {
            out.write(source, segment[0], segment[1]);
        }
        out.write(source, frame.scanStart(), frame.end() - frame.scanStart());
        return Optional.of(out.toByteArray());
    }

    /** The structure of a source JPEG, as far as the passthrough needs it; null when it is not one to pass. */
    private record Frame(int[][] kept, int scanStart, int end, int[] sampling, int[] tableOf, int[][] tables) {

        static Frame parse(byte[] b) {
            if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != SOI) {
                return null;
            }
            java.util.List<int[]> kept = new java.util.ArrayList<>();
            int[][] tables = new int[4][];
            int[] sampling = null;
            int[] tableOf = null;
            boolean jfif = false;
            int adobeTransform = -1;
            int[] ids = null;
            int i = 2;
            while (i + 4 <= b.length) {
                if ((b[i] & 0xFF) != 0xFF) {
                    return null;
                }
                int marker = b[i + 1] & 0xFF;
                if (marker == 0xFF) { // fill byte
                    i++;
                    continue;
                }
                int length = (b[i + 2] & 0xFF) << 8 | b[i + 3] & 0xFF;
                int data = i + 4;
                int next = i + 2 + length;
                if (length < 2 || next > b.length) {
                    return null;
                }
                if (marker == SOS) {
                    // YCbCr by its JFIF marker, an Adobe marker saying so, or the component ids; any Adobe marker
                    // saying otherwise (RGB, YCCK) is refused even beside a JFIF one, as decoders disagree on those
                    boolean ycbcr = adobeTransform == 1 || adobeTransform == -1 && (jfif || Arrays.equals(ids, new int[] {1, 2, 3}));
                    if (sampling == null || !ycbcr) {
                        return null;
                    }
                    int end = entropyEnd(b, next);
                    return end < 0 ? null : new Frame(kept.toArray(new int[0][]), i, end, sampling, tableOf, tables);
                }
                if (marker == APP0 && length >= 7 && b[data] == 'J' && b[data + 1] == 'F' && b[data + 2] == 'I'
                        && b[data + 3] == 'F' && b[data + 4] == 0) {
                    jfif = true;
                } else if (marker == APP2 && length >= 14 && new String(b, data, 11, java.nio.charset.StandardCharsets.US_ASCII).equals("ICC_PROFILE")) {
                    return null; // colours defined by a profile: the variant is converted to sRGB, so it differs
                } else if (marker == APP14 && length >= 14 && b[data] == 'A' && b[data + 1] == 'd' && b[data + 2] == 'o'
                        && b[data + 3] == 'b' && b[data + 4] == 'e') {
                    adobeTransform = b[data + 11] & 0xFF;
                } else if (marker == DQT) {
                    for (int at = data; at < next; ) {
                        int precision = (b[at] & 0xFF) >> 4;
                        int id = b[at] & 0x0F;
                        if (id > 3 || precision > 1 || at + 1 + 64 * (precision + 1) > next) {
                            return null;
                        }
                        int[] table = new int[64];
                        for (int k = 0; k < 64; k++) {
                            table[k] = precision == 0 ? b[at + 1 + k] & 0xFF : (b[at + 1 + 2 * k] & 0xFF) << 8 | b[at + 2 + 2 * k] & 0xFF;
                        }
                        tables[id] = table;
                        at += 1 + 64 * (precision + 1);
                    }
                    kept.add(new int[] {i, next - i});
                } else if (marker == SOF0) {
                    if (length != 17 || b[data] != 8 || b[data + 5] != 3) { // 8-bit, three components
                        return null;
                    }
                    sampling = new int[6];
                    tableOf = new int[3];
                    ids = new int[3];
                    for (int c = 0; c < 3; c++) {
                        ids[c] = b[data + 6 + 3 * c] & 0xFF;
                        sampling[2 * c] = (b[data + 7 + 3 * c] & 0xFF) >> 4;
                        sampling[2 * c + 1] = b[data + 7 + 3 * c] & 0x0F;
                        tableOf[c] = b[data + 8 + 3 * c] & 0x0F;
                    }
                    kept.add(new int[] {i, next - i});
                } else if (marker >= 0xC1 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                    return null; // progressive, lossless, arithmetic, 12-bit: not what a baseline variant is
                } else if (marker < 0xE0 && marker != COM) {
                    kept.add(new int[] {i, next - i}); // DHT, DRI and the like
                }
                i = next;
            }
            return null;
        }

        /**
         * Where the file ends: just past the EOI after the scan's entropy-coded data, which may hold stuffed
         * bytes and restart markers only; -1 for anything else (another scan, a marker segment, no EOI).
         */
        private static int entropyEnd(byte[] b, int from) {
            for (int i = from; i + 1 < b.length; i++) {
                if ((b[i] & 0xFF) != 0xFF) {
                    continue;
                }
                int next = b[i + 1] & 0xFF;
                if (next == 0 || next >= 0xD0 && next <= 0xD7 || next == 0xFF) {
                    continue;
                }
                return next == EOI ? i + 2 : -1;
            }
            return -1;
        }

        boolean fits(ChromaSubsampling chroma, Reference reference) {
            int[] wanted = {chroma.horizontal(), chroma.vertical(), 1, 1, 1, 1};
            if (!Arrays.equals(sampling, wanted)) {
                return false;
            }
            for (int c = 0; c < 3; c++) {
                int[] table = tables[tableOf[c]];
                int[] ours = c == 0 ? reference.luma() : reference.chroma();
                if (table == null) {
                    return false;
                }
                for (int k = 0; k < 64; k++) {
                    if (table[k] < ours[k]) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** Made once per quality, by encoding an 8 × 8 image with the variant encoder itself. */
    private static Reference reference(int quality) {
        return REFERENCES.computeIfAbsent(quality, q -> {
            VariantSpec spec = new VariantSpec("passthrough-reference", 8, 8, com.miniatura.common.catalog.Fit.INSIDE,
                    OutputFormat.JPEG, q, false, 0xFFFFFF, java.util.List.of());
            byte[] encoded = Encode.apply(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR), spec, null);
            byte[] app0 = null;
            int[][] tables = new int[4][];
            for (int i = 2; i + 4 <= encoded.length; ) {
                int marker = encoded[i + 1] & 0xFF;
                int length = (encoded[i + 2] & 0xFF) << 8 | encoded[i + 3] & 0xFF;
                if (marker == APP0) {
                    app0 = Arrays.copyOfRange(encoded, i, i + 2 + length);
                } else if (marker == DQT) {
                    for (int at = i + 4; at < i + 2 + length; at += 65) {
                        int[] table = new int[64];
                        for (int k = 0; k < 64; k++) {
                            table[k] = encoded[at + 1 + k] & 0xFF;
                        }
                        tables[encoded[at] & 0x0F] = table;
                    }
                } else if (marker == SOS) {
                    break;
                }
                i += 2 + length;
            }
            return new Reference(app0, tables[0], tables[1]);
        });
    }
}
