package com.miniatura.common.catalog;

/**
 * A pixel filter applied after resizing, in the order the variant lists them.
 * Each filter has a stable {@link #canonical()} form that takes part in the variant's spec hash.
 */
public sealed interface Filter permits Filter.Grayscale {

    /** Stable text form, e.g. {@code grayscale}; changes to it change every spec hash that uses it. */
    String canonical();

    /** Luma-only output (Rec. 601 weights), still written as a 3-channel sRGB image. */
    record Grayscale() implements Filter {
        @Override
        public String canonical() {
            return "grayscale";
        }
    }
}
