package com.miniatura.common.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Reads Miniatura's settings from Spring's environment as plain strings, so that validation can report type
 * errors (a quality of {@code "high"}) together with every other problem instead of failing on the first.
 *
 * <p>Every value is bound by its canonical dashed name with Spring Boot's {@link Binder}, so relaxed binding
 * applies as it does to Spring's own keys: {@code miniatura.storage.access-key} is set by {@code application.yml},
 * {@code --miniatura.storage.access-key=…}, {@code -Dminiatura.storage.access-key=…} or the environment variable
 * {@code MINIATURA_STORAGE_ACCESS_KEY} alike. An environment variable cannot tell {@code access-key} from
 * {@code access.key}, which is why a key is looked up by the name it has rather than found by listing names.
 *
 * <p>Overriding works per key of each entry, as Spring does for lists: if a higher-priority source sets
 * {@code miniatura.variants.g150.filters}, the whole list comes from that source.
 */
public final class ConfigurationReader {
    /** A list of items, each a bare name or a map of parameters. */
    private static final Bindable<List<Map<String, String>>> ITEMS = Bindable.of(ResolvableType.forClassWithGenerics(
            List.class, ResolvableType.forClassWithGenerics(Map.class, String.class, String.class)));
    /**
     * Spring Boot's conversions, and one more: a list item may be a bare name ({@code filters: [grayscale]}) or a
     * map ({@code filters: [{type: blur, sigma: 2}]}), and a bare one binds as the map holding it under the empty
     * name.
     */
    private static final ApplicationConversionService CONVERSION = new ApplicationConversionService();

    static {
        CONVERSION.addConverter(String.class, Map.class, bare -> Map.of("", bare));
    }

    private final ConfigurableEnvironment environment;
    private final Binder binder;

    public ConfigurationReader(ConfigurableEnvironment environment) {
        this.environment = environment;
        this.binder = new Binder(
                ConfigurationPropertySources.get(environment),
                new PropertySourcesPlaceholdersResolver(environment),
                CONVERSION);
    }

    /**
     * The scalar settings below {@code prefix}: {@code readFlat("miniatura.storage").get("access-key")}. Each
     * is bound when asked for.
     */
    public ConfigurationSection readFlat(String prefix) {
        return new ConfigurationSection(
                prefix,
                key -> bindString(ConfigurationPropertyName.of(prefix + "." + key)),
                key -> bindStrings(ConfigurationPropertyName.of(prefix + "." + key)));
    }

    /**
     * The entries below {@code prefix}, keyed by their first element: for {@code miniatura.variants},
     * {@code s150 → {width → 150, filters[0] → grayscale}}, as {@link #read} reads each.
     */
    public Map<String, Map<String, String>> readGroups(
            String prefix, Set<String> keys, Set<String> listKeys, Problems problems) {
        ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        for (String group : groupNames(root)) {
            groups.put(group, read(prefix + "." + group, keys, listKeys, problems));
        }
        return groups;
    }

