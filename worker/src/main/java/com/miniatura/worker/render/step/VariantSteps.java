package com.miniatura.worker.render.step;

import com.miniatura.common.catalog.AutoQuality;
import com.miniatura.common.catalog.AvifQuality;
import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.Avif;
import com.miniatura.worker.render.RenderedVariant;
import com.miniatura.worker.render.codec.Encode;
import com.miniatura.worker.render.codec.ExifWriter;
import com.miniatura.worker.render.codec.Luma;
import com.miniatura.worker.render.codec.Passthrough;
import com.miniatura.worker.render.filter.Filters;
import com.miniatura.worker.render.filter.FlattenAlpha;
import com.miniatura.worker.render.geometry.ContentCrop;
import com.miniatura.worker.render.geometry.Geometry;
import com.miniatura.worker.render.geometry.Pad;
import com.miniatura.worker.render.geometry.Turn;
import com.miniatura.worker.render.quality.QualitySearch;
import com.miniatura.worker.render.quality.Ssim;
import com.miniatura.worker.render.resample.PlanarCascade;
import com.miniatura.worker.render.resample.Planes;
import com.miniatura.worker.render.resample.Planes.Plane;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** The per-variant steps of the {@link Pipeline}, each named there. */
public final class VariantSteps {

    private VariantSteps() {}

    /**
     * {@code plan}: the source's EXIF orientation and the variant's rotate/flip/flop compose into one {@link Turn};
     * the {@link Geometry} plan is made in turned coordinates, because that is the image the variant's box and
     * gravity talk about (a content-aware gravity asks the analysis copy, see {@link ContentCrop}).
     */
    public static VariantContext plan(ImageContext image, VariantContext v) {
        VariantSpec spec = v.spec();
        Turn turn = image.orientation().then(Turn.of(spec.rotate(), spec.flip(), spec.flop()));
        Geometry.Plan plan = Geometry.plan(
                turn.turnedWidth(image.storedW(), image.storedH()),
                turn.turnedHeight(image.storedW(), image.storedH()),
                spec,
                image.content().placement(turn));
        return v.withPlan(turn, plan);
    }

    /**
     * {@code passthrough}: a JPEG variant that would only re-encode the source's own pixels at no finer a quality is
     * the source's compressed data, metadata stripped ({@link Passthrough}).
     */
    public static VariantContext passthrough(ImageContext image, VariantContext v) {
        VariantSpec spec = v.spec();
        String copyright = spec.keepCopyright()
                ? ExifWriter.cleanCopyright(image.metadata().copyright())
                : null;
        Optional<byte[]> same = Passthrough.jpeg(
                image.source(),
                image.opened().container(),
                image.opened().format(),
                image.metadata(),
                spec,
                v.turn(),
                v.plan(),
                image.storedW(),
                image.storedH(),
                copyright);
        return same.map(bytes -> v.decided(
                        new RenderedVariant(spec, v.plan().canvasW(), v.plan().canvasH(), bytes)))
                .orElse(v);
    }

    /** {@code twin}: a variant that comes to the same pixels and encoding as one encoded before reuses its bytes. */
    public static VariantContext twin(ImageContext image, VariantContext v) {
        RenderedVariant twin = image.twins().get(v.sameness());
        return twin == null ? v : v.decided(twin.as(v.spec()));
    }

    /**
     * {@code resize}: the plan's crop, mapped back to stored coordinates, resampled there (to the transposed size
     * when the turn swaps the axes) from the smallest copy of the source made so far that still has enough detail.
     */
    public static VariantContext resize(ImageContext image, VariantContext v) {
        Turn turn = v.turn();
        Geometry.Plan plan = v.plan();
        Turn.Rect crop = turn.toStored(
                new Turn.Rect(plan.cropX(), plan.cropY(), plan.cropW(), plan.cropH()),
                image.storedW(),
                image.storedH());
        if (image.copies() instanceof PlanarCascade planar && encodedFromPlanes(v)) {
            int storedW = turn.transposes() ? plan.scaledH() : plan.scaledW();
            int storedH = turn.transposes() ? plan.scaledW() : plan.scaledH();
            // an axis the turn runs backwards, of odd size: chroma anchored so the turned grid starts at 0
            int anchorX = turn.mirrorsStoredX() && storedW % 2 == 1 ? 1 : 0;
            int anchorY = turn.mirrorsStoredY() && storedH % 2 == 1 ? 1 : 0;
            Planes planes = planar.scalePlanes(crop, storedW, storedH, 2, 2, anchorX, anchorY)
                    .turn(turn);
            return v.withPlanes(v.spec().filters().isEmpty() ? planes : planes.grey());
        }
        BufferedImage scaled = turn.transposes()
                ? image.copies().scale(crop, plan.scaledH(), plan.scaledW())
                : image.copies().scale(crop, plan.scaledW(), plan.scaledH());
        return v.withImage(scaled);
    }

