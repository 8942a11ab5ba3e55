package com.miniatura.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.yaml.snakeyaml.Yaml;

/**
 * What a Dockerfile's last stage (the image that runs) holds, as far as a container's command depends on it: its
 * working directory, the paths its COPY instructions write and its ENTRYPOINT. Read from the Dockerfile itself, so a
 * manifest that runs a file the image does not contain fails a test rather than a pod.
 *
 * @param workdir the last WORKDIR, absolute
 * @param copied what each COPY writes: a file's absolute path, or a directory's with a trailing slash (its contents)
 * @param entrypoint the exec-form ENTRYPOINT
 */
record RuntimeImage(String workdir, List<String> copied, List<String> entrypoint) {

    /** The runtime stage of {@code dockerfile}: the instructions after its last FROM. */
    static RuntimeImage of(Path dockerfile) {
        String text;
        try {
            text = Files.readString(dockerfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> instructions = instructions(text);
        int from = -1;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith("FROM ")) {
                from = i;
            }
        }
        assertThat(from).as("%s: a FROM", dockerfile).isNotNegative();
        String workdir = "/";
        List<String> copied = new ArrayList<>();
        List<String> entrypoint = null;
        for (String instruction : instructions.subList(from + 1, instructions.size())) {
            String[] words = instruction.split("\\s+", 2);
            String rest = words.length > 1 ? words[1].strip() : "";
            switch (words[0]) {
                case "WORKDIR" -> workdir = resolve(workdir, rest) + "/";
                case "COPY", "ADD" -> {
                    List<String> args = new ArrayList<>(Arrays.stream(rest.split("\\s+"))
                            .filter(a -> !a.startsWith("--"))
                            .toList());
                    assertThat(args).as("%s: %s", dockerfile, instruction).hasSizeGreaterThanOrEqualTo(2);
                    String destination = resolve(workdir, args.remove(args.size() - 1));
                    for (String source : args) {
                        String name = source.replaceAll("/+$", "");
                        name = name.substring(name.lastIndexOf('/') + 1);
                        boolean directory = source.endsWith("/") || source.equals(".");
                        copied.add(
                                directory
                                        ? asDirectory(destination)
                                        : destination.endsWith("/") || args.size() > 1
                                                ? asDirectory(destination) + name
                                                : destination);
                    }
                }
                case "ENTRYPOINT" -> {
                    assertThat(rest)
                            .as("%s: ENTRYPOINT in exec form", dockerfile)
                            .startsWith("[");
                    entrypoint = new Yaml().load(rest);
                }
                default -> {}
            }
        }
        assertThat(entrypoint).as("%s: an ENTRYPOINT", dockerfile).isNotNull();
        return new RuntimeImage(workdir, List.copyOf(copied), List.copyOf(entrypoint));
    }

    /** Whether the image holds the file at {@code path} (absolute, or relative to the working directory) by name. */
    boolean holdsFile(String path) {
        return copied.contains(resolve(workdir, path));
    }

    /** Logical lines, continuations joined, comments and parser directives dropped. */
    private static List<String> instructions(String text) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || (stripped.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
            } else {
                current.append(stripped);
                instructions.add(current.toString().strip());
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static String asDirectory(String path) {
        return path.endsWith("/") ? path : path + "/";
    }

    private static String resolve(String workdir, String path) {
        String absolute = path.startsWith("/") ? path : asDirectory(workdir) + path;
        return Path.of(absolute).normalize().toString().replace('\\', '/')
                + (path.endsWith("/") && !absolute.equals("/") ? "/" : "");
    }
}
