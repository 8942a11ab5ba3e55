package com.miniatura.ingest.rerender;

import com.miniatura.common.cli.CommandArguments;
import com.miniatura.common.cli.HelpOption;
import com.miniatura.ingest.rerender.RerenderOptions.IdFrom;
import com.miniatura.ingest.rerender.RerenderOptions.Mode;
import com.miniatura.ingest.rerender.RerenderOptions.ProgressStyle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The flags of {@code rerender} (picocli), checked together: every problem is reported at once, each naming its
 * flag, as {@code --flag: expected … but was "…"}. Arguments whose name has a dot ({@code --spring.kafka…=}) are
 * configuration properties, passed on to Spring.
 */
@Command(
        name = RerenderCommand.NAME,
        synopsisHeading = "",
        customSynopsis = RerenderCommand.USAGE,
        descriptionHeading = "%n",
        description = {
            "Re-renders the catalog through the bulk lane, resumably (docs/rerender.md). Any --miniatura...= or",
            "--spring.kafka...= argument is a configuration property.",
            "Exit status: 0 done (or already done), 1 failed or stopped (run it again to continue), 2 bad arguments",
            "or configuration."
        },
        optionListHeading = "%nOptions:%n",
        sortOptions = false)
final class RerenderFlags {
    /** Flags of a re-render that mean nothing to a prune. */
    private static final List<String> NOT_FOR_PRUNE = List.of(
            "--mode", "--bucket", "--from-file", "--variants", "--id-from", "--metrics-port", "--jobs-per-core");
    /** Flags of a prune that mean nothing to a re-render. */
    private static final List<String> ONLY_FOR_PRUNE =
            List.of("--delete", "--prune-min-age", "--prune-without-manifest");
    /** The flags {@code --move-metadata} takes: it moves documents and publishes nothing. */
    private static final List<String> MOVE_FLAGS =
            List.of("--move-metadata", "--dry-run", "--rate", "--parallelism", "--shards");

    private static final String SWITCH = "true or false (or no value)";
    /** What each flag with a value expects, for the message when it gets something else. */
    private static final Map<String, String> EXPECTED = Map.ofEntries(
            Map.entry("--mode", "missing or all"),
            Map.entry("--parallelism", "1..256"),
            Map.entry("--shards", "1..4096"),
            Map.entry("--metrics-port", "a port 1..65535"),
            Map.entry("--jobs-per-core", "a positive number"),
            Map.entry("--checkpoint-every", "a duration 100ms..1h such as 10s"),
            Map.entry("--prune-min-age", "a duration 0s..3650d such as 24h"),
            Map.entry("--id-from", choices(IdFrom.class)),
            Map.entry("--progress", choices(ProgressStyle.class)));

    @Option(
            names = "--mode",
            paramLabel = "missing|all",
            description = "missing: what is absent, failed or stale; all: every image")
    Mode mode;

    @Option(
            names = "--bucket",
            paramLabel = "NAME",
            description = "The originals' bucket (default: the configured one)")
    String bucket;

    @Option(names = "--prefix", paramLabel = "P", description = "Only keys starting with P")
    String prefix;

    @Option(names = "--from-file", paramLabel = "PATH", description = "Keys from a file: lines key or imageId,key")
    Path fromFile;

    @Option(
            names = "--variants",
            paramLabel = "a,b",
            split = ",",
            hideParamSyntax = true,
            description = "Only these variants of the catalog")
    List<String> variants;

    @Option(names = "--rate", paramLabel = "N", description = "At most N events (deletions, moves) per second")
    Double rate;

    @Option(
            names = "--dry-run",
            arity = "0..1",
            paramLabel = "true|false",
            description = "Count and estimate; publish nothing, save no checkpoint")
    boolean dryRun;

    @Option(
            names = "--run",
            paramLabel = "NAME",
            description = "The checkpoint's name (default: from what the run does)")
    String run;

    @Option(
            names = "--restart",
            arity = "0..1",
            paramLabel = "true|false",
            description = "Start the run over, ignoring its checkpoint")
    boolean restart;

