package com.miniatura.common.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One named output of the catalog: a box, how the source fits it, and how it is encoded.
 *
 * <p>{@code width} or {@code height} may be {@code null} (unbounded) for {@link Fit#INSIDE} only:
 * {@code c480} is "480 wide, whatever height keeps the aspect ratio". Instances are validated by
 * {@link VariantCatalog#parse}; the constructor only guards against programming errors.
 *
 * @param name       lower-case name, also the file name in storage ({@code s150} → {@code s150.jpg})
 * @param width      box width in pixels, or {@code null} when only the height bounds the variant
 * @param height     box height in pixels, or {@code null} when only the width bounds the variant
 * @param fit        how the source is fitted into the box
 * @param format     output encoding
 * @param quality    encoder quality 1..100 (JPEG); ignored by lossless formats but part of the hash
 * @param upscale    whether a source smaller than the box is enlarged (default false)
 * @param background padding and alpha-flattening colour as 0xRRGGBB
 * @param filters    filters applied in order after resizing
 */
public record VariantSpec(
        String name,
        Integer width,
        Integer height,
        Fit fit,
        OutputFormat format,
        int quality,
        boolean upscale,
        int background,
        List<Filter> filters) {

    /**
     * Bumped whenever the renderer's output for an unchanged spec changes, so that a re-render
     * can tell stale variants from current ones through the spec hash.
     */
    public static final int RENDERER_REVISION = 1;

    public VariantSpec {
        if (width == null && height == null) {
            throw new IllegalArgumentException("variant " + name + " needs a width or a height");
        }
        filters = List.copyOf(filters);
    }

    /** Stable one-line description of everything that affects the rendered bytes. */
    public String canonical() {
        return "r" + RENDERER_REVISION
                + ";w=" + (width == null ? "-" : width)
                + ";h=" + (height == null ? "-" : height)
                + ";fit=" + fit.configName()
                + ";format=" + format.configName()
                + ";q=" + quality
                + ";upscale=" + upscale
                + ";bg=" + String.format("%06x", background)
                + ";filters=" + filters.stream().map(Filter::canonical).collect(Collectors.joining(","));
    }

    /** First 16 hex digits of the SHA-256 of {@link #canonical()}: recorded per variant in the manifest. */
    public String specHash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
