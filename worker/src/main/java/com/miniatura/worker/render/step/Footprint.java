package com.miniatura.worker.render.step;

import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.MemoryBudget;
import com.miniatura.worker.render.TurboJpeg;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.Opened;
import com.miniatura.worker.render.filter.ToSrgb;
import com.miniatura.worker.render.geometry.Geometry;
import com.miniatura.worker.render.geometry.Turn;
import java.util.List;

/**
 * The heap a render holds at its peak, estimated from the header before any pixel is decoded: the memory model
 * that {@link MemoryBudget} admits renders by. Every term is an array the render allocates, sized from the
 * decoded image ({@code P} pixels at the decode scale, {@code b} bytes per pixel as the decoder stores them):
 * <pre>
 *   source      the encoded file, held for the whole render
 *   decoded     P × b                       the decoder's image
 *   decoder     P × transient               what the decoder allocates beside it ({@link Decode#transientPerPixel})
 *   converted   P × 3 (opaque) or 4 (alpha) the sRGB working copy, unless the decoder's image already is one
 *   base        converted / k²              the box-shrunk copy the cascade starts from (k = the box factor)
 *   outputs     Σ whole-frame variants × 3  the cascade's smaller copies, kept until the render ends
 *   work        the largest variant's copies while it is finished and encoded ({@link #work})
 * </pre>
 * The phases overlap only where the code holds both: the decoded image until the converted copy exists, the
 * converted copy until the base exists, then base, outputs and work. The peak is the largest phase, plus the
 * source and a fixed allowance. {@code MemoryModelTest} renders every kind of source in a JVM whose old
 * generation has only this much room, so an estimate that is too low fails it.
 *
 * @param source  bytes of the encoded source
 * @param decode  bytes held while decoding (decoded image and the decoder's own buffers)
 * @param convert bytes held while converting to the sRGB working copy
 * @param shrink  bytes held while box-shrinking that copy
 * @param render  bytes held while rendering the variants
 */
public record Footprint(long source, long decode, long convert, long shrink, long render) {

    /** Fixed per render: readers, writers, tables, the analysis copy, the BlurHash's input. */
    public static final long FIXED = 2L << 20;
    /**
     * Room on top of the largest phase for what the terms leave out (a decoder's and Java 2D's smaller buffers, the
     * objects of a half-finished step): with it, no kind of source measured needs more than 0.95 of its estimate.
     */
    public static final double SLACK = 1.1;

    /** The peak: the largest phase with its slack, plus the source held throughout. */
    public long total() {
        return source + (long) (SLACK * Math.max(Math.max(decode, convert), Math.max(shrink, render))) + FIXED;
    }

    /**
     * The estimate for decoding {@code opened} at {@code 1/denominator}, box-shrinking the opaque working copy by
     * {@code box}, and rendering {@code variants} from it (the stored image turned by {@code orientation}).
     */
    public static Footprint of(
            Opened opened, long sourceBytes, int denominator, int box, Turn orientation, List<VariantSpec> variants) {
        Decode.Layout layout = opened.layout();
        int storedW = opened.width();
        int storedH = opened.height();
        long pixels = (long) TurboJpeg.scaled(storedW, denominator) * TurboJpeg.scaled(storedH, denominator);
        long decoded = (long) Math.ceil(pixels * layout.bytesPerPixel());
        long decode = decoded + (long) Math.ceil(pixels * layout.transientPerPixel());
        long outputs = 0;
        long work = 0;
        for (VariantSpec spec : variants) {
            Turn turn = orientation.then(Turn.of(spec.rotate(), spec.flip(), spec.flop()));
            int turnedW = turn.turnedWidth(storedW, storedH);
            int turnedH = turn.turnedHeight(storedW, storedH);
            Geometry.Plan plan = Geometry.plan(turnedW, turnedH, spec);
            if (!layout.alpha() && plan.cropW() == turnedW && plan.cropH() == turnedH) {
                outputs += 3L * plan.scaledW() * plan.scaledH(); // a whole-frame result the cascade keeps as a level
            }
            work = Math.max(work, work(spec, turn, plan, layout.alpha()));
        }
        // the colour conversion goes a strip of rows at a time, and Java 2D may copy a strip to packed ints on the way
        long strip = 4L * ToSrgb.STRIP * TurboJpeg.scaled(storedW, denominator);
        if (layout.alpha()) {
            // converted to packed ARGB at full size; each variant scaled from it by Thumbnailator, whose progressive
            // halving starts from a copy of up to the whole source region, then a quarter of that, a sixteenth...
            long argb = 4 * pixels;
            return new Footprint(sourceBytes, decode, decoded + argb + strip, 0, argb + argb * 3 / 2 + work);
        }
        long converted = layout.plainBgr() ? 0 : 3 * pixels + strip;
        long full = layout.plainBgr() ? decoded : 3 * pixels;
        long base = box > 1 ? full / ((long) box * box) : full;
        // a crop variant's own box shrink reads at most a quarter of the base (it is taken only when it halves)
        return new Footprint(
                sourceBytes, decode, decoded + converted, box > 1 ? full + base : 0, base + base / 4 + outputs + work);
    }

    /**
     * What one variant holds beyond the levels, at most: its resampled pixels, and a copy per step that changes
     * them (turn, padding, filters, flattening alpha, the encoder's BGR or ARGB input), then the encoder's buffers,
     * and with {@code quality: auto} what the search holds besides.
     */
    public static long work(VariantSpec spec, Turn turn, Geometry.Plan plan, boolean alpha) {
        long scaled = (long) plan.scaledW() * plan.scaledH();
        long canvas = (long) plan.canvasW() * plan.canvasH();
        long bytes = (alpha ? 4 : 3) * scaled;
        if (turn.code() != 1) {
            bytes += (alpha ? 4 : 3) * scaled;
        }
        if (plan.pads()) {
            bytes += 4 * canvas;
        }
        if (!spec.filters().isEmpty()) {
            bytes += 4 * canvas;
        }
        if (alpha && !spec.format().supportsAlpha()) {
            bytes += 4 * canvas;
        }
        bytes += switch (spec.format()) {
            case JPEG -> 3 * canvas + 2 * canvas; // a BGR copy unless it is one already; output buffers
            case PNG -> 4 * canvas + 4 * canvas;
            case WEBP -> 8 * canvas + 2 * canvas; // webp-imageio copies the pixels to ARGB ints for libwebp
            case AVIF -> 3 * canvas + canvas; // a BGR copy and the output; libavif's own buffers are native memory
        };
        if (spec.autoQuality() != null && spec.format() == OutputFormat.AVIF) {
            // an AVIF twin's search: the reference luma, a trial decoded to BGR and its luma, the best trial kept
            bytes += canvas + 3 * canvas + canvas + canvas;
        } else if (spec.autoQuality() != null) {
            // the search: the reference luma, a trial decoded to its planes, and the best passing trial kept while
            // the next is encoded
            bytes += canvas + 3 * canvas / 2 + 2 * canvas;
        }
        return bytes;
    }
}
