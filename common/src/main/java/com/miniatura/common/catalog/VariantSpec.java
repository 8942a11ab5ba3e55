package com.miniatura.common.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One named output of the catalog: a box, how the source fits it, how it is turned, filtered and encoded.
 *
 * <p>{@code width} or {@code height} may be {@code null} (unbounded) for {@link Fit#INSIDE} only:
 * {@code c480} is "480 wide, whatever height keeps the aspect ratio". Instances are validated by
 * {@link VariantCatalog#parse}; the constructor only guards against programming errors.
 *
 * @param name              lower-case name, also the file name in storage ({@code s150} → {@code s150.jpg})
 * @param width             box width in pixels, or {@code null} when only the height bounds the variant
 * @param height            box height in pixels, or {@code null} when only the width bounds the variant
 * @param fit               how the source is fitted into the box
 * @param gravity           which part a {@link Fit#COVER} crop keeps
 * @param rotate            clockwise rotation after EXIF orientation: 0, 90, 180 or 270; the box applies to
 *                          the rotated image
 * @param flip              mirror top to bottom (after rotating)
 * @param flop              mirror left to right (after rotating)
 * @param upscale           whether a source smaller than the box is enlarged (default false)
 * @param background        padding and alpha-flattening colour as 0xRRGGBB
 * @param filters           filters applied in order after resizing
 * @param format            output encoding
 * @param quality           encoder quality 1..100 (JPEG, lossy WebP); ignored by lossless output but hashed; with
 *                          {@code autoQuality}, its upper bound
 * @param progressive       JPEG only: progressive scans (paints coarse-to-fine on slow links)
 * @param chromaSubsampling JPEG only: colour resolution
 * @param lossless          WebP only: lossless instead of lossy
 * @param keepCopyright     write the source's EXIF copyright (and nothing else) into the output
 * @param autoQuality       {@code quality: auto}: the quality is searched per image for this SSIM target within
 *                          these bounds, or {@code null} for the fixed {@code quality}
 */
public record VariantSpec(
        String name,
        Integer width,
        Integer height,
        Fit fit,
        Gravity gravity,
        int rotate,
        boolean flip,
        boolean flop,
        boolean upscale,
        int background,
        List<Filter> filters,
        OutputFormat format,
        int quality,
        boolean progressive,
        ChromaSubsampling chromaSubsampling,
        boolean lossless,
        boolean keepCopyright,
        AutoQuality autoQuality) {

    /**
     * Bumped whenever the renderer's output for an unchanged spec changes, so that a re-render
     * can tell stale variants from current ones through the spec hash.
     */
    public static final int RENDERER_REVISION = 3;

    public VariantSpec {
        if (width == null && height == null) {
            throw new IllegalArgumentException("variant " + name + " needs a width or a height");
        }
        if (rotate % 90 != 0 || rotate < 0 || rotate >= 360) {
            throw new IllegalArgumentException("variant " + name + ": rotate must be 0, 90, 180 or 270");
        }
        filters = List.copyOf(filters);
        if (autoQuality != null && quality != autoQuality.max()) {
            throw new IllegalArgumentException("variant " + name + ": an auto quality's upper bound is its quality");
        }
    }

    /** A variant at a fixed quality. */
    public VariantSpec(
            String name,
            Integer width,
            Integer height,
            Fit fit,
            Gravity gravity,
            int rotate,
            boolean flip,
            boolean flop,
            boolean upscale,
            int background,
            List<Filter> filters,
            OutputFormat format,
            int quality,
            boolean progressive,
            ChromaSubsampling chromaSubsampling,
            boolean lossless,
            boolean keepCopyright) {
        this(
                name,
                width,
                height,
                fit,
                gravity,
                rotate,
                flip,
                flop,
                upscale,
                background,
                filters,
                format,
                quality,
                progressive,
                chromaSubsampling,
                lossless,
                keepCopyright,
                null);
    }

    /** A plain variant: centre gravity, no turning, baseline 4:2:0 JPEG options, no metadata. */
    public VariantSpec(
            String name,
            Integer width,
            Integer height,
            Fit fit,
            OutputFormat format,
            int quality,
            boolean upscale,
            int background,
            List<Filter> filters) {
        this(
                name,
                width,
                height,
                fit,
                Gravity.CENTER,
                0,
                false,
                false,
                upscale,
                background,
                filters,
                format,
                quality,
                false,
                ChromaSubsampling.S420,
                false,
                false);
    }

    public VariantSpec withGravity(Gravity value) {
        return new VariantSpec(
                name,
                width,
                height,
                fit,
                value,
                rotate,
                flip,
                flop,
                upscale,
                background,
                filters,
                format,
                quality,
                progressive,
                chromaSubsampling,
                lossless,
                keepCopyright,
                autoQuality);
    }

    /** The same variant turned: {@code rotate} degrees clockwise, then mirrored as asked. */
    public VariantSpec withTurn(int rotateDegrees, boolean flipValue, boolean flopValue) {
        return new VariantSpec(
                name,
                width,
                height,
                fit,
                gravity,
                rotateDegrees,
                flipValue,
                flopValue,
                upscale,
                background,
                filters,
                format,
                quality,
                progressive,
                chromaSubsampling,
                lossless,
                keepCopyright,
                autoQuality);
    }

    public VariantSpec withFilters(List<Filter> value) {
        return new VariantSpec(
                name,
                width,
                height,
                fit,
                gravity,
                rotate,
                flip,
                flop,
                upscale,
                background,
                value,
                format,
                quality,
                progressive,
                chromaSubsampling,
                lossless,
                keepCopyright,
                autoQuality);
    }

    /** The same variant with other encoding options, at a fixed quality. */
    public VariantSpec withEncoding(
            OutputFormat formatValue,
            int qualityValue,
            boolean progressiveValue,
            ChromaSubsampling chromaValue,
            boolean losslessValue) {
        return new VariantSpec(
                name,
                width,
                height,
                fit,
                gravity,
                rotate,
                flip,
                flop,
                upscale,
                background,
                filters,
                formatValue,
                qualityValue,
                progressiveValue,
                chromaValue,
                losslessValue,
                keepCopyright,
                null);
    }

    /** The same variant with its quality searched per image ({@link AutoQuality}), or fixed again for {@code null}. */
    public VariantSpec withAutoQuality(AutoQuality value) {
        return new VariantSpec(
                name,
                width,
                height,
                fit,
                gravity,
                rotate,
                flip,
                flop,
                upscale,
                background,
                filters,
                format,
                value == null ? quality : value.max(),
                progressive,
                chromaSubsampling,
                lossless,
                keepCopyright,
                value);
    }

    public VariantSpec withKeepCopyright(boolean value) {
        return new VariantSpec(
                name,
                width,
                height,
                fit,
                gravity,
                rotate,
                flip,
                flop,
                upscale,
                background,
                filters,
                format,
                quality,
                progressive,
                chromaSubsampling,
                lossless,
                value,
                autoQuality);
    }

    /** Stable one-line description of everything that affects the rendered bytes. */
    public String canonical() {
        return "r" + RENDERER_REVISION
                + ";w=" + (width == null ? "-" : width)
                + ";h=" + (height == null ? "-" : height)
                + ";fit=" + fit.configName()
                + ";gravity=" + gravity.configName()
                + ";rotate=" + rotate
                + ";flip=" + flip
                + ";flop=" + flop
                + ";upscale=" + upscale
                + ";bg=" + String.format("%06x", background)
                + ";filters=" + filters.stream().map(Filter::canonical).collect(Collectors.joining(","))
                + ";format=" + format.configName()
                + ";q=" + (autoQuality == null ? Integer.toString(quality) : autoQuality.canonical())
                + ";progressive=" + progressive
                + ";chroma=" + chromaSubsampling.configName()
                + ";lossless=" + lossless
                + ";copyright=" + keepCopyright;
    }

    /** First 16 hex digits of the SHA-256 of {@link #canonical()}: recorded per variant in the manifest. */
    public String specHash() {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