    /**
     * Whether the variant's resized pixels go straight to the JPEG encoder as 4:2:0 planes (turned as planes when
     * the source's orientation or the variant asks): a JPEG at 4:2:0 that is not padded, and not filtered but for
     * {@code grayscale}, whose Rec. 601 luma is the planes' own (so
     * it only drops the chroma). Every other variant is resized to BGR for the steps after.
     */
    static boolean encodedFromPlanes(VariantContext v) {
        VariantSpec spec = v.spec();
        Geometry.Plan plan = v.plan();
        return spec.format() == OutputFormat.JPEG
                && spec.chromaSubsampling() == ChromaSubsampling.S420
                && (spec.filters().isEmpty() || spec.filters().equals(List.of(new Filter.Grayscale())))
                && plan.canvasW() == plan.scaledW()
                && plan.canvasH() == plan.scaledH();
    }

    /**
     * {@code finish}, on output-sized pixels: turn ({@link Turn#apply}; moving pixels is exact, so turning after scaling
     * gives the same picture as turning first); pad ({@link Pad#apply}, in turned coordinates); filters
     * ({@link Filters}, on the final canvas, on the real alpha); flatten ({@link FlattenAlpha}, formats without
     * alpha, last, so neither the resampler nor a filter sees the background colour bleed in).
     */
    public static VariantContext finish(ImageContext image, VariantContext v) {
        if (v.planes() != null) {
            return v; // nothing to turn, pad, filter or flatten
        }
        VariantSpec spec = v.spec();
        BufferedImage turned = v.turn().apply(v.image());
        BufferedImage padded = Pad.apply(turned, v.plan(), spec.background());
        BufferedImage filtered =
                Filters.apply(padded, spec.filters(), image.services().watermarks(), image.deadline());
        return v.withImage(spec.format().supportsAlpha() ? filtered : FlattenAlpha.apply(filtered, spec.background()));
    }

    /**
     * {@code encode}: with the source's copyright only for a variant that keeps it ({@link Encode}); a variant of
     * {@code quality: auto} is encoded at the quality {@link QualitySearch} finds for it, seeded with what the image's
     * variants encoded before it chose.
     */
    public static VariantContext encode(ImageContext image, VariantContext v) {
        VariantSpec spec = v.spec();
        String copyright = spec.keepCopyright() ? image.metadata().copyright() : null;
        int width = v.planes() != null ? v.planes().width() : v.image().getWidth();
        int height = v.planes() != null ? v.planes().height() : v.image().getHeight();
        if (spec.autoQuality() != null && spec.format() == OutputFormat.JPEG) {
            QualitySearch.Choice choice = searched(image, v, copyright);
            return v.encoded(new RenderedVariant(spec, width, height, choice.bytes(), choice.quality(), choice.ssim()));
        }
        if (spec.autoQuality() != null && spec.format() == OutputFormat.AVIF) {
            int side = Math.max(width, height);
            QualitySearch.Choice choice = avifSearched(image, v, copyright, side);
            return v.encoded(new RenderedVariant(
                    spec, width, height, choice.bytes(), AvifQuality.ofJpeg(choice.quality(), side), choice.ssim()));
        }
        if (spec.autoQuality() != null) {
            // a twin in another format (formats: [jpeg, webp]) takes the quality its JPEG chose
            int quality = twinQuality(image, spec);
            byte[] bytes = encodedAt(image, v, at(spec, quality, false), copyright);
            return v.encoded(new RenderedVariant(spec, width, height, bytes, quality, null));
        }
        return v.encoded(new RenderedVariant(spec, width, height, encodedAt(image, v, spec, copyright)));
    }

    private static byte[] encodedAt(ImageContext image, VariantContext v, VariantSpec spec, String copyright) {
        if (v.planes() != null) {
            return Encode.planes(
                    v.planes(),
                    spec,
                    copyright,
                    image.deadline(),
                    image.services().turbo().orElseThrow());
        }
        return Encode.apply(
                v.image(), spec, copyright, image.deadline(), image.services().turbo());
    }

