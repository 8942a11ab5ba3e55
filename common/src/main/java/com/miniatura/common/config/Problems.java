package com.miniatura.common.config;

import java.util.ArrayList;
import java.util.List;

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
