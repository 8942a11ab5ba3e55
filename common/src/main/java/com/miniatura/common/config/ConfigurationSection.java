package com.miniatura.common.config;

import java.util.Map;
import java.util.function.Function;

/**
 * The settings below one prefix, such as {@code miniatura.storage}, each read as the text it was given so that
 * validation can report a bad value together with every other problem.
 *
 * <p>A key is looked up by its canonical dashed name ({@code access-key}) with Spring Boot's relaxed binding, so
 * {@code application.yml}, {@code --miniatura.storage.access-key=…}, {@code -Dminiatura.storage.access-key=…} and
 * the environment variable {@code MINIATURA_STORAGE_ACCESS_KEY} all reach it.
 *
 * <pre>{@code
 * ConfigurationSection raw = new ConfigurationReader(environment).readFlat("miniatura.storage");
 * String accessKey = raw.get("access-key");
 * }</pre>
 */
public final class ConfigurationSection {
    private final String prefix;
    private final Function<String, String> lookup;

    ConfigurationSection(String prefix, Function<String, String> lookup) {
        this.prefix = prefix;
        this.lookup = lookup;
    }

    /** For tests and tools: the section that holds exactly {@code values} (relative dashed keys). */
    public static ConfigurationSection of(String prefix, Map<String, String> values) {
        return new ConfigurationSection(prefix, values::get);
    }

    /** e.g. {@code miniatura.storage}. */
    public String prefix() {
        return prefix;
    }

    /** The value of {@code key} (relative and dashed, e.g. {@code access-key}), {@code null} when it is not set. */
    public String get(String key) {
        return lookup.apply(key);
    }

    public String getOrDefault(String key, String fallback) {
        String value = get(key);
        return value == null ? fallback : value;
    }

    public boolean containsKey(String key) {
        return get(key) != null;
    }

    /** The full name of {@code key}, for problems: {@code miniatura.storage.access-key}. */
    public String key(String key) {
        return prefix + "." + key;
    }
}
