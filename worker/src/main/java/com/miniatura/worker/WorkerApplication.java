package com.miniatura.worker;

import com.miniatura.common.config.MiniaturaService;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Consumes image events and renders every variant of each image. Defaults:
 * {@code miniatura/worker-defaults.yml} and {@code miniatura/defaults.yml}. With {@code render} as first
 * argument it renders local files instead ({@link RenderCommand}).
 */
@SpringBootApplication
@MiniaturaService("worker")
public class WorkerApplication {
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(RenderCommand.NAME)) {
            System.exit(RenderCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        SpringApplication.run(WorkerApplication.class, args);
    }
}
