package com.miniatura.worker.render.step;

import com.miniatura.worker.render.RenderResult.Step;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** Accumulates the time of each step of one render (one thread). */
public final class StepClock {
    private final long[] nanos = new long[Step.values().length];
    private long mark = System.nanoTime();

    /** Charges the time since the last call to {@code step}. */
    public void charge(Step step) {
        long now = System.nanoTime();
        nanos[step.ordinal()] += now - mark;
        mark = now;
    }

    public Map<Step, Duration> steps() {
        Map<Step, Duration> steps = new EnumMap<>(Step.class);
        for (Step step : Step.values()) {
            steps.put(step, Duration.ofNanos(nanos[step.ordinal()]));
        }
        return steps;
    }
}
