package com.miniatura.common.catalog;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.Problems;
import com.miniatura.common.event.EventContract;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The ordered, validated set of variants every image is rendered into.
 *
 * <p>Built from configuration under {@code miniatura.variants.<name>.*}, with per-variant defaults from
 * {@code miniatura.variant-defaults.*}:
 * <pre>{@code
 * miniatura:
 *   variants:
 *     s150: { width: 150, height: 150, fit: cover, gravity: attention, quality: 80 }
 *     c480: { width: 480, fit: inside, quality: 82 }
 *     g150: { width: 150, height: 150, fit: cover, filters: [grayscale] }
 *     w640: { width: 640, format: webp, quality: 75, filters: [ { type: sharpen, sigma: 0.8 } ] }
 *     z1600: { enabled: false }        # switch a default variant off
 * }</pre>
 * Variants are ordered by name so that the order, and thus every output, is stable whatever the
 * property source order.
 */
public final class VariantCatalog {
    public static final String PREFIX = "miniatura.variants";
    public static final String DEFAULTS_PREFIX = "miniatura.variant-defaults";
    public static final int MAX_DIMENSION = 16_384;

    static final Pattern NAME = EventContract.VARIANT_NAME;
    private static final Pattern LIST_ITEM = Pattern.compile("filters\\[(\\d+)](?:\\.(.+))?");
    private static final Pattern COLOUR = Pattern.compile("#?([0-9a-fA-F]{6})");
    static final List<String> KEYS = List.of(
            "enabled",
            "width",
            "height",
            "fit",
            "gravity",
            "rotate",
            "flip",
            "flop",
            "upscale",
            "background",
            "filters",
            "format",
            "quality",
            "progressive",
            "chroma-subsampling",
            "lossless",
            "keep-copyright");
    /** The keys that hold a list, whose items are bare names or maps. */
    static final Set<String> LIST_KEYS = Set.of("filters");

    private static final Set<String> DEFAULTABLE = Set.of(
            "fit",
            "gravity",
            "format",
            "quality",
            "upscale",
            "background",
            "progressive",
            "chroma-subsampling",
            "lossless",
            "keep-copyright");
    private static final List<Integer> ROTATIONS = List.of(0, 90, 180, 270);

    private final List<VariantSpec> variants;

    private VariantCatalog(List<VariantSpec> variants) {
        this.variants = List.copyOf(variants);
    }

    /** For tests and tools: a catalog of already-built specs, in the given order. */
    public static VariantCatalog of(Collection<VariantSpec> variants) {
        return new VariantCatalog(new ArrayList<>(variants));
    }

    public List<VariantSpec> variants() {
        return variants;
    }

    public Optional<VariantSpec> find(String name) {
        return variants.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /**
     * Reads {@code miniatura.variants.*} and {@code miniatura.variant-defaults.*} from Spring's configuration and
     * builds the catalog, adding problems to {@code problems}; {@code null} if there were any.
     */
    public static VariantCatalog read(ConfigurationReader reader, Problems problems) {
        Set<String> scalars = new LinkedHashSet<>(KEYS);
        scalars.removeAll(LIST_KEYS);
        return parse(
                reader.readGroups(PREFIX, scalars, LIST_KEYS, problems),
                reader.read(DEFAULTS_PREFIX, DEFAULTABLE, Set.of(), problems),
                problems);
    }

    /**
     * Validates raw configuration and builds the catalog, reporting every problem at once.
     *
     * @param raw      variant name → (relative key such as {@code width} or {@code filters[0]} → value)
     * @param defaults relative key → value, applied where a variant leaves a key out
     * @throws com.miniatura.common.config.InvalidConfigurationException listing every problem
     */
    public static VariantCatalog parse(Map<String, Map<String, String>> raw, Map<String, String> defaults) {
        Problems problems = new Problems();
        VariantCatalog catalog = parse(raw, defaults, problems);
        problems.throwIfAny();
        return catalog;
    }

    /** As {@link #parse(Map, Map)}, adding problems to {@code problems}; {@code null} if there were any. */
    public static VariantCatalog parse(
            Map<String, Map<String, String>> raw, Map<String, String> defaults, Problems problems) {
        int before = problems.messages().size();
        Map<String, String> effectiveDefaults = validateDefaults(defaults, problems);
        List<VariantSpec> specs = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> entry : new TreeMap<>(raw).entrySet()) {
            parseVariant(entry.getKey(), entry.getValue(), effectiveDefaults, problems)
                    .ifPresent(specs::add);
        }
        if (specs.isEmpty() && problems.messages().size() == before) {
            problems.expected(PREFIX, "at least one enabled variant", "none");
        }
        return problems.messages().size() == before ? new VariantCatalog(specs) : null;
    }

