package com.miniatura.common.testing;

import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from outside the checkout (the shared fixtures, a command-line tool, a native library). On a
 * developer's machine a missing one skips the test with the reason; under CI (environment variable {@code CI} set, as
 * {@code .ci/run} runs) it fails the test, because {@code .ci/run} installs or lays out everything and a silently
 * skipped check would prove nothing. Docker is not such a prerequisite: the Testcontainers tests skip without it.
 */
public final class Prerequisite {
    private Prerequisite() {}

    /** Whether a missing prerequisite fails the test instead of skipping it. */
    public static boolean underCi() {
        return underCi(System.getenv());
    }

    static boolean underCi(Map<String, String> environment) {
        return environment.get("CI") != null;
    }

    /**
     * Skips the test with the message, or fails it under CI. Always throws; {@code throw Prerequisite.missing(...)}
     * tells the compiler so.
     */
    public static RuntimeException missing(String message) {
        return missing(message, System.getenv());
    }

    static RuntimeException missing(String message, Map<String, String> environment) {
        if (underCi(environment)) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }
}
