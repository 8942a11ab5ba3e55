package com.miniatura.common.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Command-line tools some tests check outputs with (dwebp, exiftool). A developer without one sees the
 * check skipped with the reason; under CI ({@code CI} set, as {@code .ci/run} runs) a missing tool fails
 * the test, because {@code .ci/run} installs them and a silently skipped check would prove nothing.
 */
public final class ExternalTools {
    private ExternalTools() {}

    /** The tool's path, or a skip (locally) / failure (CI) naming the Debian package that provides it. */
    public static Path require(String command, String debianPackage) {
        Optional<Path> found = find(command);
        if (found.isPresent()) {
            return found.get();
        }
        throw Prerequisite.missing(command + " is not on PATH (apt-get install " + debianPackage + "; .ci/run does)");
    }

    public static Optional<Path> find(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
