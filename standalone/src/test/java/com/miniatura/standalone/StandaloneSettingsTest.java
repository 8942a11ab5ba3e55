package com.miniatura.standalone;

import static com.miniatura.common.testing.Environments.withArguments;
import static com.miniatura.common.testing.Environments.withSystemProperties;
import static com.miniatura.common.testing.Environments.withVariables;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.config.InvalidConfigurationException;
import com.miniatura.standalone.StandaloneSettings.Component;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.env.StandardEnvironment;

/** The standalone's settings come from arguments, -D properties and environment variables, as a service's do. */
class StandaloneSettingsTest {

    @Test
    void defaultsRunEverythingOnTheUsualPorts() {
        StandaloneSettings settings = StandaloneSettings.from(withVariables(Map.of()));
        assertThat(settings.components()).isEqualTo(EnumSet.allOf(Component.class));
        assertThat(settings.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(settings.kafkaPort()).isEqualTo(9092);
        assertThat(settings.s3Port()).isEqualTo(9000);
        assertThat(settings.accessKey()).isEqualTo("minioadmin");
    }

    static Stream<Object[]> everySourceSetsThePortsAndTheDataDirectory() {
        return Stream.of(
                new Object[] {
                    "--arguments",
                    (Supplier<StandardEnvironment>) () -> withArguments(
                            withVariables(Map.of()),
                            "--miniatura.standalone.s3-port=9100",
                            "--miniatura.standalone.data-dir=/srv/m",
                            "--miniatura.storage.access-key=k")
                },
                new Object[] {
                    "-D system properties",
                    (Supplier<StandardEnvironment>) () -> withSystemProperties(
                            withVariables(Map.of()),
                            Map.of(
                                    "miniatura.standalone.s3-port",
                                    "9100",
                                    "miniatura.standalone.data-dir",
                                    "/srv/m",
                                    "miniatura.storage.access-key",
                                    "k"))
                },
                new Object[] {
                    "environment variables",
                    (Supplier<StandardEnvironment>) () -> withVariables(Map.of(
                            "MINIATURA_STANDALONE_S3_PORT",
                            "9100",
                            "MINIATURA_STANDALONE_DATA_DIR",
                            "/srv/m",
                            "MINIATURA_STORAGE_ACCESS_KEY",
                            "k"))
                },
                new Object[] {
                    "MINIATURA_DATA_DIR, the README's short form",
                    (Supplier<StandardEnvironment>) () -> withVariables(Map.of(
                            "MINIATURA_STANDALONE_S3PORT",
                            "9100",
                            "MINIATURA_DATA_DIR",
                            "/srv/m",
                            "MINIATURA_STORAGE_ACCESSKEY",
                            "k"))
                },
                new Object[] {
                    "an argument over a variable",
                    (Supplier<StandardEnvironment>) () -> withArguments(
                            withVariables(Map.of(
                                    "MINIATURA_STANDALONE_S3_PORT",
                                    "1",
                                    "MINIATURA_DATA_DIR",
                                    "/tmp/x",
                                    "MINIATURA_STORAGE_ACCESS_KEY",
                                    "other")),
                            "--miniatura.standalone.s3-port=9100",
                            "--miniatura.standalone.data-dir=/srv/m",
                            "--miniatura.storage.access-key=k")
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void everySourceSetsThePortsAndTheDataDirectory(String name, Supplier<StandardEnvironment> environment) {
        StandaloneSettings settings = StandaloneSettings.from(environment.get());
        assertThat(settings.s3Port()).isEqualTo(9100);
        assertThat(settings.dataDir()).isEqualTo(Path.of("/srv/m"));
        assertThat(settings.accessKey()).isEqualTo("k");
    }

    @Test
    void everyProblemIsReportedAtOnceNamingItsKey() {
        assertThatThrownBy(() -> StandaloneSettings.from(withVariables(Map.of(
                        "MINIATURA_STANDALONE_COMPONENTS", "kafka,s4",
                        "MINIATURA_STANDALONE_KAFKA_PORT", "70000",
                        "MINIATURA_STANDALONE_S3_PORT", "none"))))
                .isInstanceOfSatisfying(
                        InvalidConfigurationException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "miniatura.standalone.components: expected a list of kafka, s3, ingest, worker but was \"kafka,s4\"",
                                        "miniatura.standalone.kafka-port: expected a TCP port 1..65535 but was \"70000\"",
                                        "miniatura.standalone.s3-port: expected a TCP port 1..65535 but was \"none\""));
    }
}
