package com.miniatura.worker.render;

import com.miniatura.worker.render.step.Footprint;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The heap one worker lets its renders hold at once, in bytes. Before a source is decoded, its render's
 * estimated footprint ({@link Footprint}) is reserved here: a render that could never fit is refused at once,
 * one that fits later waits, first come first served, until the renders ahead of it give their bytes back.
 * So a worker with two render threads never holds two 400 MB images at once, and a stream of small images
 * cannot starve a large one that is waiting.
 *
 * <p>Thread-safe; one instance is shared by all renders of a worker.
 */
public final class MemoryBudget {

    /** The share of the heap {@link #fromHeap()} gives renders; the rest is the service's own (Kafka, HTTP, metrics). */
    public static final double HEAP_SHARE = 0.6;

    private final long capacity;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition released = lock.newCondition();
    private final Deque<Object> queue = new ArrayDeque<>();
    private long reserved;
    private final AtomicLong waiting = new AtomicLong();

    public MemoryBudget(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a memory budget must be positive but was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * {@value #HEAP_SHARE} of the heap that a large array can actually use. With the serial and parallel
     * collectors (a small pod's usual choice) an array too large for the young generation is allocated in the old
     * one, which is only two thirds of {@code -Xmx}: a 230 MB array does not fit in {@code -Xmx320m}, although
     * {@link Runtime#maxMemory()} says 309 MB. So the budget is sized from the largest heap pool, not the heap.
     */
    public static MemoryBudget fromHeap() {
        return new MemoryBudget(Math.max(1, (long) (largestHeapPool() * HEAP_SHARE)));
    }

    private static MemoryBudget shared;

    /**
     * The one budget of every worker in this JVM, made at the first call with {@code capacity}: the standalone runs
     * the live and the bulk lane's workers in one heap, and two budgets of 60 % each would promise it 120 %.
     */
    public static synchronized MemoryBudget shared(long capacity) {
        if (shared == null) {
            shared = new MemoryBudget(capacity);
        }
        return shared;
    }

    /** The largest maximum size of a heap memory pool (the old generation), or the heap when none says. */
    public static long largestHeapPool() {
        long largest = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getUsage() != null) {
                largest = Math.max(largest, pool.getUsage().getMax());
            }
        }
        long heap = Runtime.getRuntime().maxMemory();
        return largest <= 0 || heap == Long.MAX_VALUE ? heap : Math.min(largest, heap);
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes reserved by renders right now. */
    public long reserved() {
        lock.lock();
        try {
            return reserved;
        } finally {
            lock.unlock();
        }
    }

    /** Renders waiting for bytes right now. */
    public long waiting() {
        return waiting.get();
    }

    /** Whether a reservation of {@code bytes} could ever be granted. */
    public boolean fits(long bytes) {
        return bytes <= capacity;
    }

    /** Bytes held until {@link #close()}; closing twice gives them back once. */
    public final class Lease implements AutoCloseable {
        private long bytes;

        private Lease(long bytes) {
            this.bytes = bytes;
        }

        public long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                reserved -= bytes;
                bytes = 0;
                released.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Reserves {@code bytes} ({@code ≤ capacity}, see {@link #fits}), waiting in line up to {@code patience}.
     *
     * @return the lease, or {@code null} when the wait ran out (nothing is then reserved)
     * @throws InterruptedException when the waiting thread is interrupted (nothing is then reserved)
     */
    public Lease reserve(long bytes, Duration patience) throws InterruptedException {
        if (!fits(bytes)) {
            throw new IllegalArgumentException(bytes + " bytes can never fit in a budget of " + capacity);
        }
        long bytesWanted = Math.max(0, bytes);
        Object ticket = new Object();
        long nanos = patience.toNanos();
        lock.lock();
        try {
            queue.addLast(ticket);
            boolean waited = false;
            try {
                while (queue.peekFirst() != ticket || reserved + bytesWanted > capacity) {
                    if (nanos <= 0) {
                        return null;
                    }
                    if (!waited) {
                        waited = true;
                        waiting.incrementAndGet();
                    }
                    nanos = released.awaitNanos(nanos);
                }
                reserved += bytesWanted;
                return new Lease(bytesWanted);
            } finally {
                queue.remove(ticket);
                if (waited) {
                    waiting.decrementAndGet();
                }
                released.signalAll(); // the next in line may fit now, or becomes first
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@code 184 MB}: bytes in binary megabytes, as the reasons and the startup log print them. */
    public static String megabytes(long bytes) {
        return (bytes + (1 << 20) - 1 >> 20) + " MB";
    }

    @Override
    public String toString() {
        return megabytes(capacity);
    }
}
