package com.miniatura.common.catalog;

import com.miniatura.common.config.Problems;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One variant's raw settings as {@link VariantCatalog} reads them: its own keys under {@code key}, else the
 * {@code miniatura.variant-defaults}, each bad value added to {@code problems} under the key it came from.
 */
record VariantValues(String key, Map<String, String> props, Map<String, String> defaults, Problems problems) {
    private static final Pattern COLOUR = Pattern.compile("#?([0-9a-fA-F]{6})");
    private static final List<Integer> ROTATIONS = List.of(0, 90, 180, 270);
    static final String AUTO = "auto";
    // what an auto quality searches when neither the variant nor miniatura.variant-defaults says (defaults.yml does)
    static final String DEFAULT_SSIM_TARGET = "0.965";
    static final String DEFAULT_MIN_QUALITY = "50";
    static final String DEFAULT_MAX_QUALITY = "90";

    /** The values of one of the catalog's enumerations, how each is read and how it is named in configuration. */
    record Choice<E>(Function<String, Optional<E>> parser, E[] values, Function<E, String> show) {
        static final Choice<Fit> FIT = new Choice<>(Fit::parse, Fit.values(), Fit::configName);
        static final Choice<Gravity> GRAVITY = new Choice<>(Gravity::parse, Gravity.values(), Gravity::configName);
        static final Choice<OutputFormat> FORMAT =
                new Choice<>(OutputFormat::parse, OutputFormat.values(), OutputFormat::configName);
        static final Choice<ChromaSubsampling> CHROMA =
                new Choice<>(ChromaSubsampling::parse, ChromaSubsampling.values(), ChromaSubsampling::configName);

        String names() {
            return Arrays.stream(values).map(show).collect(Collectors.joining(", "));
        }
    }

    /** The key a value came from: the variant's own, or the defaults' when only they set it. */
    String sourceKey(String field) {
        return !props.containsKey(field) && defaults.containsKey(field)
                ? VariantCatalog.DEFAULTS_PREFIX + "." + field
                : key + "." + field;
    }

    /** The variant's own value, else the default's, trimmed; {@code fallback} when neither is set. */
    String value(String field, String fallback) {
        String value = props.get(field);
        if (value == null) {
            value = defaults.get(field);
        }
        return value == null ? fallback : value.trim();
    }

    /** A flag that may have a default; unset means false. */
    boolean flag(String field) {
        return bool(sourceKey(field), value(field, "false"), problems);
    }

    /** A choice that must be set (by the variant or the defaults); {@code null} after a problem. */
    <E> E choice(String field, Choice<E> choice) {
        String source = sourceKey(field);
        String value = value(field, null);
        if (value == null) {
            problems.expected(source, "one of " + choice.names(), "not set");
            return null;
        }
        Optional<E> parsed = choice.parser().apply(value);
        if (parsed.isEmpty()) {
            problems.expected(source, "one of " + choice.names(), Problems.show(value));
        }
        return parsed.orElse(null);
    }

    /** As {@link #choice}, but an unset key means {@code fallback} rather than a problem. */
    <E> E choiceOr(String field, E fallback, Choice<E> choice) {
        if (value(field, null) == null) {
            return fallback;
        }
        E parsed = choice(field, choice);
        return parsed == null ? fallback : parsed;
    }

    /** Whether the variant (or the defaults) asks for {@code quality: auto}. */
    boolean autoQuality() {
        return value("quality", "").equals(AUTO);
    }

    /** A fixed {@code quality}: 0 after a problem. */
    int quality() {
        String value = value("quality", "80");
        Integer n = parseInt(value);
        if (n == null || n < 1 || n > 100) {
            problems.expected(
                    sourceKey("quality"), "1..100 or " + AUTO, n == null ? Problems.show(value) : n.toString());
            return 0;
        }
        return n;
    }

    /** The search {@code quality: auto} asks for, from its own keys or the defaults; {@code null} after a problem. */
    AutoQuality auto() {
        // validity is tracked here, not by counting problems: a bad default already reported is not added twice
        String target = value("ssim-target", DEFAULT_SSIM_TARGET);
        double ssim = parseDouble(target);
        boolean valid = ssim > 0.5 && ssim < 1;
        if (!valid) {
            problems.expected(sourceKey("ssim-target"), "a number above 0.5 and below 1", Problems.show(target));
        }
        Integer min = bound("min-quality", DEFAULT_MIN_QUALITY);
        Integer max = bound("max-quality", DEFAULT_MAX_QUALITY);
        if (min == null || max == null) {
            return null;
        }
        if (min > max) {
            // named by a bound that was set: the one a built-in default would otherwise be blamed for
            if (value("min-quality", null) != null) {
                problems.expected(sourceKey("min-quality"), "at most max-quality (" + max + ")", min.toString());
            } else {
                problems.expected(sourceKey("max-quality"), "at least min-quality (" + min + ")", max.toString());
            }
            return null;
        }
        return valid ? new AutoQuality(ssim, min, max) : null;
    }

    /** A quality bound 1..100; {@code null} after a problem. */
    private Integer bound(String field, String fallback) {
        String value = value(field, fallback);
        Integer n = parseInt(value);
        if (n == null || n < 1 || n > 100) {
            problems.expected(sourceKey(field), "1..100", n == null ? Problems.show(value) : n.toString());
            return null;
        }
        return n;
    }

    static double parseDouble(String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    int background() {
        String value = value("background", "#ffffff");
        Matcher m = COLOUR.matcher(value);
        if (!m.matches()) {
            problems.expected(sourceKey("background"), "a colour as #rrggbb", Problems.show(value));
            return 0xFFFFFF;
        }
        return Integer.parseInt(m.group(1), 16);
    }

    /** The variant's own {@code width} or {@code height}; {@code null} when unset or bad. */
    Integer dimension(String field) {
        String value = props.get(field);
        if (value == null) {
            return null;
        }
        Integer n = parseInt(value);
        if (n == null || n < 1 || n > VariantCatalog.MAX_DIMENSION) {
            problems.expected(
                    key + "." + field,
                    "a whole number of pixels 1.." + VariantCatalog.MAX_DIMENSION,
                    n == null ? Problems.show(value) : n.toString());
            return null;
        }
        return n;
    }

    /** The variant's own {@code rotate}: 0 when unset. */
    int rotation() {
        String value = props.get("rotate");
        if (value == null) {
            return 0;
        }
        Integer n = parseInt(value);
        if (n == null || !ROTATIONS.contains(n)) {
            problems.expected(
                    key + ".rotate",
                    "one of 0, 90, 180, 270 (degrees clockwise)",
                    n == null ? Problems.show(value) : n.toString());
            return 0;
        }
        return n;
    }

    /** The variant's own flag without a default ({@code enabled}, {@code flip}, {@code flop}). */
    boolean ownFlag(String field, boolean fallback) {
        return bool(key + "." + field, props.getOrDefault(field, Boolean.toString(fallback)), problems);
    }

    static boolean bool(String key, String value, Problems problems) {
        String v = value.trim();
        if (v.equals("true")) {
            return true;
        }
        if (!v.equals("false")) {
            problems.expected(key, "true or false", Problems.show(value));
        }
        return false;
    }

    static Integer parseInt(String value) {
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
