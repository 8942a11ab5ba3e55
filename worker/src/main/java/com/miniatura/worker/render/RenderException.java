package com.miniatura.worker.render;

import java.util.Objects;

/**
 * The source image itself cannot be rendered: it is empty, not an image we support, corrupt or too large.
 * The failure is permanent (retrying the same bytes cannot help) and {@link #getMessage()} is shown to
 * sellers and support as the reason, so it is plain words that name the problem.
 */
public final class RenderException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the source was rejected. */
    public enum Reason { EMPTY, UNSUPPORTED_FORMAT, CORRUPT, TOO_LARGE, TOO_MANY_PIXELS, TOO_MANY_FRAMES, TIMED_OUT }

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
