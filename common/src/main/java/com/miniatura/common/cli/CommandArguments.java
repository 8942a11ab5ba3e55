package com.miniatura.common.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A command's arguments as picocli reads them into its flags object, with what every command of ours does alike:
 * all problems collected instead of stopping at the first, each naming its flag; arguments whose name has a dot
 * ({@code --spring.kafka.bootstrap-servers=…}, {@code --miniatura.variants.s150.quality=70}) kept apart as
 * configuration properties for Spring; anything else named as unknown.
 *
 * @param result     what picocli matched, for checks of which flags were given
 * @param problems   what picocli refused, in the command's words: {@code --flag: expected … but was "…"}
 * @param properties the configuration properties, for Spring
 * @param unknown    the other arguments no flag took, each as its problem: {@code unknown argument --colour=red}
 * @param usage      the full help: the usage and every flag with what it does
 */
public record CommandArguments(
        ParseResult result, List<String> problems, List<String> properties, List<String> unknown, String usage) {

    /**
     * Reads {@code args} into {@code flags}.
     *
     * @param flags    a picocli {@code @Command} object with {@code @Option} fields
     * @param missing  the problem of a flag given without its value, by the flag's name
     * @param expected what a flag expects, for a value it cannot take
     */
    public static CommandArguments read(
            Object flags, String[] args, Function<String, String> missing, Function<OptionSpec, String> expected) {
        CommandLine command = new CommandLine(flags)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExpandAtFiles(false)
                .setUsageHelpWidth(120)
                .setUnmatchedArgumentsAllowed(true);
        command.getCommandSpec().parser().collectErrors(true);
        ParseResult result = command.parseArgs(args);
        List<String> problems = new ArrayList<>();
        for (Exception e : result.errors()) {
            if (e instanceof CommandLine.MissingParameterException m
                    && !m.getMissing().isEmpty()
                    && m.getMissing().get(0) instanceof OptionSpec option) {
                problems.add(missing.apply(option.longestName()));
            } else if (e instanceof CommandLine.ParameterException p && p.getArgSpec() instanceof OptionSpec option) {
                problems.add(option.longestName() + ": expected " + expected.apply(option) + " but was \""
                        + p.getValue() + "\"");
            } else {
                problems.add(e.getMessage());
            }
        }
        List<String> properties = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String arg : result.unmatched()) {
            boolean property =
                    arg.startsWith("--") && arg.substring(2).split("=", 2)[0].contains(".");
            (property ? properties : unknown).add(property ? arg : "unknown argument " + arg);
        }
        return new CommandArguments(
                result,
                List.copyOf(problems),
                List.copyOf(properties),
                List.copyOf(unknown),
                command.getUsageMessage());
    }

    /**
     * Reports {@code problems}, if any, as every command does: each on its own line as {@code <command>: <problem>},
     * then the short usage. The caller exits with status 2 when this returns {@code true}.
     */
    public static boolean refused(String command, List<String> problems, String usage, PrintStream err) {
        problems.forEach(p -> err.println(command + ": " + p));
        if (!problems.isEmpty()) {
            err.println(usage);
        }
        return !problems.isEmpty();
    }

    /**
     * The command's Spring context from {@code source}, configured by {@link #properties}: no web server, no banner,
     * no start-up log, so the command's own output is all the operator reads.
     */
    public static ConfigurableApplicationContext context(Class<?> source, List<String> properties) {
        return new SpringApplicationBuilder(source)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .run(properties.toArray(String[]::new));
    }

    /** Whether {@code --help} was asked for. */
    public boolean help() {
        return result.isUsageHelpRequested();
    }

    /** Whether the flag was given, with a value it could take or not. */
    public boolean given(String flag) {
        return result.hasMatchedOption(flag) || problems.stream().anyMatch(p -> p.startsWith(flag + ":"));
    }
}
