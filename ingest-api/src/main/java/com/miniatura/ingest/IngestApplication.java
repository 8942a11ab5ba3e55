package com.miniatura.ingest;

import com.miniatura.common.config.MiniaturaService;
import com.miniatura.ingest.replay.ReplayDlqCommand;
import com.miniatura.ingest.rerender.RerenderCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The HTTP entry point: accepts upload events and originals, and answers status queries. With
 * {@code replay-dlq} or {@code rerender} as first argument it runs that command instead ({@link ReplayDlqCommand},
 * {@link RerenderCommand}).
 * Defaults: {@code miniatura/ingest-api-defaults.yml} and {@code miniatura/defaults.yml}.
 */
@SpringBootApplication
@MiniaturaService("ingest-api")
public class IngestApplication {
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(ReplayDlqCommand.NAME)) {
            System.exit(ReplayDlqCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals(RerenderCommand.NAME)) {
            System.exit(RerenderCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        SpringApplication.run(IngestApplication.class, args);
    }
}
