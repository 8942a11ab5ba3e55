package com.miniatura.common.storage;

import com.miniatura.common.config.MiniaturaSettings;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP when the originals, thumbnails and metadata buckets exist and answer: no service can work without them. Each service registers
 * it as the {@code storage} health contributor.
 */
public final class StorageHealthIndicator implements HealthIndicator {
    private final ObjectStore store;
    private final MiniaturaSettings settings;

    public StorageHealthIndicator(ObjectStore store, MiniaturaSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public Health health() {
        String originals = settings.storage().originalsBucket();
        String thumbnails = settings.storage().thumbnailsBucket();
        String metadata = settings.storage().metadataBucket();
        try {
            boolean ok =
                    store.bucketExists(originals) && store.bucketExists(thumbnails) && store.bucketExists(metadata);
            Health.Builder health = ok ? Health.up() : Health.down().withDetail("error", "a bucket is missing");
            return health.withDetail("endpoint", settings.storage().endpoint())
                    .withDetail("buckets", originals + "," + thumbnails + "," + metadata)
                    .build();
        } catch (RuntimeException e) {
            return Health.down()
                    .withDetail("endpoint", settings.storage().endpoint())
                    .withDetail("error", e.getMessage())
                    .build();
        }
    }
}
