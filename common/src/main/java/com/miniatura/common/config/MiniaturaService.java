package com.miniatura.common.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a service's {@code @SpringBootApplication} class with its name, so that
 * {@link MiniaturaDefaults} loads {@code miniatura/defaults.yml} plus {@code miniatura/<name>-defaults.yml}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface MiniaturaService {
    /** e.g. {@code worker} → {@code miniatura/worker-defaults.yml}. */
    String value();
}
