package com.miniatura.worker.render.step;

import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.codec.BlurHash;
import com.miniatura.worker.render.codec.Decode;
import com.miniatura.worker.render.codec.NativeJpeg;
import com.miniatura.worker.render.codec.Opened;
import com.miniatura.worker.render.filter.ToSrgb;
import com.miniatura.worker.render.geometry.ContentCrop;
import com.miniatura.worker.render.resample.AlphaResample;
import com.miniatura.worker.render.resample.AreaAverage;
import com.miniatura.worker.render.resample.Cascade;
import com.miniatura.worker.render.resample.OpaqueResample;
import com.miniatura.worker.render.resample.PlanarCascade;
import com.miniatura.worker.render.resample.Planes;
import com.miniatura.worker.render.resample.ScaledCopies;
import java.awt.image.BufferedImage;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The once-per-image steps of the {@link Pipeline}, each named there. */
public final class ImageSteps {
    private static final Logger log = LoggerFactory.getLogger(ImageSteps.class);

    private ImageSteps() {}

    /**
     * {@code decode}: the first frame at the plan's scale, under the render deadline; a YCbCr JPEG that libjpeg-turbo
     * decodes, as its planes ({@link NativeJpeg#readPlanes}) when the renderer resamples planes. A JPEG libjpeg-turbo warned
     * about is judged by ImageIO instead (which sees every warning, not only the first) when its full-size decode
     * fits the memory budget.
     */
    public static ImageContext decode(ImageContext c) throws RenderException, Decode.NativeFailure {
        Opened opened = c.opened();
        // content-aware crops are judged on the analysis copy, and near-ties between crops flip on small changes
        // in its pixels: a catalog with one keeps the BGR path its placements were reviewed on
        NativeJpeg planar = c.services().planar()
                        && opened instanceof NativeJpeg n
                        && n.planar()
                        && c.variants().stream().noneMatch(v -> v.gravity().contentAware())
                ? n
                : null;
        Planes planes = planar != null ? planar.readPlanes(c.plan().denominator(), c.deadline()) : null;
        BufferedImage image = planar != null ? null : opened.read(c.plan().denominator(), c.deadline());
        if (opened instanceof NativeJpeg jpeg && jpeg.warning() != null) {
            DecodePlan full;
            try (Opened imageIo = Decode.open(c.source(), c.services().limits(), Optional.empty())) {
                full = DecodePlan.of(imageIo, c.source(), c.variants());
            }
            if (c.services().budget().fits(full.footprint().total())) {
                throw new Decode.NativeFailure(
                        new RenderException(RenderException.Reason.CORRUPT, "corrupt image: " + jpeg.warning()));
            }
            log.warn(
                    "Rendering a JPEG that libjpeg-turbo warned about ({}): too large to check again with ImageIO",
                    jpeg.warning());
        }
        opened.close(); // a reader may keep a reference to the image it returned
        return planar != null
                ? c.withPlanes(planes)
                : c.withImage(image, image.getColorModel().hasAlpha());
    }

    /**
     * {@code colour}: the image converted to sRGB once, at the decoded size, so resampling mixes colours in the
     * output colour space (unless the decoder already gave sRGB bytes, the usual JPEG). The image stays in its
     * stored orientation: each variant turns only its own small result.
     */
    public static ImageContext colour(ImageContext c) throws RenderException {
        if (c.planes() != null) {
            return c; // a JPEG's YCbCr without a profile: sRGB already
        }
        BufferedImage srgb = c.alpha() ? ToSrgb.apply(c.image(), c.deadline()) : ToSrgb.bgr(c.image(), c.deadline());
        c.deadline().check("converting colours");
        return c.withImage(srgb, c.alpha());
    }

    /**
     * {@code shrink}: the rest of the reduction every variant allows, by the plan's whole box factor, so everything
     * after works on a quarter of the pixels or fewer; the result starts the {@link Cascade} (planes: each box-shrunk,
     * the {@link PlanarCascade}). A source with alpha is
     * not shrunk: its variants are scaled from it by {@link AlphaResample#cropAndScale}, which does not bleed the colour
     * of transparent pixels.
     */
    public static ImageContext shrink(ImageContext c) {
        ScaledCopies copies;
        if (c.planes() != null) {
            DecodePlan plan = c.plan();
            copies = new PlanarCascade(
                    c.planes(),
                    plan.box(),
                    1.0 / (plan.denominator() * plan.box()),
                    c.storedW(),
                    c.storedH(),
                    c.deadline());
        } else if (c.alpha()) {
            copies = AlphaResample.from(c.image());
        } else {
            DecodePlan plan = c.plan();
            BufferedImage base = plan.box() == 1 ? c.image() : OpaqueResample.box(c.image(), plan.box(), c.deadline());
            copies = new Cascade(base, 1.0 / (plan.denominator() * plan.box()), c.storedW(), c.storedH(), c.deadline());
        }
        AnalysisCopy analysis = new AnalysisCopy(copies, c.deadline(), c.clock());
        return c.withCopies(copies, analysis, new ContentCrop(analysis));
    }

    /** {@code blurhash}: of the upright analysis copy, the placeholder pages paint before a thumbnail loads. */
    public static ImageContext blurhash(ImageContext c) {
        return c.withBlurhash(
                BlurHash.of(c.orientation().apply(AreaAverage.toFit(c.analysis().get(), BlurHash.INPUT_SIDE))));
    }
}
