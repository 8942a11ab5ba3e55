package com.miniatura.common.catalog;

import java.math.BigDecimal;

/**
 * A pixel filter applied after resizing, in the order the variant lists them.
 *
 * <p>Configured as a list item, either a bare name or a map with a {@code type} and its parameters:
 * <pre>{@code
 * filters:
 *   - grayscale
 *   - { type: blur, sigma: 1.5 }
 *   - { type: watermark, source: "classpath:watermarks/logo.png", position: south-east, opacity: 0.4, scale: 0.2 }
 * }</pre>
 * Each filter has a stable {@link #canonical()} form that takes part in the variant's spec hash.
 */
public sealed interface Filter
        permits Filter.Grayscale,
                Filter.Sepia,
                Filter.Blur,
                Filter.Sharpen,
                Filter.Brightness,
                Filter.Contrast,
                Filter.Watermark {

    /** Stable text form, e.g. {@code blur(sigma=1.5)}; changes to it change every spec hash that uses it. */
    String canonical();

    /** Luma only (Rec. 601 weights of the sRGB values), still written as a 3-channel sRGB image. */
    record Grayscale() implements Filter {
        @Override
        public String canonical() {
            return "grayscale";
        }
    }

    /** A warm brown monochrome (the classic sepia matrix), alpha kept. */
    record Sepia() implements Filter {
        @Override
        public String canonical() {
            return "sepia";
        }
    }

    /** Gaussian blur with standard deviation {@code sigma} in output pixels (0.3..50). */
    record Blur(double sigma) implements Filter {
        @Override
        public String canonical() {
            return "blur(sigma=" + number(sigma) + ")";
        }
    }

    /**
     * Unsharp mask: adds {@code amount} × (image − Gaussian blur of {@code sigma}) to the image, restoring the
     * crispness that downscaling takes away.
     */
    record Sharpen(double sigma, double amount) implements Filter {
        @Override
        public String canonical() {
            return "sharpen(sigma=" + number(sigma) + ",amount=" + number(amount) + ")";
        }
    }

    /** Multiplies every channel by {@code factor} (1 leaves the image unchanged, 0 is black). */
    record Brightness(double factor) implements Filter {
        @Override
        public String canonical() {
            return "brightness(factor=" + number(factor) + ")";
        }
    }

    /** Scales every channel's distance from mid-grey by {@code factor} (1 unchanged, 0 flat grey). */
    record Contrast(double factor) implements Filter {
        @Override
        public String canonical() {
            return "contrast(factor=" + number(factor) + ")";
        }
    }

    /**
     * An image drawn over the variant.
     *
     * @param source   {@code classpath:path} or {@code file:/path}; the spec hash covers this location, not
     *                 the file's bytes, so publish a changed watermark under a new name
     * @param position where it sits: {@code center} or a compass point
     * @param opacity  0 (invisible, excluded) .. 1 (opaque)
     * @param scale    watermark width as a fraction of the variant's width (0..1]
     * @param margin   distance from the edges as a fraction of the variant's shorter side [0..0.5)
     */
    record Watermark(String source, Gravity position, double opacity, double scale, double margin) implements Filter {
        @Override
        public String canonical() {
            return "watermark(source=" + source + ",position=" + position.configName() + ",opacity=" + number(opacity)
                    + ",scale=" + number(scale) + ",margin=" + number(margin) + ")";
        }
    }

    /** Shortest exact decimal form: 1.0 → "1", 0.25 → "0.25", so equal values hash equally however written. */
    private static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
