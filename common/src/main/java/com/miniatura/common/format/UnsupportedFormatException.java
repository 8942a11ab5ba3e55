package com.miniatura.common.format;

/** A source {@link FormatSniffer} refuses; the message is the public reason ({@code unsupported format: ...}). */
public final class UnsupportedFormatException extends Exception {

    UnsupportedFormatException(String what) {
        super("unsupported format: " + what, null, false, false);
    }
}
