package com.miniatura.worker.render;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything one {@link Renderer#render} call produced.
 *
 * @param source   what was learned about the source
 * @param variants one output per requested variant, in the requested order
 * @param blurhash a BlurHash of the upright source, the placeholder pages paint before a thumbnail loads
 * @param steps    where the time went, by step (for the worker's {@code miniatura.render.step} metric)
 */
public record RenderResult(
        SourceInfo source, List<RenderedVariant> variants, String blurhash, Map<Step, Duration> steps) {

    public RenderResult {
        variants = List.copyOf(variants);
        steps = Map.copyOf(steps);
    }

    /** The steps of a render, by the names {@code step.Pipeline} lists them under, in its order; timed one by one. */
    public enum Step {
        DECODE,
        COLOUR,
        SHRINK,
        PLAN,
        PASSTHROUGH,
        TWIN,
        RESIZE,
        FINISH,
        ENCODE,
        ANALYSIS,
        BLURHASH
    }
}
