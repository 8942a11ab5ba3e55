package com.miniatura.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Collects configuration problems so that every one of them is reported at once, each naming its key.
 *
 * <pre>{@code
 * Problems problems = new Problems();
 * problems.expected("miniatura.variants.card.quality", "1..100", "150");
 * problems.throwIfAny(); // InvalidConfigurationException listing every problem
 * }</pre>
 */
public final class Problems {
    private final List<String> messages = new ArrayList<>();

    /** Records {@code key: expected EXPECTED but was ACTUAL}. */
    public void expected(String key, String expected, String actual) {
        add(key, "expected " + expected + " but was " + actual);
    }

    /** Records {@code key: message} for problems that do not fit the expected/actual form. */
    public void add(String key, String message) {
        String line = key + ": " + message;
        if (!messages.contains(line)) { // a bad default shared by many variants is reported once
            messages.add(line);
        }
    }

    /**
     * Parses a required setting: {@code parser} turns the trimmed text into a value, {@code valid} checks its
     * range. Anything missing, unparsable or out of range is recorded as
     * {@code key: expected EXPECTED but was "VALUE"} and gives an empty result.
     */
    public <T> Optional<T> parse(
            String key, String value, String expected, Function<String, T> parser, Predicate<T> valid) {
        T parsed;
        try {
            parsed = parser.apply(value.trim());
        } catch (RuntimeException e) { // NumberFormatException, IllegalArgumentException, NullPointerException
            parsed = null;
        }
        if (parsed == null || !valid.test(parsed)) {
            expected(key, expected, show(value));
            return Optional.empty();
        }
        return Optional.of(parsed);
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    public void throwIfAny() {
        if (!messages.isEmpty()) {
            throw new InvalidConfigurationException(messages);
        }
    }

    /** Quotes a configured value for a message: strings in quotes, absent as "not set". */
    public static String show(String value) {
        return value == null ? "not set" : '"' + value + '"';
    }
}
