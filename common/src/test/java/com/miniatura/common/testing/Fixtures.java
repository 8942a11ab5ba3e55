package com.miniatura.common.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test images ({@code ../shared/fixtures/images} beside the checkout, given to tests as the system property
 * {@code miniatura.fixtures}): a {@link Prerequisite}, so their absence skips a test on a developer's machine and
 * fails it under CI, where a silently skipped golden test would prove nothing.
 */
public final class Fixtures {
    /** The system property the build sets to the fixture folder (the root pom's {@code miniatura.fixtures}). */
    public static final String PROPERTY = "miniatura.fixtures";

    private Fixtures() {}

    /** The fixture folder, or a skip (locally) / failure (CI) naming where it was looked for. */
    public static Path images() {
        return require(System.getProperty(PROPERTY));
    }

    /** The fixture folder at {@code dir}, or a skip (locally) / failure (CI) naming where it was looked for. */
    public static Path require(String dir) {
        if (dir != null && Files.isDirectory(Path.of(dir))) {
            return Path.of(dir);
        }
        throw Prerequisite.missing("fixture images not found at " + dir + " (../shared/fixtures/images)");
    }
}