    /**
     * The search's choice. Trials are baseline, whatever the variant asks: progressive scans code the same coefficients
     * (so the same pixels and score) in two to three times the time, so a progressive variant is encoded so once more,
     * at the quality chosen.
     */
    private static QualitySearch.Choice searched(ImageContext image, VariantContext v, String copyright) {
        VariantSpec spec = v.spec();
        AutoQuality auto = spec.autoQuality();
        Plane reference = v.planes() != null ? v.planes().luma() : Luma.of(v.image());
        QualitySearch.Trial<IOException> trial = new QualitySearch.Trial<>() {
            @Override
            public byte[] encode(int quality) {
                return encodedAt(image, v, at(spec, quality, false), copyright);
            }

            @Override
            public double score(byte[] encoded) throws IOException {
                image.deadline().poll("choosing the quality");
                return Ssim.estimate(Luma.decoded(encoded, image.services().turbo()), reference);
            }
        };
        QualitySearch.Choice choice;
        try {
            choice = QualitySearch.search(auto, trial, seed(image, auto));
        } catch (IOException e) {
            // our own encode did not decode: a defect, not the image's fault
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (!spec.progressive()) {
            return choice;
        }
        byte[] progressive = encodedAt(image, v, at(spec, choice.quality(), true), copyright);
        return new QualitySearch.Choice(progressive, choice.quality(), choice.ssim(), choice.trials() + 1);
    }

    /**
     * An AVIF twin's choice: the same search and target as its JPEG's, on the JPEG's quality scale mapped to AVIF's
     * ({@link AvifQuality}) and seeded with the JPEG's choice, so its first trial usually lands close; at most
     * {@value #AVIF_TRIALS} trials (and the upper bound's, should none pass), since each AV1 encode costs several
     * JPEG searches. The choice's quality is on the JPEG scale.
     */
    private static QualitySearch.Choice avifSearched(ImageContext image, VariantContext v, String copyright, int side) {
        VariantSpec spec = v.spec();
        Avif codec = Avif.load().orElseThrow(() -> new IllegalStateException(Avif.absence()));
        Plane reference = Luma.of(v.image());
        long pixels = (long) v.image().getWidth() * v.image().getHeight();
        QualitySearch.Trial<Avif.Failure> trial = new QualitySearch.Trial<>() {
            @Override
            public byte[] encode(int quality) {
                return encodedAt(image, v, at(spec, AvifQuality.ofJpeg(quality, side), false), copyright);
            }

            @Override
            public double score(byte[] encoded) throws Avif.Failure {
                image.deadline().poll("choosing the quality");
                Avif.Decoded decoded = codec.decode(encoded, pixels);
                return Ssim.estimate(Luma.ofBgr(decoded.bgr(), decoded.width(), decoded.height()), reference);
            }
        };
        try {
            return QualitySearch.search(spec.autoQuality(), trial, twinQuality(image, spec), AVIF_TRIALS);
        } catch (Avif.Failure e) {
            // our own encode did not decode: a defect, not the image's fault
            throw new IllegalStateException("cannot decode an AVIF we encoded: " + e.getMessage(), e);
        }
    }

    /** Trial encodes of an AVIF twin's search, before the upper bound's. */
    static final int AVIF_TRIALS = 2;

    /** The variant at a fixed {@code quality}, baseline or progressive. */
    private static VariantSpec at(VariantSpec spec, int quality, boolean progressive) {
        return spec.withEncoding(spec.format(), quality, progressive, spec.chromaSubsampling(), spec.lossless());
    }

    /** The quality the variant's JPEG twin chose for this image; the search's seed if it was not encoded first. */
    static int twinQuality(ImageContext image, VariantSpec spec) {
        return image.twins().values().stream()
                .filter(r -> r.spec().name().equals(spec.name())
                        && r.spec().format() == OutputFormat.JPEG
                        && r.quality() != null)
                .mapToInt(RenderedVariant::quality)
                .findFirst()
                .orElse(seed(image, spec.autoQuality()));
    }

    /** Where the search starts: the mean of what the image's auto variants chose so far, else mid-bounds. */
    static int seed(ImageContext image, AutoQuality auto) {
        return (int) Math.round(image.twins().values().stream()
                .filter(r -> r.quality() != null
                        && r.spec().format() == OutputFormat.JPEG
                        && auto.equals(r.spec().autoQuality()))
                .mapToInt(RenderedVariant::quality)
                .average()
                .orElse((auto.min() + auto.max()) / 2.0));
    }
}
