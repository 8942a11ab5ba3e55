package com.miniatura.common.config;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Reads a subtree of Spring's configuration as plain strings, so that validation can report type
 * errors (a quality of {@code "high"}) together with every other problem instead of failing on the first.
 *
 * <p>Overriding works per top-level key of each entry, as Spring does for lists: if a higher-priority
 * source sets {@code miniatura.variants.g150.filters}, the whole list comes from that source.
 */
public final class ConfigurationReader {
    private final ConfigurableEnvironment environment;

    public ConfigurationReader(ConfigurableEnvironment environment) {
        this.environment = environment;
    }

    /**
     * Entries below {@code prefix}, grouped by their first element: for {@code miniatura.variants},
     * {@code s150 → {width → 150, filters[0] → grayscale}}.
     */
    public Map<String, Map<String, String>> readGroups(String prefix) {
        ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        Set<String> ownedKeys = new HashSet<>(); // "group/topKey" already taken from a higher-priority source
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            Set<String> takenHere = new HashSet<>();
            iterable.stream().filter(root::isAncestorOf).forEach(name -> {
                if (name.getNumberOfElements() < root.getNumberOfElements() + 2) {
                    return; // a scalar directly under the prefix; not a group entry
                }
                String group = name.getElement(root.getNumberOfElements(), ConfigurationPropertyName.Form.DASHED);
                String top = name.getElement(root.getNumberOfElements() + 1, ConfigurationPropertyName.Form.DASHED);
                String owner = group + "/" + top;
                if (ownedKeys.contains(owner)) {
                    return;
                }
                takenHere.add(owner);
                ConfigurationProperty property = source.getConfigurationProperty(name);
                if (property == null || property.getValue() == null) {
                    return;
                }
                String relative = name.subName(root.getNumberOfElements() + 1).toString();
                groups.computeIfAbsent(group, g -> new LinkedHashMap<>())
                        .put(relative, environment.resolvePlaceholders(String.valueOf(property.getValue())));
            });
            ownedKeys.addAll(takenHere);
        }
        return groups;
    }

    /** Scalar entries directly below {@code prefix}: {@code miniatura.variant-defaults.quality → 80}. */
    public Map<String, String> readFlat(String prefix) {
        ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream().filter(root::isAncestorOf).forEach(name -> {
                String relative = name.subName(root.getNumberOfElements()).toString();
                ConfigurationProperty property = source.getConfigurationProperty(name);
                if (property != null && property.getValue() != null && !values.containsKey(relative)) {
                    values.put(relative, environment.resolvePlaceholders(String.valueOf(property.getValue())));
                }
            });
        }
        return values;
    }
}
