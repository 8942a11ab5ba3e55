package com.miniatura.worker.consume;

import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.worker.render.RenderedVariant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Stores the variants of one render, side by side (each PUT is mostly waiting on the network), on an executor the
 * worker is given; the job waits for all of them before it goes on, so none outlives it.
 */
final class VariantUpload {
    private final ObjectStore store;
    private final StorageSettings storage;
    private final ExecutorService executor;

    VariantUpload(ObjectStore store, StorageSettings storage, ExecutorService executor) {
        this.store = store;
        this.storage = storage;
        this.executor = executor;
    }

    /**
     * Puts every variant in the thumbnails bucket and returns them as the manifest lists them, by object key (a
     * variant's twins share its name);
     * returns once all are stored, or throws the first failure once all ended.
     */
    Map<String, Manifest.Variant> upload(String imageId, List<RenderedVariant> variants) {
        Map<String, Manifest.Variant> stored = new HashMap<>();
        List<Future<?>> puts = new ArrayList<>();
        for (RenderedVariant variant : variants) {
            String key = StorageLayout.thumbnailKey(imageId, variant.spec());
            // all at once: each PUT is mostly waiting on the network, and one after another they took most
            // of a job's time (six ~40 ms round trips against ~35 ms of rendering for a 1024 px image)
            puts.add(executor.submit(() -> store.put(
                    storage.thumbnailsBucket(),
                    key,
                    variant.bytes(),
                    PutOptions.of(variant.contentType())
                            .withCacheControl(storage.cacheControl())
                            .withUserMetadata(Map.of(
                                    "image-id",
                                    imageId,
                                    "spec-hash",
                                    variant.spec().specHash())))));
            stored.put(
                    key,
                    new Manifest.Variant(
                            variant.spec().name(),
                            key,
                            variant.width(),
                            variant.height(),
                            variant.bytes().length,
                            variant.contentType(),
                            variant.spec().specHash(),
                            variant.quality(),
                            variant.ssim() == null ? null : Math.round(variant.ssim() * 1e5) / 1e5));
        }
        awaitAll(puts);
        return stored;
    }

    /** Runs another storage write on the upload threads, e.g. one that overlaps reading the original. */
    Future<?> submit(Runnable write) {
        return executor.submit(write);
    }

    /**
     * Waits for every upload, then rethrows the first failure as it was thrown (a storage outage is retried
     * like a sequential PUT's would be); the others have finished by then, so none outlives the job.
     */
    static void awaitAll(List<Future<?>> puts) {
        Throwable first = null;
        boolean interrupted = false;
        for (Future<?> put : puts) {
            while (true) {
                try {
                    put.get();
                    break;
                } catch (ExecutionException e) {
                    first = first == null ? e.getCause() : first;
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // finish waiting: the job must not end with uploads still running
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first instanceof Error error) {
            throw error;
        }
        if (first != null) {
            throw new IllegalStateException("upload failed", first);
        }
    }
}
