package com.miniatura.worker;

import com.miniatura.common.config.ConfigurationReader;
import com.miniatura.common.config.Problems;
import com.miniatura.worker.render.RenderLimits;
import java.util.Map;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.unit.DataSize;

/** The worker's own settings, {@code miniatura.worker.*}. */
public record WorkerSettings(RenderLimits limits) {
    public static final String PREFIX = "miniatura.worker";

    public static WorkerSettings load(ConfigurableEnvironment environment, Problems problems) {
        Map<String, String> raw = new ConfigurationReader(environment).readFlat(PREFIX);
        long maxBytes = 0;
        String bytes = raw.get("max-source-bytes");
        try {
            maxBytes = DataSize.parse(bytes.trim()).toBytes();
        } catch (RuntimeException e) {
            maxBytes = -1;
        }
        if (maxBytes < 1) {
            problems.expected(PREFIX + ".max-source-bytes", "a positive size such as 50MB", Problems.show(bytes));
        }
        long maxPixels = 0;
        String pixels = raw.get("max-source-pixels");
        try {
            maxPixels = Long.parseLong(pixels.trim());
        } catch (RuntimeException e) {
            maxPixels = -1;
        }
        if (maxPixels < 1) {
            problems.expected(PREFIX + ".max-source-pixels", "a positive number of pixels such as 100000000",
                    Problems.show(pixels));
        }
        return new WorkerSettings(new RenderLimits(maxBytes, maxPixels));
    }
}
