package com.miniatura.worker.render;

import com.miniatura.common.format.FormatSniffer;
import com.miniatura.common.format.UnsupportedFormatException;
import com.miniatura.worker.render.RenderException.Reason;

/**
 * The format of a source as the renderer names it: {@link FormatSniffer}'s verdict (the one the API uploads by),
 * a refusal as a {@link Reason#UNSUPPORTED_FORMAT} render failure.
 */
final class Sniff {

    private Sniff() {
    }

    /** One of {@link Decode#SUPPORTED} for {@code source} (non-empty), or a refusal naming what it is. */
    static String format(byte[] source) throws RenderException {
        try {
            return FormatSniffer.sniff(source).id();
        } catch (UnsupportedFormatException e) {
            throw new RenderException(Reason.UNSUPPORTED_FORMAT, e.getMessage());
        }
    }
}
