package com.miniatura.worker.render.codec;

import com.miniatura.common.format.FormatSniffer;
import com.miniatura.common.format.UnsupportedFormatException;
import com.miniatura.worker.render.RenderException;
import com.miniatura.worker.render.RenderException.Reason;

/**
 * The format of a source as the renderer names it: {@link FormatSniffer}'s verdict from the bytes (the one the
 * upload API accepts by), a refusal as an {@link Reason#UNSUPPORTED_FORMAT} render failure.
 */
public final class SourceFormat {

    private SourceFormat() {}

    /** One of {@link Decode#SUPPORTED} for {@code source} (non-empty), or a refusal naming what it is. */
    public static String of(byte[] source) throws RenderException {
        try {
            return FormatSniffer.sniff(source).id();
        } catch (UnsupportedFormatException e) {
            throw new RenderException(Reason.UNSUPPORTED_FORMAT, e.getMessage());
        }
    }
}
