package com.miniatura.common.config;

import java.util.List;

/** Thrown at startup when the configuration is invalid; the message lists every problem, one per line. */
public final class InvalidConfigurationException extends RuntimeException {
    private final List<String> problems;

    public InvalidConfigurationException(List<String> problems) {
        super("Invalid Miniatura configuration (" + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
