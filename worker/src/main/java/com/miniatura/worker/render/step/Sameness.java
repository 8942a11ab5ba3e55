package com.miniatura.worker.render.step;

import com.miniatura.common.catalog.AutoQuality;
import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.Filter;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.geometry.Geometry;
import com.miniatura.worker.render.geometry.Turn;
import java.util.List;

/**
 * Everything that decides a variant's bytes once its plan is made: all of the spec but its name and box. Two
 * variants that come to the same (an 800 and a 1600 px "inside" of a 640 px source, both at q85) are twins.
 */
public record Sameness(
        Turn turn,
        Geometry.Plan plan,
        int background,
        List<Filter> filters,
        OutputFormat format,
        int quality,
        AutoQuality autoQuality,
        boolean progressive,
        ChromaSubsampling chroma,
        boolean lossless,
        boolean keepCopyright) {

    public Sameness(VariantSpec spec, Turn turn, Geometry.Plan plan) {
        this(
                turn,
                plan,
                spec.background(),
                spec.filters(),
                spec.format(),
                spec.quality(),
                spec.autoQuality(),
                spec.progressive(),
                spec.chromaSubsampling(),
                spec.lossless(),
                spec.keepCopyright());
    }
}
