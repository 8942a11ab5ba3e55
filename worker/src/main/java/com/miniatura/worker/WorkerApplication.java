package com.miniatura.worker;

import com.miniatura.common.config.MiniaturaService;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Consumes image events and renders every variant of each image. Defaults:
 * {@code miniatura/worker-defaults.yml} and {@code miniatura/defaults.yml}.
 */
@SpringBootApplication
@MiniaturaService("worker")
public class WorkerApplication {
    public static void main(String[] args) {
        SpringApplication.run(WorkerApplication.class, args);
    }
}
