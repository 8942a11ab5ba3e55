package com.miniatura.ingest;

import com.miniatura.common.config.MiniaturaService;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The HTTP entry point: accepts upload events and originals, and answers status queries.
 * Defaults: {@code miniatura/ingest-api-defaults.yml} and {@code miniatura/defaults.yml}.
 */
@SpringBootApplication
@MiniaturaService("ingest-api")
public class IngestApplication {
    public static void main(String[] args) {
        SpringApplication.run(IngestApplication.class, args);
    }
}
