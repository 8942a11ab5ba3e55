package com.miniatura.worker.consume;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * The threads variants are uploaded on ({@link VariantUpload}), owned and shut down by the application rather than
 * by the job. Daemon threads that end after a minute idle: at most the consumer threads × the catalog's variants are
 * ever busy, and they never hold a JVM open. Not an {@code Executor} bean, so Spring's own task executor stays.
 */
@Component
public final class UploadThreads implements AutoCloseable {
    private final ExecutorService executor = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "miniatura-upload-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    ExecutorService executor() {
        return executor;
    }

    /** Lets running uploads finish and starts no more. */
    @Override
    public void close() {
        executor.shutdown();
    }
}
