package com.miniatura.worker.render;

import java.util.List;

/**
 * Everything one {@link Renderer#render} call produced.
 *
 * @param source   what was learned about the source
 * @param variants one output per requested variant, in the requested order
 */
public record RenderResult(SourceInfo source, List<RenderedVariant> variants) {

    public RenderResult {
        variants = List.copyOf(variants);
    }
}
