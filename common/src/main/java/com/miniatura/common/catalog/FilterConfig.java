package com.miniatura.common.catalog;

import com.miniatura.common.config.Problems;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Parses one {@code filters[i]} item: a bare name ({@code grayscale}) or a map with a {@code type} and the
 * filter's parameters ({@code {type: blur, sigma: 1.5}}). Every problem names its key, e.g.
 * {@code miniatura.variants.card.filters[1].sigma: expected a number 0.3..50 but was 80}.
 */
final class FilterConfig {

    /** A parameter: its range and the default used when it is left out ({@code null}: required). */
    private record Param(String name, double min, boolean minInclusive, double max, Double fallback) {
        String range() {
            return "a number " + (minInclusive ? "" : "above ") + show(min) + ".." + show(max);
        }

        boolean accepts(double value) {
            return (minInclusive ? value >= min : value > min) && value <= max && Double.isFinite(value);
        }
    }

    /** A filter type: its parameters and how to build it from their values (and the raw item). */
    private record Type(String name, List<Param> params, List<String> textParams, Function<Values, Filter> build) {}

    private record Values(Map<String, Double> numbers, Map<String, String> texts, Gravity position) {
        double n(String name) {
            return numbers.get(name);
        }
    }

    private static final Map<String, Type> TYPES = new LinkedHashMap<>();

    static {
        add(new Type("grayscale", List.of(), List.of(), v -> new Filter.Grayscale()));
        add(new Type("sepia", List.of(), List.of(), v -> new Filter.Sepia()));
        add(new Type(
                "blur",
                List.of(new Param("sigma", 0.3, true, 50, null)),
                List.of(),
                v -> new Filter.Blur(v.n("sigma"))));
        add(new Type(
                "sharpen",
                List.of(new Param("sigma", 0.3, true, 10, 1.0), new Param("amount", 0, false, 10, 1.0)),
                List.of(),
                v -> new Filter.Sharpen(v.n("sigma"), v.n("amount"))));
        add(new Type(
                "brightness",
                List.of(new Param("factor", 0, true, 4, null)),
                List.of(),
                v -> new Filter.Brightness(v.n("factor"))));
        add(new Type(
                "contrast",
                List.of(new Param("factor", 0, true, 4, null)),
                List.of(),
                v -> new Filter.Contrast(v.n("factor"))));
        add(new Type(
                "watermark",
                List.of(
                        new Param("opacity", 0, false, 1, 0.5),
                        new Param("scale", 0, false, 1, 0.25),
                        new Param("margin", 0, true, 0.49, 0.02)),
                List.of("source", "position"),
                v -> new Filter.Watermark(
                        v.texts().get("source"), v.position(), v.n("opacity"), v.n("scale"), v.n("margin"))));
    }

    private FilterConfig() {}

    private static void add(Type type) {
        TYPES.put(type.name(), type);
    }

    /** Names of every filter type, in documentation order. */
    static List<String> typeNames() {
        return List.copyOf(TYPES.keySet());
    }

    /**
     * @param key  the item's key, e.g. {@code miniatura.variants.card.filters[1]}
     * @param item parameter → value; the bare form is under the empty name
     */
    static Optional<Filter> parse(String key, Map<String, String> item, Problems problems) {
        String bare = item.get("");
        String typed = item.get("type");
        if (bare != null && item.size() > 1) {
            problems.add(key, "expected either a filter name or a map with a type, not both");
            return Optional.empty();
        }
        String typeKey = bare != null ? key : key + ".type";
        String name = bare != null ? bare.trim() : typed == null ? null : typed.trim();
        Type type = name == null ? null : TYPES.get(name);
        if (type == null) {
            problems.expected(typeKey, "one of " + String.join(", ", TYPES.keySet()), Problems.show(name));
            return Optional.empty();
        }
        int before = problems.messages().size();
        List<String> known = new ArrayList<>(List.of("type"));
        type.params().forEach(p -> known.add(p.name()));
        known.addAll(type.textParams());
        for (String param : item.keySet()) {
            if (!param.isEmpty() && !known.contains(param)) {
                problems.add(
                        key + "." + param,
                        type.params().isEmpty() && type.textParams().isEmpty()
                                ? "unknown key (" + name + " takes no parameters)"
                                : "unknown key (expected one of " + String.join(", ", known) + ")");
            }
        }
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (Param param : type.params()) {
            String raw = item.get(param.name());
            if (raw == null && param.fallback() != null) {
                numbers.put(param.name(), param.fallback());
                continue;
            }
            Double value = parseDouble(raw);
            if (value == null || !param.accepts(value)) {
                problems.expected(
                        key + "." + param.name(), param.range(), value == null ? Problems.show(raw) : show(value));
            } else {
                numbers.put(param.name(), value);
            }
        }
        Map<String, String> texts = new LinkedHashMap<>();
        Gravity position = Gravity.SOUTH_EAST;
        if (type.textParams().contains("source")) {
            String source = item.get("source");
            if (source == null
                    || !(source.startsWith("classpath:") || source.startsWith("file:"))
                    || source.indexOf(':') == source.length() - 1) {
                problems.expected(
                        key + ".source", "an image location as classpath:path or file:/path", Problems.show(source));
            } else {
                texts.put("source", source.trim());
            }
            String where = item.get("position");
            if (where != null) {
                Optional<Gravity> parsed = Gravity.parse(where.trim()).filter(g -> !g.contentAware());
                if (parsed.isEmpty()) {
                    problems.expected(
                            key + ".position",
                            "center or a compass point (north, north-east, east, "
                                    + "south-east, south, south-west, west, north-west)",
                            Problems.show(where));
                } else {
                    position = parsed.get();
                }
            }
        }
        if (problems.messages().size() > before) {
            return Optional.empty();
        }
        return Optional.of(type.build().apply(new Values(numbers, texts, position)));
    }

    private static Double parseDouble(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Double.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String show(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
