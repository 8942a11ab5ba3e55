package com.miniatura.worker.render;

import java.util.Objects;

/**
 * The source image itself cannot be rendered: it is empty, not an image we support, corrupt or too large.
 * The failure is permanent (retrying the same bytes cannot help) and {@link #getMessage()} is shown to
 * sellers and support as the reason, so it is plain words that name the problem.
 */
public final class RenderException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Why the source was rejected. {@code TOO_COMPLEX}: a container whose structure would cost a decoder memory or
     * time out of proportion to its picture (thousands of scans, gigabytes of compressed text);
     * {@code TOO_LARGE_FOR_MEMORY}: decoding it would need more memory than the worker's whole budget.
     */
    public enum Reason {
        EMPTY,
        UNSUPPORTED_FORMAT,
        CORRUPT,
        TOO_LARGE,
        TOO_MANY_PIXELS,
        TOO_MANY_FRAMES,
        TOO_COMPLEX,
        TOO_LARGE_FOR_MEMORY,
        TIMED_OUT
    }

    private final Reason reason;

    public RenderException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Same as {@link #RenderException(Reason, String)}, keeping the decoder's exception for the logs. */
    public RenderException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
