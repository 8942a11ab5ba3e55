package com.miniatura.common.catalog;

import com.miniatura.common.catalog.VariantValues.Choice;
import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.Problems;
import com.miniatura.common.event.EventContract;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 *     d800: { width: 800, height: 800, formats: [jpeg, webp] }   # twins: d800.jpg and d800.webp
 *     p640: { width: 640, height: 640, formats: [jpeg, avif] }   # the AVIF twin at the quality that looks like the JPEG's
 *     z1600: { enabled: false }        # switch a default variant off
 * }</pre>
 * Variants are ordered by name so that the order, and thus every output, is stable whatever the
 * property source order.
 */
public final class VariantCatalog {
    public static final String PREFIX = "miniatura.variants";
    public static final String DEFAULTS_PREFIX = "miniatura.variant-defaults";
    public static final int MAX_DIMENSION = 16_384;
    /**
     * The largest box side of an AVIF variant: libaom's encode has no way to stop early and allocates outside the heap,
     * so its size bounds its time and native memory.
     */
    public static final int AVIF_MAX_DIMENSION = 2_048;

    static final Pattern NAME = EventContract.VARIANT_NAME;
    private static final Pattern LIST_ITEM = Pattern.compile("filters\\[(\\d+)](?:\\.(.+))?");
    private static final Pattern FORMAT_ITEM = Pattern.compile("formats\\[(\\d+)]");
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
            "formats",
            "quality",
            "ssim-target",
            "min-quality",
            "max-quality",
            "progressive",
            "chroma-subsampling",
            "lossless",
            "keep-copyright");
    /** The keys that tune {@code quality: auto}, refused on a variant whose quality is fixed. */
    static final List<String> AUTO_KEYS = List.of("ssim-target", "min-quality", "max-quality");
    /** The keys that hold a list, whose items are bare names or maps. */
    static final Set<String> LIST_KEYS = Set.of("filters", "formats");

    private static final Set<String> DEFAULTABLE = Set.of(
            "fit",
            "gravity",
            "format",
            "quality",
            "ssim-target",
            "min-quality",
            "max-quality",
            "upscale",
            "background",
            "progressive",
            "chroma-subsampling",
            "lossless",
            "keep-copyright");

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
            specs.addAll(parseVariant(entry.getKey(), entry.getValue(), effectiveDefaults, problems));
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
        if (AUTO_KEYS.stream().anyMatch(valid::containsKey)) {
            new VariantValues(PREFIX, Map.of(), valid, problems).auto();
        }
        return valid;
    }

    /**
     * Each default's value, checked whether or not a variant uses it: a bad one is a mistake even while every
     * variant sets the key itself. Reported as a variant that used it would report it, so once.
     */
    private static void checkDefaultValues(Map<String, String> defaults, Problems problems) {
        VariantValues values = new VariantValues(PREFIX, Map.of(), defaults, problems);
        for (String key : defaults.keySet()) {
            switch (key) {
                case "fit" -> values.choice(key, Choice.FIT);
                case "gravity" -> values.choice(key, Choice.GRAVITY);
                case "format" -> values.choice(key, Choice.FORMAT);
                case "chroma-subsampling" -> values.choice(key, Choice.CHROMA);
                case "quality" -> {
                    if (!values.autoQuality()) {
                        values.quality();
                    }
                }
                case "ssim-target", "min-quality", "max-quality" -> {} // checked once, below
                case "background" -> values.background();
                default -> values.flag(key); // the flags
            }
        }
    }

    /** The variant's spec, one per format it lists ({@code formats: [jpeg, webp]}: twins); none after a problem. */
    private static List<VariantSpec> parseVariant(
            String name, Map<String, String> props, Map<String, String> defaults, Problems problems) {
        String key = PREFIX + "." + name;
        if (!NAME.matcher(name).matches()) {
            problems.expected(key, "a name of lower-case letters, digits and dashes (at most 32)", Problems.show(name));
            return List.of();
        }
        int before = problems.messages().size();
        Map<Integer, Map<String, String>> filterItems = new TreeMap<>();
        Map<Integer, String> formatItems = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(props).entrySet()) {
            Matcher item = LIST_ITEM.matcher(e.getKey());
            Matcher formatItem = FORMAT_ITEM.matcher(e.getKey());
            if (formatItem.matches()) {
                formatItems.put(Integer.parseInt(formatItem.group(1)), e.getValue());
            } else if (item.matches()) {
                filterItems
                        .computeIfAbsent(Integer.parseInt(item.group(1)), i -> new TreeMap<>())
                        .put(item.group(2) == null ? "" : item.group(2), e.getValue());
            } else if (!KEYS.contains(e.getKey())) {
                problems.add(key + "." + e.getKey(), "unknown key (expected one of " + String.join(", ", KEYS) + ")");
            }
        }
        VariantValues values = new VariantValues(key, props, defaults, problems);
        if (!values.ownFlag("enabled", true)) {
            return List.of();
        }
        Integer width = values.dimension("width");
        Integer height = values.dimension("height");
        Fit fit = values.choice("fit", Choice.FIT);
        Gravity gravity = values.choiceOr("gravity", Gravity.CENTER, Choice.GRAVITY);
        int rotate = values.rotation();
        boolean flip = values.ownFlag("flip", false);
        boolean flop = values.ownFlag("flop", false);
        boolean upscale = values.flag("upscale");
        int background = values.background();
        List<Filter> filters = new ArrayList<>();
        filterItems.forEach((index, item) -> FilterConfig.parse(key + ".filters[" + index + "]", item, problems)
                .ifPresent(filters::add));
        List<OutputFormat> formats = formats(key, props, formatItems, problems);
        OutputFormat format = formats.isEmpty() ? values.choice("format", Choice.FORMAT) : formats.get(0);
        if (formats.isEmpty() && format != null) {
            formats = List.of(format);
        }
        String formatsShown = formats.size() == 1
                ? "format is " + format.configName()
                : "formats are "
                        + formats.stream().map(OutputFormat::configName).collect(Collectors.joining(", "));
        AutoQuality auto = values.autoQuality() ? values.auto() : null;
        int quality = values.autoQuality() ? (auto == null ? 0 : auto.max()) : values.quality();
        boolean progressive = values.flag("progressive");
        ChromaSubsampling chroma = values.choiceOr("chroma-subsampling", ChromaSubsampling.S420, Choice.CHROMA);
        boolean lossless = values.flag("lossless");
        boolean keepCopyright = values.flag("keep-copyright");

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
                if (!formats.contains(OutputFormat.JPEG) && props.containsKey(option)) {
                    problems.add(
                            key + "." + option, "only applies to format jpeg (this variant's " + formatsShown + ")");
                }
            }
            if (!formats.contains(OutputFormat.WEBP) && props.containsKey("lossless")) {
                problems.add(key + ".lossless", "only applies to format webp (this variant's " + formatsShown + ")");
            }
            if (formats.contains(OutputFormat.AVIF)) {
                // an AV1 encode cannot be interrupted once started: its size is what bounds its time
                for (String side : List.of("width", "height")) {
                    Integer value = side.equals("width") ? width : height;
                    if (value == null && props.get(side) == null && (width != null || height != null)) {
                        // one side left free follows the source's aspect: a panorama would make it any size
                        problems.expected(
                                key + "." + side, "a value because format avif needs a bounded box", "not set");
                    } else if (value != null && value > AVIF_MAX_DIMENSION) {
                        problems.expected(
                                key + "." + side,
                                "at most " + AVIF_MAX_DIMENSION + " for format avif",
                                Integer.toString(value));
                    }
                }
            }
        }
        if (!values.autoQuality()) {
            for (String option : AUTO_KEYS) {
                if (props.containsKey(option)) {
                    problems.add(
                            key + "." + option,
                            "only applies to quality auto (this variant's quality is " + values.value("quality", "80")
                                    + ")");
                }
            }
        } else if (format != null && !formats.contains(OutputFormat.JPEG)) {
            // a WebP twin follows the quality its JPEG chose; alone, a WebP has no search of its own
            problems.add(
                    values.sourceKey("quality"),
                    "auto only applies to format jpeg (this variant's " + formatsShown + ")");
        }
        if (problems.messages().size() > before) {
            return List.of();
        }
        List<VariantSpec> specs = new ArrayList<>();
        for (OutputFormat f : formats) {
            specs.add(new VariantSpec(
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
                    f,
                    f == OutputFormat.AVIF && formats.size() > 1 && auto == null
                            ? AvifQuality.ofJpeg(
                                    quality, Math.max(width == null ? 0 : width, height == null ? 0 : height))
                            : quality,
                    f == OutputFormat.JPEG && progressive,
                    f == OutputFormat.JPEG ? chroma : ChromaSubsampling.S420,
                    f == OutputFormat.WEBP && lossless,
                    keepCopyright,
                    auto));
        }
        return specs;
    }

    /**
     * The variant's own {@code formats} list, in order; empty when it sets none (then {@code format} decides). Refused:
     * together with {@code format}, an unknown format, one listed twice.
     */
    private static List<OutputFormat> formats(
            String key, Map<String, String> props, Map<Integer, String> items, Problems problems) {
        if (items.isEmpty()) {
            return List.of();
        }
        if (props.containsKey("format")) {
            problems.add(key + ".formats", "set format or formats, not both");
            return List.of();
        }
        List<OutputFormat> formats = new ArrayList<>();
        items.forEach((index, value) -> {
            Optional<OutputFormat> parsed = OutputFormat.parse(value.trim());
            if (parsed.isEmpty()) {
                problems.expected(
                        key + ".formats[" + index + "]", "one of " + Choice.FORMAT.names(), Problems.show(value));
            } else if (formats.contains(parsed.get())) {
                problems.add(key + ".formats[" + index + "]", parsed.get().configName() + " is listed twice");
            } else {
                formats.add(parsed.get());
            }
        });
        return formats.size() == items.size() ? formats : List.of();
    }

    @Override
    public String toString() {
        return variants.stream().map(VariantSpec::name).collect(Collectors.joining(", ", "VariantCatalog[", "]"));
    }
}
