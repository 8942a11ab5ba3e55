package com.miniatura.common.storage;

import com.miniatura.common.config.MiniaturaSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Object-storage beans every service imports: the {@link ObjectStore} over S3 ({@link MinioObjectStore}, creating
 * missing buckets when {@code miniatura.storage.create-buckets} is on) and its {@code storage} health indicator. Requires a
 * {@link MiniaturaSettings} bean.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    @Bean
    ObjectStore objectStore(MiniaturaSettings settings) {
        ObjectStore store = new MinioObjectStore(settings.storage());
        store.ensureBucketsIfConfigured(
                settings.storage().originalsBucket(),
                settings.storage().thumbnailsBucket(),
                settings.storage().metadataBucket());
        return store;
    }

    @Bean("storage")
    StorageHealthIndicator storageHealthIndicator(ObjectStore store, MiniaturaSettings settings) {
        return new StorageHealthIndicator(store, settings);
    }
}
