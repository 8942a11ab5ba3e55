package com.miniatura.worker.render.step;

import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderResult;
import com.miniatura.worker.render.RenderResult.Step;
import com.miniatura.worker.render.RenderedVariant;
import com.miniatura.worker.render.codec.Decode;
import java.util.List;

/**
 * The render, as data: the steps run once per image, then the steps run for each variant (largest first, so a
 * small variant is resampled from a larger one), then the steps run once more per image. Each step is named by
 * the {@link Step} that metrics, timings and docs/rendering.md use; none modifies its input image.
 *
 * <p>{@link Step#ANALYSIS}, the small copy that content-aware crops and the BlurHash read, is not in a list: it is
 * made once, when first asked (by a content-aware {@code plan}, else by {@code blurhash}), from the smallest whole
 * copy of the source made by then.
 */
public final class Pipeline {

    /** Once per image, before any variant. */
    public static final List<ImageStep> BEFORE = List.of(
            new ImageStep(Step.DECODE, ImageSteps::decode),
            new ImageStep(Step.COLOUR, ImageSteps::colour),
            new ImageStep(Step.SHRINK, ImageSteps::shrink));

    /** Per variant; once a step has decided the variant's bytes ({@code passthrough}, {@code twin}), the rest pass. */
    public static final List<VariantStep> EACH = List.of(
            new VariantStep(Step.PLAN, VariantSteps::plan),
            new VariantStep(Step.PASSTHROUGH, VariantSteps::passthrough),
            new VariantStep(Step.TWIN, VariantSteps::twin),
            new VariantStep(Step.RESIZE, VariantSteps::resize),
            new VariantStep(Step.FINISH, VariantSteps::finish),
            new VariantStep(Step.ENCODE, VariantSteps::encode));

    /** Once per image, after every variant. */
    public static final List<ImageStep> AFTER = List.of(new ImageStep(Step.BLURHASH, ImageSteps::blurhash));

    private Pipeline() {}

    /** Runs every step on {@code image}, charging each step's time to its name; checks the deadline per variant. */
    public static RenderResult run(ImageContext image) throws RenderException, Decode.NativeFailure {
        StepClock clock = image.clock();
        for (ImageStep step : BEFORE) {
            image = step.body().apply(image);
            clock.charge(step.name());
        }
        RenderedVariant[] rendered = new RenderedVariant[image.variants().size()];
        for (int i : image.largestFirst()) {
            VariantContext variant = VariantContext.of(image.variants().get(i));
            for (VariantStep step : EACH) {
                if (variant.result() == null) {
                    variant = step.body().apply(image, variant);
                }
                clock.charge(step.name());
            }
            rendered[i] = variant.result();
            image = image.after(variant);
            image.deadline().check("rendering " + variant.spec().name());
        }
        for (ImageStep step : AFTER) {
            image = step.body().apply(image);
            clock.charge(step.name());
        }
        return new RenderResult(image.info(), List.of(rendered), image.blurhash(), clock.steps());
    }

    /** A once-per-image step: returns a new context, never changes the one it is given. */
    public record ImageStep(Step name, Body body) {

        interface Body {
            ImageContext apply(ImageContext image) throws RenderException, Decode.NativeFailure;
        }
    }

    /** A per-variant step over the image's context: returns a new variant context. */
    public record VariantStep(Step name, Body body) {

        interface Body {
            VariantContext apply(ImageContext image, VariantContext variant);
        }
    }
}
