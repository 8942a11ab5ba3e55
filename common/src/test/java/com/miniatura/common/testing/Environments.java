package com.miniatura.common.testing;

import com.miniatura.common.config.MiniaturaDefaults;
import java.util.Map;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Spring environments for configuration tests, built the way a service's is: command-line arguments, system
 * properties and environment variables above the defaults of {@code miniatura/*.yml}.
 *
 * <p>The environment variables are given, not this machine's: they are a real {@link SystemEnvironmentPropertySource}
 * under {@link StandardEnvironment#SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME}, the name that makes Spring Boot map
 * {@code MINIATURA_STORAGE_ACCESS_KEY} to {@code miniatura.storage.access-key}.
 */
public final class Environments {
    private Environments() {}

    /**
     * An environment of the given variables over the defaults of {@code resources} (e.g.
     * {@code miniatura/defaults.yml}), highest priority first.
     */
    public static StandardEnvironment withVariables(Map<String, String> variables, String... resources) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.copyOf(variables)));
        // this JVM's -D options are no concern of a test's
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                        new MapPropertySource(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, Map.of()));
        for (String resource : resources) {
            for (PropertySource<?> source : MiniaturaDefaults.load(resource)) {
                environment.getPropertySources().addLast(source);
            }
        }
        return environment;
    }

    /** {@link #withVariables} with {@code --key=value} arguments above everything, as Spring Boot adds them. */
    public static StandardEnvironment withArguments(StandardEnvironment environment, String... arguments) {
        environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(arguments));
        return environment;
    }

    /** {@link #withVariables} with {@code -Dkey=value} system properties, between arguments and variables. */
    public static StandardEnvironment withSystemProperties(
            StandardEnvironment environment, Map<String, Object> properties) {
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                        new MapPropertySource(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, properties));
        return environment;
    }
}