    @Option(
            names = "--checkpoint-every",
            paramLabel = "DURATION",
            converter = Durations.class,
            description = "How often the position is saved (default: 10s)")
    Duration checkpointEvery = Duration.ofSeconds(10);

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "Threads listing and reading manifests (default: 16)")
    int parallelism = 16;

    @Option(names = "--shards", paramLabel = "N", description = "Key ranges the listing is split into (default: 64)")
    int shards = 64;

    @Option(names = "--id-from", paramLabel = "metadata|key", description = "Where an original's imageId comes from")
    IdFrom idFrom = IdFrom.METADATA;

    @Option(names = "--progress", paramLabel = "auto|bar|log|none", description = "How progress is shown")
    ProgressStyle progress = ProgressStyle.AUTO;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Prometheus metrics at :PORT/metrics")
    Integer metricsPort;

    @Option(
            names = "--jobs-per-core",
            paramLabel = "N",
            description = "Images per second per core, for the estimate (default: 10)")
    double jobsPerCore = 10;

    @Option(
            names = "--prune",
            arity = "0..1",
            paramLabel = "true|false",
            description = "Find variant objects no manifest lists; delete nothing")
    boolean prune;

    @Option(names = "--delete", arity = "0..1", paramLabel = "true|false", description = "With --prune: delete them")
    boolean delete;

    @Option(
            names = "--prune-min-age",
            paramLabel = "DURATION",
            converter = Durations.class,
            description = "With --prune: never delete what is younger (default: 24h)")
    Duration pruneMinAge = Duration.ofHours(24);

    @Option(
            names = "--prune-without-manifest",
            arity = "0..1",
            paramLabel = "true|false",
            description = "With --prune: also the old variants of images without a manifest")
    boolean pruneWithoutManifest;

    @Option(
            names = "--move-metadata",
            arity = "0..1",
            paramLabel = "true|false",
            description = "Move manifests and checkpoints from the thumbnails bucket to the metadata bucket")
    boolean moveMetadata;

    @Mixin
    HelpOption help;

    /** Spring's duration syntax: {@code 500ms}, {@code 10s}, {@code 24h}, {@code 7d}, or ISO-8601 ({@code PT30S}). */
    static final class Durations implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return DurationStyle.detectAndParse(value.strip());
        }
    }

    /**
     * Reads {@code args} into these fields; every problem goes to {@code problems}.
     *
     * @return the arguments as read: the configuration properties among them, for Spring, and the help
     */
    CommandArguments parse(String[] args, List<String> problems) {
        CommandArguments parsed = CommandArguments.read(
                this,
                args,
                name -> name + ": expected a value (" + name + "=VALUE)",
                option -> option.arity().min == 0 ? SWITCH : expected(option.longestName(), moveMetadata));
        if (!parsed.help()) {
            problems.addAll(parsed.problems());
            check(parsed, moveMetadata, problems);
            problems.addAll(parsed.unknown());
        }
        return parsed;
    }

    private static String expected(String name, boolean move) {
        if (name.equals("--rate")) {
            return "a number of " + (move ? "objects" : "events") + " per second, 1..10000000";
        }
        return EXPECTED.getOrDefault(name, "a value");
    }

    /** What picocli cannot tell: ranges, and flags that do not go together. */
    private void check(CommandArguments parsed, boolean move, List<String> problems) {
        ParseResult result = parsed.result();
        if (move) {
            result.matchedOptions().stream()
                    .map(OptionSpec::longestName)
                    .distinct()
                    .filter(name -> !MOVE_FLAGS.contains(name))
                    .forEach(name -> problems.add(name + ": does not go with --move-metadata, which moves manifests and"
                            + " checkpoints and publishes nothing"));
        }
        if (prune && !move) {
            NOT_FOR_PRUNE.stream()
                    .filter(result::hasMatchedOption)
                    .forEach(flag -> problems.add(flag + ": does not apply to --prune"));
            if (delete && result.hasMatchedOption("--dry-run")) {
                problems.add("--dry-run: --prune is a dry run unless --delete is given; pass one of them, not both");
            }
        } else if (!move) {
            ONLY_FOR_PRUNE.stream()
                    .filter(result::hasMatchedOption)
                    .forEach(flag -> problems.add(flag + ": only applies to --prune"));
            if (mode == null && !parsed.given("--mode")) {
                problems.add("--mode: expected missing or all but was not set");
            }
        }
        if (variants != null) {
            variants = variants.stream()
                    .map(String::strip)
                    .filter(v -> !v.isEmpty())
                    .toList();
            if (variants.isEmpty()) {
                problems.add("--variants: expected variant names such as s150,d800 but was \""
                        + String.join(",", result.matchedOption("--variants").originalStringValues()) + "\"");
                variants = null;
            } else if (variants.stream().distinct().count() != variants.size()) {
                problems.add("--variants: names a variant twice");
            }
        }
        range(result, "--rate", rate != null && (rate < 1 || rate > 10_000_000), expected("--rate", move), problems);
        range(result, "--parallelism", parallelism < 1 || parallelism > 256, null, problems);
        range(result, "--shards", shards < 1 || shards > 4096, null, problems);
        range(
                result,
                "--metrics-port",
                metricsPort != null && (metricsPort < 1 || metricsPort > 65535),
                null,
                problems);
        range(result, "--jobs-per-core", jobsPerCore < 0.01 || jobsPerCore > 100_000, null, problems);
        range(
                result,
                "--checkpoint-every",
                checkpointEvery.toMillis() < 100 || checkpointEvery.toHours() > 1,
                null,
                problems);
        range(result, "--prune-min-age", pruneMinAge.isNegative() || pruneMinAge.toDays() > 3650, null, problems);
        if (fromFile != null) {
            if (prefix != null) {
                problems.add(
                        "--prefix: lists the bucket, so it cannot go with --from-file (one source: the listing or the file)");
            }
            if (!Files.isReadable(fromFile) || Files.isDirectory(fromFile)) {
                problems.add("--from-file: expected a readable file but \"" + fromFile + "\" is not one");
            }
        }
        if (run != null && !run.matches("[A-Za-z0-9._-]{1,100}")) {
            problems.add("--run: expected 1-100 characters of A-Z, a-z, 0-9, '.', '_' or '-' but was \"" + run + "\"");
        }
    }

    private static void range(
            ParseResult result, String name, boolean outside, String expected, List<String> problems) {
        OptionSpec option = result.matchedOption(name);
        if (outside && option != null) {
            problems.add(name + ": expected " + (expected != null ? expected : expected(name, false)) + " but was \""
                    + option.originalStringValues()
                            .get(option.originalStringValues().size() - 1) + "\"");
        }
    }

    private static String choices(Class<? extends Enum<?>> type) {
        return String.join(
                " or ",
                Arrays.stream(type.getEnumConstants())
                        .map(e -> e.name().toLowerCase(Locale.ROOT))
                        .toList());
    }
}
