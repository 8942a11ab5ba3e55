package com.miniatura.common.catalog;

import java.util.Arrays;
import java.util.Optional;

/**
 * JPEG chroma subsampling: how much colour resolution is kept relative to brightness.
 * {@code 4:2:0} (the default) halves colour both ways, the smallest files and invisible on photos;
 * {@code 4:4:4} keeps full colour resolution, for thin coloured lines and text on product shots.
 */
public enum ChromaSubsampling {
    S420("4:2:0", 2, 2),
    S422("4:2:2", 2, 1),
    S444("4:4:4", 1, 1);

    private final String configName;
    private final int horizontal;
    private final int vertical;

    ChromaSubsampling(String configName, int horizontal, int vertical) {
        this.configName = configName;
        this.horizontal = horizontal;
        this.vertical = vertical;
    }

    public String configName() {
        return configName;
    }

    /** Luma sampling factor horizontally (chroma is sampled once per this many luma columns). */
    public int horizontal() {
        return horizontal;
    }

    /** Luma sampling factor vertically. */
    public int vertical() {
        return vertical;
    }

    public static Optional<ChromaSubsampling> parse(String value) {
        return Arrays.stream(values()).filter(c -> c.configName.equals(value)).findFirst();
    }
}
