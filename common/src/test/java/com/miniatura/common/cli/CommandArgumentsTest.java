package com.miniatura.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A command's arguments: every problem at once naming its flag, configuration properties kept apart, help. */
class CommandArgumentsTest {

    @Command(name = "try")
    static final class Flags {
        @Option(names = "--count")
        Integer count;

        @Option(names = "--name")
        String name;

        @Option(names = "--help", usageHelp = true)
        boolean help;
    }

    private static CommandArguments read(Flags flags, String... args) {
        return CommandArguments.read(flags, args, name -> name + ": expected a value", option -> "a whole number");
    }

    @Test
    void everyProblemNamesItsFlagAndPropertiesGoToSpring() {
        Flags flags = new Flags();
        CommandArguments parsed = read(
                flags, "--count=many", "--spring.kafka.bootstrap-servers=k:9092", "--colour=red", "stray", "--name");
        assertThat(parsed.problems())
                .containsExactly("--count: expected a whole number but was \"many\"", "--name: expected a value");
        assertThat(parsed.properties()).containsExactly("--spring.kafka.bootstrap-servers=k:9092");
        assertThat(parsed.unknown()).containsExactly("unknown argument --colour=red", "unknown argument stray");
        assertThat(parsed.given("--count")).as("given, though refused").isTrue();
        assertThat(parsed.help()).isFalse();
    }

    @Test
    void valuesReachTheFlags() {
        Flags flags = new Flags();
        CommandArguments parsed = read(flags, "--count", "3", "--name=x");
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.unknown()).isEmpty();
        assertThat(flags.count).isEqualTo(3);
        assertThat(flags.name).isEqualTo("x");
    }

    @Test
    void helpListsTheFlags() {
        CommandArguments parsed = read(new Flags(), "--help");
        assertThat(parsed.help()).isTrue();
        assertThat(parsed.usage()).contains("--count", "--name");
    }
}
