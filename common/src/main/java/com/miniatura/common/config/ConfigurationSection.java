package com.miniatura.common.config;

import java.util.ArrayList;
import java.util.List;
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
    private final Function<String, List<String>> listLookup;

    ConfigurationSection(String prefix, Function<String, String> lookup, Function<String, List<String>> listLookup) {
        this.prefix = prefix;
        this.lookup = lookup;
        this.listLookup = listLookup;
    }

    /**
     * For tests and tools: the section that holds exactly {@code values} (relative dashed keys; a list as
     * {@code key: a,b} or as {@code key[0]}, {@code key[1]}).
     */
    public static ConfigurationSection of(String prefix, Map<String, String> values) {
        return new ConfigurationSection(prefix, values::get, key -> {
            List<String> items = new ArrayList<>();
            if (values.containsKey(key)) {
                items.addAll(List.of(values.get(key).split(",", -1)));
            }
            for (int i = 0; values.containsKey(key + "[" + i + "]"); i++) {
                items.add(values.get(key + "[" + i + "]"));
            }
            return items;
        });
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

    /**
     * The list {@code key} holds, empty when it is not set: a YAML list, {@code key[0]}, {@code key[1]}…, or one text
     * of comma-separated items ({@code MINIATURA_STORAGE_EXTRA_SOURCE_BUCKETS=a,b}), as Spring Boot binds lists.
     */
    public List<String> getList(String key) {
        return listLookup.apply(key);
    }

    public boolean containsKey(String key) {
        return get(key) != null;
    }

    /** The full name of {@code key}, for problems: {@code miniatura.storage.access-key}. */
    public String key(String key) {
        return prefix + "." + key;
    }
}