    /**
     * The settings below {@code prefix}: each of {@code keys} that is set, by its dashed name ({@code quality},
     * {@code chroma-subsampling}); each of {@code listKeys} as its items, {@code filters[0] → grayscale} for a
     * bare item and {@code filters[1].sigma → 2} for a map's entries; and anything else set below the prefix by
     * the name Spring gives it ({@code qualty}), so that the caller can report it as an unknown key. A list that
     * cannot be read (items numbered with a gap) is added to {@code problems}.
     */
    public Map<String, String> read(String prefix, Set<String> keys, Set<String> listKeys, Problems problems) {
        ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : keys) {
            String value = bindString(root.append(key));
            if (value != null) {
                values.put(key, value);
            }
        }
        for (String key : listKeys) {
            List<Map<String, String>> items = bindList(root.append(key), problems);
            for (int i = 0; i < items.size(); i++) {
                String item = key + "[" + i + "]";
                items.get(i).forEach((param, value) -> values.put(param.isEmpty() ? item : item + "." + param, value));
            }
        }
        unknownNames(root, keys, listKeys, problems).forEach(values::putIfAbsent);
        return values;
    }

    private String bindString(ConfigurationPropertyName name) {
        try {
            return binder.bind(name, Bindable.of(String.class)).orElse(null);
        } catch (BindException e) {
            return null; // a value that is no text, e.g. a list where one value belongs: reported as not set
        }
    }

    private List<String> bindStrings(ConfigurationPropertyName name) {
        try {
            return binder.bind(name, Bindable.listOf(String.class)).orElse(List.of());
        } catch (BindException e) {
            return List.of(); // a value that is no list of texts: reported as not set
        }
    }

    private List<Map<String, String>> bindList(ConfigurationPropertyName name, Problems problems) {
        try {
            return binder.bind(name, ITEMS).orElse(List.of());
        } catch (BindException e) {
            if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
                unbound.getUnboundProperties()
                        .forEach(item -> problems.add(
                                item.getName().toString(),
                                "not read: a list's items are numbered from 0 without a gap"));
            } else {
                problems.add(
                        name.toString(),
                        "cannot be read as a list: "
                                + (e.getCause() == null
                                        ? e.getMessage()
                                        : e.getCause().getMessage()));
            }
            return List.of();
        }
    }

    /** The first element below {@code root} of every name set below it, e.g. {@code s150} and {@code card}. */
    private Set<String> groupNames(ConfigurationPropertyName root) {
        Set<String> groups = new LinkedHashSet<>();
        for (IterableConfigurationPropertySource source : iterableSources()) {
            source.stream().forEach(name -> {
                int depth = depthBelow(source, root, name);
                if (depth >= 0 && name.getNumberOfElements() >= depth + 2) { // not a scalar directly below root
                    groups.add(name.getElement(depth, ConfigurationPropertyName.Form.DASHED));
                }
            });
        }
        return groups;
    }

    /**
     * Names set below {@code root} that the binder does not read as one of the keys, relative to {@code root},
     * with their values. An environment variable that spells a key in a form Spring does not read is a problem
     * of its own rather than an unknown key.
     */
    private Map<String, String> unknownNames(
            ConfigurationPropertyName root, Set<String> keys, Set<String> listKeys, Problems problems) {
        Map<String, String> unknown = new LinkedHashMap<>();
        for (IterableConfigurationPropertySource source : iterableSources()) {
            source.stream().forEach(name -> {
                int depth = depthBelow(source, root, name);
                ConfigurationProperty property = depth < 0 ? null : source.getConfigurationProperty(name);
                if (property == null || property.getValue() == null || isRead(source, property, root, keys, listKeys)) {
                    return;
                }
                ConfigurationPropertyName relative = name.subName(depth);
                String meant = isEnvironment(source) ? spelledKey(relative, keys, listKeys) : null;
                if (meant != null) {
                    String key = root + "." + meant;
                    problems.add(
                            key,
                            "set as " + underlyingName(property) + ", which Spring does not read: write each"
                                    + " dash of the key as _ (" + legacyVariable(key) + ") or leave it out ("
                                    + canonicalVariable(key) + ")");
                } else {
                    unknown.putIfAbsent(
                            relative.toString(), environment.resolvePlaceholders(String.valueOf(property.getValue())));
                }
            });
        }
        return unknown;
    }

    /** Whether the binder reads {@code property} of {@code source} as one of the keys below {@code root}. */
    private static boolean isRead(
            IterableConfigurationPropertySource source,
            ConfigurationProperty property,
            ConfigurationPropertyName root,
            Set<String> keys,
            Set<String> listKeys) {
        for (String key : keys) {
            ConfigurationProperty bound = source.getConfigurationProperty(root.append(key));
            if (bound != null && underlyingName(bound).equals(underlyingName(property))) {
                return true;
            }
        }
        for (String key : listKeys) { // the list itself (a, b), or its items, however far below
            ConfigurationPropertyName list = root.append(key);
            ConfigurationProperty whole = source.getConfigurationProperty(list);
            if (whole != null && underlyingName(whole).equals(underlyingName(property))
                    || depthBelow(source, list, property.getName()) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The key {@code relative} spells with its separators moved, {@code requests.per.second} from
     * {@code …_APIKEYS_MINIO_REQUESTS_PER_SECOND} for {@code requests-per-second}, or {@code null}.
     */
    private static String spelledKey(ConfigurationPropertyName relative, Set<String> keys, Set<String> listKeys) {
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < relative.getNumberOfElements(); i++) {
            if (relative.isNumericIndex(i)) {
                return null; // an item (width[0]) is no spelling of a key
            }
            joined.append(relative.getElement(i, ConfigurationPropertyName.Form.UNIFORM));
        }
        return Stream.concat(keys.stream(), listKeys.stream())
                .filter(key -> key.replace("-", "").toLowerCase(Locale.ROOT).contentEquals(joined))
                .findFirst()
                .orElse(null);
    }

    /** The name the property has in its source: {@code MINIATURA_STORAGE_ACCESS_KEY} for an environment variable. */
    private static String underlyingName(ConfigurationProperty property) {
        return property.getOrigin() instanceof PropertySourceOrigin origin
                ? origin.getPropertyName()
                : property.getName().toString();
    }

    private static String legacyVariable(String key) {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static String canonicalVariable(String key) {
        return key.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static boolean isEnvironment(ConfigurationPropertySource source) {
        return source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
    }

    /**
     * How many elements of {@code name} spell {@code root}, or -1 if {@code name} is not below it. An environment
     * variable may split a dashed element in two ({@code MINIATURA_INGEST_AUTH_API_KEYS_…} for {@code api-keys}),
     * which Spring accepts as well.
     */
    private static int depthBelow(
            IterableConfigurationPropertySource source,
            ConfigurationPropertyName root,
            ConfigurationPropertyName name) {
        if (root.isAncestorOf(name)) {
            return root.getNumberOfElements();
        }
        if (isEnvironment(source)) {
            ConfigurationPropertyName split =
                    ConfigurationPropertyName.of(root.toString().replace('-', '.'));
            if (split.isAncestorOf(name)) {
                return split.getNumberOfElements();
            }
        }
        return -1;
    }

    private Collection<IterableConfigurationPropertySource> iterableSources() {
        List<IterableConfigurationPropertySource> iterable = new ArrayList<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource i) {
                iterable.add(i);
            }
        }
        return iterable;
    }
}
