package com.miniatura.worker.render;

import java.util.List;

/**
 * Everything one {@link Renderer#render} call produced.
 *
 * @param source   what was learned about the source
 * @param variants one output per requested variant, in the requested order
 * @param blurhash a BlurHash of the upright source, the placeholder pages paint before a thumbnail loads
 */
public record RenderResult(SourceInfo source, List<RenderedVariant> variants, String blurhash) {

    public RenderResult {
        variants = List.copyOf(variants);
    }
}
