package com.miniatura.worker.render;

/**
 * A render could not start because the memory it needs ({@link MemoryBudget}) stayed taken by other renders
 * for the whole render timeout. Transient, unlike {@link RenderException}: the same source renders once they
 * are done, so the worker retries the event with its usual backoff.
 */
public final class RenderBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RenderBusyException(String message) {
        super(message);
    }
}
