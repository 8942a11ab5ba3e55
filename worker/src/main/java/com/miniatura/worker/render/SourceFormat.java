package com.miniatura.worker.render;

/** The format of a source, sniffed from its bytes ({@link Sniff}): what the decoders in {@code codec} read. */
public final class SourceFormat {

    private SourceFormat() {
    }

    /** The format's name as {@link SourceInfo#format()} reports it; refuses what is not a supported image. */
    public static String of(byte[] source) throws RenderException {
        return Sniff.format(source);
    }
}
