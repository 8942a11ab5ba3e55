package com.miniatura.common.config;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.storage.StorageSettings;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Settings every service shares, read from Spring's environment and validated together.
 *
 * <pre>{@code
 * Problems problems = new Problems();
 * MiniaturaSettings settings = MiniaturaSettings.load(environment, problems);
 * // ... a service validates its own keys into the same problems ...
 * problems.throwIfAny(); // every problem of every key, at once
 * }</pre>
 */
public record MiniaturaSettings(StorageSettings storage, KafkaSettings kafka, VariantCatalog catalog) {

    public static MiniaturaSettings load(ConfigurableEnvironment environment, Problems problems) {
        ConfigurationReader reader = new ConfigurationReader(environment);
        StorageSettings storage = StorageSettings.from(reader.readFlat(StorageSettings.PREFIX), problems);
        KafkaSettings kafka = KafkaSettings.from(reader.readFlat(KafkaSettings.PREFIX), problems);
        VariantCatalog catalog = VariantCatalog.read(reader, problems);
        return new MiniaturaSettings(storage, kafka, catalog);
    }
}
