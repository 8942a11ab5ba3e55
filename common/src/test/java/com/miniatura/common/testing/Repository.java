package com.miniatura.common.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout's root directory, for tests that read its files (deploy/, docker-compose.yml, docs/, README.md). */
public final class Repository {
    private Repository() {}

    /**
     * The directory holding {@code deploy/base/kustomization.yaml}, found upwards from the working directory (a
     * module's, under Maven).
     */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/base/kustomization.yaml"))) {
                return dir;
            }
        }
        throw new AssertionError(
                "no deploy/base/kustomization.yaml above " + Path.of("").toAbsolutePath());
    }
}
