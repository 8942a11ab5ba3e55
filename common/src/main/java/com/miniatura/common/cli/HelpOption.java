package com.miniatura.common.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help}, as every command of ours offers it: mixed into a command's flags with {@code @Mixin}. */
public final class HelpOption {
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help")
    boolean help;
}
