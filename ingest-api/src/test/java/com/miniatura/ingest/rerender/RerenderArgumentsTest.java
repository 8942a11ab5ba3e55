package com.miniatura.ingest.rerender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad {@code rerender} arguments: exit status 2, every problem named by its flag, nothing started. */
class RerenderArgumentsTest {

    record Case(String description, List<String> args, List<String> problems) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no mode", List.of(), List.of("--mode: expected missing or all but was not set")),
                new Case(
                        "bad mode",
                        List.of("--mode=some"),
                        List.of("--mode: expected missing or all but was \"some\"")),
                new Case(
                        "everything wrong at once",
                        List.of(
                                "--mode",
                                "all",
                                "--rate=fast",
                                "--parallelism=0",
                                "--shards=99999",
                                "--checkpoint-every=forever",
                                "--id-from=tag",
                                "--progress=loud",
                                "--metrics-port=70000",
                                "--run=a/b"),
                        List.of(
                                "--rate: expected a number of events per second, 1..10000000 but was \"fast\"",
                                "--parallelism: expected 1..256 but was \"0\"",
                                "--shards: expected 1..4096 but was \"99999\"",
                                "--metrics-port: expected a port 1..65535 but was \"70000\"",
                                "--checkpoint-every: expected a duration 100ms..1h such as 10s but was \"forever\"",
                                "--id-from: expected metadata or key but was \"tag\"",
                                "--progress: expected auto or bar or log or none but was \"loud\"",
                                "--run: expected 1-100 characters of A-Z, a-z, 0-9, '.', '_' or '-' but was \"a/b\"")),
                new Case(
                        "two sources",
                        List.of("--mode=all", "--prefix=lots/", "--from-file=/nonexistent/keys.txt"),
                        List.of(
                                "--prefix: lists the bucket, so it cannot go with --from-file (one source: the listing or the file)",
                                "--from-file: expected a readable file but \"/nonexistent/keys.txt\" is not one")),
                new Case(
                        "empty and repeated variants",
                        List.of("--mode=missing", "--variants=,"),
                        List.of("--variants: expected variant names such as s150,d800 but was \",\"")),
                new Case(
                        "a variant twice",
                        List.of("--mode=missing", "--variants=a,a"),
                        List.of("--variants: names a variant twice")),
                new Case(
                        "an unknown flag and a missing value",
                        List.of("--mode=all", "--colour=red", "--rate"),
                        List.of("unknown argument --colour=red", "--rate: expected a value (--rate=VALUE)")),
                new Case(
                        "a prune given a re-render's flags",
                        List.of(
                                "--prune",
                                "--mode=all",
                                "--bucket=originals",
                                "--variants=s150",
                                "--id-from=key",
                                "--metrics-port=9100",
                                "--jobs-per-core=10"),
                        List.of(
                                "--mode: does not apply to --prune", "--bucket: does not apply to --prune",
                                "--variants: does not apply to --prune", "--id-from: does not apply to --prune",
                                "--metrics-port: does not apply to --prune",
                                        "--jobs-per-core: does not apply to --prune")),
                new Case(
                        "a re-render given a prune's flags",
                        List.of("--mode=all", "--delete", "--prune-min-age=1h", "--prune-without-manifest"),
                        List.of(
                                "--delete: only applies to --prune",
                                "--prune-min-age: only applies to --prune",
                                "--prune-without-manifest: only applies to --prune")),
                new Case(
                        "a prune both dry and deleting",
                        List.of("--prune", "--delete", "--dry-run"),
                        List.of(
                                "--dry-run: --prune is a dry run unless --delete is given; pass one of them, not both")),
                new Case(
                        "a prune with a bad age",
                        List.of("--prune", "--prune-min-age=soon"),
                        List.of("--prune-min-age: expected a duration 0s..3650d such as 24h but was \"soon\"")),
                new Case(
                        "--move-metadata with flags of a re-render",
                        List.of("--move-metadata", "--mode=all", "--variants=s150", "--rate=fast", "--dry-run"),
                        List.of(
                                "--mode: does not go with --move-metadata, which moves manifests and checkpoints and publishes nothing",
                                "--variants: does not go with --move-metadata, which moves manifests and checkpoints and publishes"
                                        + " nothing",
                                "--rate: expected a number of objects per second, 1..10000000 but was \"fast\"")),
                new Case(
                        "--move-metadata with a value",
                        List.of("--move-metadata=soon"),
                        List.of(
                                "--move-metadata: expected true or false (or no value) but was \"soon\"",
                                "--mode: expected missing or all but was not set")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesNamingEachFlag(Case c) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = RerenderCommand.run(
                c.args().toArray(String[]::new),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.stream().filter(l -> l.startsWith("rerender: ")).map(l -> l.substring("rerender: ".length())))
                .containsExactlyInAnyOrderElementsOf(c.problems());
        assertThat(lines).anyMatch(l -> l.startsWith("usage: rerender --mode=missing|all"));
    }

    @Test
    void durationsReadAsOperatorsWriteThem() {
        RerenderFlags.Durations durations = new RerenderFlags.Durations();
        assertThat(durations.convert("500ms")).hasMillis(500);
        assertThat(durations.convert("10s")).hasSeconds(10);
        assertThat(durations.convert("2m")).hasMinutes(2);
        assertThat(durations.convert("24h")).hasHours(24);
        assertThat(durations.convert("7d")).hasDays(7);
        assertThat(durations.convert("PT30S")).hasSeconds(30);
        assertThatThrownBy(() -> durations.convert("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void helpListsEveryFlagAndExits0() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = RerenderCommand.run(
                new String[] {"--help"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("usage: rerender --mode=missing|all")
                .contains(
                        "--mode",
                        "--bucket",
                        "--prefix",
                        "--from-file",
                        "--variants",
                        "--rate",
                        "--dry-run",
                        "--run",
                        "--restart",
                        "--checkpoint-every",
                        "--parallelism",
                        "--shards",
                        "--id-from",
                        "--progress",
                        "--metrics-port",
                        "--jobs-per-core",
                        "--prune",
                        "--delete",
                        "--prune-min-age",
                        "--prune-without-manifest",
                        "--move-metadata");
    }
}