    private static Map<String, String> validateDefaults(Map<String, String> defaults, Problems problems) {
        Map<String, String> valid = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(defaults).entrySet()) {
            if (DEFAULTABLE.contains(e.getKey())) {
                valid.put(e.getKey(), e.getValue());
            } else {
                problems.add(
                        DEFAULTS_PREFIX + "." + e.getKey(),
                        "unknown key (expected one of " + String.join(", ", new TreeSet<>(DEFAULTABLE)) + ")");
            }
        }
        checkDefaultValues(valid, problems);
        return valid;
    }

    /**
     * Each default's value, checked whether or not a variant uses it: a bad one is a mistake even while every
     * variant sets the key itself. Reported as a variant that used it would report it, so once.
     */
    private static void checkDefaultValues(Map<String, String> defaults, Problems problems) {
        Map<String, String> none = Map.of();
        for (String key : defaults.keySet()) {
            switch (key) {
                case "fit" ->
                    parseEnum(PREFIX, key, none, defaults, Fit::parse, Fit.values(), problems, Fit::configName);
                case "gravity" ->
                    parseEnum(
                            PREFIX,
                            key,
                            none,
                            defaults,
                            Gravity::parse,
                            Gravity.values(),
                            problems,
                            Gravity::configName);
                case "format" ->
                    parseEnum(
                            PREFIX,
                            key,
                            none,
                            defaults,
                            OutputFormat::parse,
                            OutputFormat.values(),
                            problems,
                            OutputFormat::configName);
                case "chroma-subsampling" ->
                    parseEnum(
                            PREFIX,
                            key,
                            none,
                            defaults,
                            ChromaSubsampling::parse,
                            ChromaSubsampling.values(),
                            problems,
                            ChromaSubsampling::configName);
                case "quality" -> parseQuality(PREFIX, none, defaults, problems);
                case "background" -> parseColour(PREFIX, none, defaults, problems);
                default ->
                    parseBoolean(DEFAULTS_PREFIX + "." + key, defaults.get(key).trim(), problems); // the flags
            }
        }
    }

    private static Optional<VariantSpec> parseVariant(
            String name, Map<String, String> props, Map<String, String> defaults, Problems problems) {
        String key = PREFIX + "." + name;
        if (!NAME.matcher(name).matches()) {
            problems.expected(key, "a name of lower-case letters, digits and dashes (at most 32)", Problems.show(name));
            return Optional.empty();
        }
        int before = problems.messages().size();
        Map<Integer, Map<String, String>> filterItems = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(props).entrySet()) {
            Matcher item = LIST_ITEM.matcher(e.getKey());
            if (item.matches()) {
                filterItems
                        .computeIfAbsent(Integer.parseInt(item.group(1)), i -> new TreeMap<>())
                        .put(item.group(2) == null ? "" : item.group(2), e.getValue());
            } else if (!KEYS.contains(e.getKey())) {
                problems.add(key + "." + e.getKey(), "unknown key (expected one of " + String.join(", ", KEYS) + ")");
            }
        }
        if (!parseBoolean(key + ".enabled", props.getOrDefault("enabled", "true"), problems)) {
            return Optional.empty();
        }
        Integer width = parseDimension(key + ".width", props.get("width"), problems);
        Integer height = parseDimension(key + ".height", props.get("height"), problems);
        Fit fit = parseEnum(key, "fit", props, defaults, Fit::parse, Fit.values(), problems, Fit::configName);
        Gravity gravity = parseEnumOr(
                key,
                "gravity",
                props,
                defaults,
                Gravity.CENTER,
                Gravity::parse,
                Gravity.values(),
                problems,
                Gravity::configName);
        int rotate = parseRotation(key + ".rotate", props.get("rotate"), problems);
        boolean flip = parseBoolean(key + ".flip", props.getOrDefault("flip", "false"), problems);
        boolean flop = parseBoolean(key + ".flop", props.getOrDefault("flop", "false"), problems);
        boolean upscale = parseBoolean(
                sourceKey(key, "upscale", props, defaults), valueOf("upscale", props, defaults, "false"), problems);
        int background = parseColour(key, props, defaults, problems);
        List<Filter> filters = new ArrayList<>();
        filterItems.forEach((index, item) -> FilterConfig.parse(key + ".filters[" + index + "]", item, problems)
                .ifPresent(filters::add));
        OutputFormat format = parseEnum(
                key,
                "format",
                props,
                defaults,
                OutputFormat::parse,
                OutputFormat.values(),
                problems,
                OutputFormat::configName);
        int quality = parseQuality(key, props, defaults, problems);
        boolean progressive = parseBoolean(
                sourceKey(key, "progressive", props, defaults),
                valueOf("progressive", props, defaults, "false"),
                problems);
        ChromaSubsampling chroma = parseEnumOr(
                key,
                "chroma-subsampling",
                props,
                defaults,
                ChromaSubsampling.S420,
                ChromaSubsampling::parse,
                ChromaSubsampling.values(),
                problems,
                ChromaSubsampling::configName);
        boolean lossless = parseBoolean(
                sourceKey(key, "lossless", props, defaults), valueOf("lossless", props, defaults, "false"), problems);
        boolean keepCopyright = parseBoolean(
                sourceKey(key, "keep-copyright", props, defaults),
                valueOf("keep-copyright", props, defaults, "false"),
                problems);

        if (props.get("width") == null && props.get("height") == null) {
            problems.expected(key, "a width or a height (or both)", "neither");
        } else if (fit != null && fit != Fit.INSIDE) {
            for (String side : List.of("width", "height")) {
                if (props.get(side) == null) {
                    problems.expected(
                            key + "." + side,
                            "a value because fit " + fit.configName() + " needs both width and height",
                            "not set");
                }
            }
        }
        // Options that would silently do nothing are refused, so an operator never believes a setting is
        // in force when it is not. Only the variant's own keys count: defaults apply where they can.
        if (fit != null && fit != Fit.COVER && props.containsKey("gravity")) {
            problems.add(
                    key + ".gravity", "only applies to fit cover (this variant's fit is " + fit.configName() + ")");
        }
        if (format != null) {
            for (String option : List.of("progressive", "chroma-subsampling")) {
                if (format != OutputFormat.JPEG && props.containsKey(option)) {
                    problems.add(
                            key + "." + option,
                            "only applies to format jpeg (this variant's format is " + format.configName() + ")");
                }
            }
            if (format != OutputFormat.WEBP && props.containsKey("lossless")) {
                problems.add(
                        key + ".lossless",
                        "only applies to format webp (this variant's format is " + format.configName() + ")");
            }
        }
        if (problems.messages().size() > before) {
            return Optional.empty();
        }
        return Optional.of(new VariantSpec(
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
                chroma,
                lossless,
                keepCopyright));
    }

    private static int parseRotation(String key, String value, Problems problems) {
        if (value == null) {
            return 0;
        }
        Integer n = parseInt(value);
        if (n == null || !ROTATIONS.contains(n)) {
            problems.expected(
                    key, "one of 0, 90, 180, 270 (degrees clockwise)", n == null ? Problems.show(value) : n.toString());
            return 0;
        }
        return n;
    }

    /** The key a value came from: the variant's own, or the defaults' when only they set it. */
    private static String sourceKey(String key, String field, Map<String, String> props, Map<String, String> defaults) {
        return !props.containsKey(field) && defaults.containsKey(field)
                ? DEFAULTS_PREFIX + "." + field
                : key + "." + field;
    }

    private static String valueOf(
            String field, Map<String, String> props, Map<String, String> defaults, String fallback) {
        String value = props.get(field);
        if (value == null) {
            value = defaults.get(field);
        }
        return value == null ? fallback : value.trim();
    }

    private static Integer parseDimension(String key, String value, Problems problems) {
        if (value == null) {
            return null;
        }
        Integer n = parseInt(value);
        if (n == null || n < 1 || n > MAX_DIMENSION) {
            problems.expected(
                    key,
                    "a whole number of pixels 1.." + MAX_DIMENSION,
                    n == null ? Problems.show(value) : n.toString());
            return null;
        }
        return n;
    }

    private static int parseQuality(
            String key, Map<String, String> props, Map<String, String> defaults, Problems problems) {
        String source = sourceKey(key, "quality", props, defaults);
        String value = valueOf("quality", props, defaults, "80");
        Integer n = parseInt(value);
        if (n == null || n < 1 || n > 100) {
            problems.expected(source, "1..100", n == null ? Problems.show(value) : n.toString());
            return 0;
        }
        return n;
    }

    private static int parseColour(
            String key, Map<String, String> props, Map<String, String> defaults, Problems problems) {
        String source = sourceKey(key, "background", props, defaults);
        String value = valueOf("background", props, defaults, "#ffffff");
        Matcher m = COLOUR.matcher(value);
        if (!m.matches()) {
            problems.expected(source, "a colour as #rrggbb", Problems.show(value));
            return 0xFFFFFF;
        }
        return Integer.parseInt(m.group(1), 16);
    }

    private static boolean parseBoolean(String key, String value, Problems problems) {
        String v = value.trim();
        if (v.equals("true")) {
            return true;
        }
        if (!v.equals("false")) {
            problems.expected(key, "true or false", Problems.show(value));
        }
        return false;
    }

    private static <E> E parseEnum(
            String key,
            String field,
            Map<String, String> props,
            Map<String, String> defaults,
            Function<String, Optional<E>> parser,
            E[] values,
            Problems problems,
            Function<E, String> show) {
        String source = sourceKey(key, field, props, defaults);
        String value = valueOf(field, props, defaults, null);
        if (value == null) {
            problems.expected(source, "one of " + join(values, show), "not set");
            return null;
        }
        Optional<E> parsed = parser.apply(value);
        if (parsed.isEmpty()) {
            problems.expected(source, "one of " + join(values, show), Problems.show(value));
        }
        return parsed.orElse(null);
    }

    /** As {@link #parseEnum}, but an unset key means {@code fallback} rather than a problem. */
    private static <E> E parseEnumOr(
            String key,
            String field,
            Map<String, String> props,
            Map<String, String> defaults,
            E fallback,
            Function<String, Optional<E>> parser,
            E[] values,
            Problems problems,
            Function<E, String> show) {
        if (valueOf(field, props, defaults, null) == null) {
            return fallback;
        }
        E parsed = parseEnum(key, field, props, defaults, parser, values, problems, show);
        return parsed == null ? fallback : parsed;
    }

    private static <E> String join(E[] values, Function<E, String> show) {
        return Arrays.stream(values).map(show).collect(Collectors.joining(", "));
    }

    static Integer parseInt(String value) {
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return variants.stream().map(VariantSpec::name).collect(Collectors.joining(", ", "VariantCatalog[", "]"));
    }
}
