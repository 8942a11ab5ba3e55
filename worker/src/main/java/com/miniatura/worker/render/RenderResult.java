package com.miniatura.worker.render;

import java.time.Duration;
import java.util.EnumMap;
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
public record RenderResult(SourceInfo source, List<RenderedVariant> variants, String blurhash, Map<Step, Duration> steps) {

    public RenderResult {
        variants = List.copyOf(variants);
        steps = Map.copyOf(steps);
    }

    /** The steps of a render, by the names {@link Pipeline} lists them under, in its order; timed one by one. */
    public enum Step { DECODE, COLOUR, SHRINK, PLAN, PASSTHROUGH, TWIN, RESIZE, FINISH, ENCODE, ANALYSIS, BLURHASH }

    /** Accumulates the time of each step of one render (one thread). */
    static final class Clock {
        private final long[] nanos = new long[Step.values().length];
        private long mark = System.nanoTime();

        /** Charges the time since the last call to {@code step}. */
        void charge(Step step) {
            long now = System.nanoTime();
            nanos[step.ordinal()] += now - mark;
            mark = now;
        }

        Map<Step, Duration> steps() {
            Map<Step, Duration> steps = new EnumMap<>(Step.class);
            for (Step step : Step.values()) {
                steps.put(step, Duration.ofNanos(nanos[step.ordinal()]));
            }
            return steps;
        }
    }
}
