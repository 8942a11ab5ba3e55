package com.miniatura.common.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds every default of a Miniatura service as the lowest-priority property sources, so that all
 * defaults live in two YAML files ({@code miniatura/defaults.yml}, shared, and
 * {@code miniatura/<service>-defaults.yml}) and anything the operator sets — {@code application.yml},
 * environment variables, command-line arguments — overrides them.
 *
 * <p>Kept out of {@code application.yml} on purpose: several services share one classpath in the
 * standalone jar, where a single {@code application.yml} could not hold each service's defaults.
 */
public final class MiniaturaDefaults implements EnvironmentPostProcessor, Ordered {
    public static final String SHARED = "miniatura/defaults.yml";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        application.getAllSources().stream()
                .filter(Class.class::isInstance)
                .map(source -> ((Class<?>) source).getAnnotation(MiniaturaService.class))
                .filter(annotation -> annotation != null)
                .findFirst()
                .ifPresent(service -> {
                    load("miniatura/" + service.value() + "-defaults.yml")
                            .forEach(environment.getPropertySources()::addLast);
                    load(SHARED).forEach(environment.getPropertySources()::addLast);
                });
    }

    /** The documents of a classpath YAML file as property sources, first document first. */
    public static List<PropertySource<?>> load(String resource) {
        try {
            return new YamlPropertySourceLoader()
                    .load("miniatura defaults (" + resource + ")", new ClassPathResource(resource));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    @Override
    public int getOrder() {
        // After Spring's own config-data processing, so the defaults end up below every other source.
        return Ordered.LOWEST_PRECEDENCE;
    }
}
