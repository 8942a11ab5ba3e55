package com.miniatura.common.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns {@link InvalidConfigurationException} at startup into Spring Boot's short
 * "APPLICATION FAILED TO START" report: every problem once, each naming its key, no stack trace.
 */
public final class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Fix the keys above in application.yml, environment variables or --arguments; "
                        + "the defaults are listed in the README's configuration reference.",
                cause);
    }
}
