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

    /**
     * The named steps of a render, timed: decode; colour (conversion to sRGB); resize (box shrink, resampling,
     * crops); finish (turn, pad, filters, flatten); encode (including passed-through sources); analysis (the copy for
     * content-aware crops and the BlurHash).
     */
    public enum Step { DECODE, COLOUR, RESIZE, FINISH, ENCODE, ANALYSIS }

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
