package com.miniatura.worker.render.codec;

import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.SourceMetadata;
import com.miniatura.worker.render.geometry.Geometry;
import com.miniatura.worker.render.geometry.Turn;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
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
public final class Passthrough {

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int DQT = 0xDB;
    private static final int SOF0 = 0xC0;
    private static final int APP0 = 0xE0;

    /** What our encoder writes at a quality: its JFIF APP0 segment and its two quantization tables. */
    private record Reference(byte[] app0, int[] luma, int[] chroma) {}

    private static final Map<Integer, Reference> REFERENCES = new ConcurrentHashMap<>();

    private Passthrough() {}

    /**
     * The variant's bytes taken from {@code source}, when the conditions in the class comment hold.
     *
     * @param copyright the cleaned copyright text to write, or null
     */
    public static Optional<byte[]> jpeg(
            byte[] source,
            String format,
            SourceMetadata metadata,
            VariantSpec spec,
            Turn turn,
            Geometry.Plan plan,
            int storedW,
            int storedH,
            String copyright) {
        return jpeg(source, new Container(source), format, metadata, spec, turn, plan, storedW, storedH, copyright);
    }

    /** As above, reading the source's JPEG header from {@code container} (parsed once per image). */
    public static Optional<byte[]> jpeg(
            byte[] source,
            Container container,
            String format,
            SourceMetadata metadata,
            VariantSpec spec,
            Turn turn,
            Geometry.Plan plan,
            int storedW,
            int storedH,
            String copyright) {
        if (!format.equals("jpeg")
                || spec.format() != OutputFormat.JPEG
                || spec.progressive()
                || !spec.filters().isEmpty()
                || turn.code() != 1
                || metadata.orientation() != 1
                || plan.resamples()
                || plan.pads()
                || plan.cropX() != 0
                || plan.cropY() != 0
                || plan.cropW() != storedW
                || plan.cropH() != storedH) {
            return Optional.empty();
        }
        JpegHeader header = container.jpeg();
        if (header == null
                || header.sof() != SOF0
                || !header.ycbcr()
                || !header.icc().isEmpty()) {
            return Optional.empty(); // not baseline, not YCbCr, or colours defined by a profile
        }
        Reference reference = reference(Math.max(1, Math.min(100, spec.quality())));
        int end = entropyEnd(source, header.scanStart() + 2);
        if (end < 0 || !fits(header, spec.chromaSubsampling(), reference)) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(source.length);
        out.write(0xFF);
        out.write(SOI);
        out.writeBytes(reference.app0());
        if (copyright != null) {
            byte[] app1 = ExifWriter.jpegApp1(copyright);
            out.writeBytes(
                    new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) ((app1.length + 2) >> 8), (byte) (app1.length + 2)});
            out.writeBytes(app1);
        }
        for (int[] segment : header.kept()) {
            out.write(source, segment[0], segment[1]);
        }
        out.write(source, header.scanStart(), end - header.scanStart());
        return Optional.of(out.toByteArray());
    }

    /**
     * Where the file ends: just past the EOI after the scan's entropy-coded data, which may hold stuffed bytes
     * and restart markers only; -1 for anything else (another scan, a marker segment, no EOI).
     */
    private static int entropyEnd(byte[] b, int from) {
        int end = JpegSegments.entropyEnd(b, from);
        return end < b.length && (b[end + 1] & 0xFF) == EOI ? end + 2 : -1;
    }

    /** The variant's chroma sampling exactly, and every table at least as coarse as ours, entry by entry. */
    private static boolean fits(JpegHeader header, ChromaSubsampling chroma, Reference reference) {
        int[] wanted = {chroma.horizontal(), chroma.vertical(), 1, 1, 1, 1};
        if (!Arrays.equals(header.sampling(), wanted)) {
            return false;
        }
        for (int c = 0; c < 3; c++) {
            int[] table = header.tables()[header.tableOf()[c]];
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

    /** Made once per quality, by encoding an 8 × 8 image with the variant encoder itself. */
    private static Reference reference(int quality) {
        return REFERENCES.computeIfAbsent(quality, q -> {
            VariantSpec spec = new VariantSpec(
                    "passthrough-reference", 8, 8, Fit.INSIDE, OutputFormat.JPEG, q, false, 0xFFFFFF, List.of());
            byte[] encoded = Encode.apply(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR), spec, null);
            byte[] app0 = null;
            int[][] tables = new int[4][];
            JpegSegments walk = JpegSegments.from(encoded, 2);
            while (walk.next() == JpegSegments.Step.SEGMENT && walk.marker() != SOS) {
                if (walk.marker() == APP0) {
                    app0 = Arrays.copyOfRange(encoded, walk.offset(), walk.end());
                } else if (walk.marker() == DQT) {
                    for (int at = walk.payload(); at < walk.end(); at += 65) {
                        int[] table = new int[64];
                        for (int k = 0; k < 64; k++) {
                            table[k] = encoded[at + 1 + k] & 0xFF;
                        }
                        tables[encoded[at] & 0x0F] = table;
                    }
                }
            }
            return new Reference(app0, tables[0], tables[1]);
        });
    }
}
