package com.miniatura.worker.render.boundaryviolation;

import java.io.FileInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/** Code that breaks render's boundaries on purpose, so that WorkerBoundariesTest proves its rules catch it. */
public final class Violations {
    private Violations() {}

    /** Render code reading a file. */
    public static byte[] readsAFile(Path path) throws IOException {
        return Files.readAllBytes(path);
    }

    /** Render code opening a java.io file stream. */
    public static int opensAFileStream(String name) throws IOException {
        try (FileInputStream in = new FileInputStream(name)) {
            return in.read();
        }
    }

    /** Render code reaching for the network. */
    public static String namesAHost(String url) {
        return URI.create(url).getHost();
    }

    /** Render code that is a Spring bean. */
    @Component
    public static final class ABean {}
}
