package com.miniatura.ingest.rerender;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A key file as a re-render's key source: lines read in batches handled side by side. Its position is the number of
 * lines of which every batch is done; at most twice {@code threads} batches are in hand.
 */
final class KeyFile {
    /** Lines per batch. */
    private static final int BATCH = 500;

    /** What a line is handed to. */
    interface LineHandler {
        void line(String line) throws InterruptedException;
    }

    private final Path file;
    private final long size;
    private final AtomicLong linesDone;
    private final AtomicLong bytesRead = new AtomicLong();

    /** The file, resumed after {@code linesDone} lines. */
    KeyFile(Path file, long linesDone) throws IOException {
        this.file = file;
        this.size = Files.size(file);
        this.linesDone = new AtomicLong(linesDone);
    }

    /** Lines of which every batch is done: where a resumed run starts. */
    long linesDone() {
        return linesDone.get();
    }

    /** Bytes of the file read, 0..1. */
    double fraction() {
        return size == 0 ? 1 : Math.min(1, (double) bytesRead.get() / size);
    }

    /**
     * Hands each line after the position, stripped, to {@code handler} on {@code threads} threads, until the end or
     * {@code halted}; the position only moves past a batch once every earlier one is done. The first batch that
     * fails is given to {@code fail}.
     */
    void read(int threads, BooleanSupplier halted, LineHandler handler, Consumer<Exception> fail) throws Exception {
        long skip = linesDone.get();
        ExecutorService pool = Executors.newFixedThreadPool(threads, BucketShards.daemon("rerender-batch"));
        Semaphore inHand = new Semaphore(threads * 2);
        TreeMap<Long, Long> finished = new TreeMap<>(); // batch start line → its end line, done but not yet contiguous
        List<Future<?>> pending = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                BufferedReader reader = new BufferedReader(
                        new InputStreamReader(new Counting(raw, bytesRead), StandardCharsets.UTF_8), 1 << 16)) {
            long lineNo = 0;
            List<String> batch = new ArrayList<>(BATCH);
            long batchStart = 0;
            for (String line; !halted.getAsBoolean() && (line = reader.readLine()) != null; ) {
                lineNo++;
                if (lineNo <= skip) {
                    continue;
                }
                if (batch.isEmpty()) {
                    batchStart = lineNo - 1;
                }
                batch.add(line);
                if (batch.size() == BATCH) {
                    submit(pool, inHand, finished, pending, batch, batchStart, lineNo, halted, handler);
                    batch = new ArrayList<>(BATCH);
                }
            }
            if (!batch.isEmpty() && !halted.getAsBoolean()) {
                submit(pool, inHand, finished, pending, batch, batchStart, lineNo, halted, handler);
            }
            BucketShards.awaitAll(pending, fail);
        } finally {
            pool.shutdownNow();
        }
    }

    private void submit(
            ExecutorService pool,
            Semaphore inHand,
            TreeMap<Long, Long> finished,
            List<Future<?>> pending,
            List<String> lines,
            long from,
            long to,
            BooleanSupplier halted,
            LineHandler handler)
            throws InterruptedException {
        inHand.acquire();
        pending.removeIf(Future::isDone);
        pending.add(pool.submit(() -> {
            try {
                for (String line : lines) {
                    if (halted.getAsBoolean()) {
                        return null;
                    }
                    handler.line(line.strip());
                }
                synchronized (finished) {
                    finished.put(from, to);
                    // contiguous from the start: advance the position over every finished batch that follows it
                    while (!finished.isEmpty() && finished.firstKey() == linesDone.get()) {
                        linesDone.set(finished.pollFirstEntry().getValue());
                    }
                }
                return null;
            } finally {
                inHand.release();
            }
        }));
    }

    /** Counts the bytes read through it, for the progress of a key file. */
    private static final class Counting extends FilterInputStream {
        private final AtomicLong count;

        Counting(InputStream in, AtomicLong count) {
            super(in);
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }
    }
}
