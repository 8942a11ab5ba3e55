package com.miniatura.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.config.InvalidConfigurationException;
import com.miniatura.common.config.KafkaSettings;
import com.miniatura.common.config.MiniaturaDefaults;
import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.config.Problems;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.testing.Environments;
import com.miniatura.common.testing.Repository;
import com.miniatura.ingest.IngestSettings;
import com.miniatura.ingest.StuckSettings;
import com.miniatura.ingest.UploadSettings;
import com.miniatura.ingest.auth.AuthSettings;
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.consume.DeadLetterStatusSettings;
import com.miniatura.worker.consume.RetrySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * Every environment variable that {@code deploy/}, {@code docker-compose.yml}, the Dockerfiles and the docs set (or
 * tell an operator to set) reaches a setting of the service that receives it. The variables are read from those
 * files when the test runs, so a variable added there is checked without touching this test.
 *
 * <p>Where a variable comes from: in {@code deploy/}, the {@code env} and {@code envFrom} of every container whose
 * image is a Miniatura service (the ConfigMaps' keys, overlays' {@code configMapGenerator} literals included, and
 * the Secrets' keys as the {@code kubectl create secret} commands in the comments give them); in
 * {@code docker-compose.yml}, the {@code environment} of the Miniatura services; in a Dockerfile, its {@code ENV}
 * lines; and anywhere in those files and in {@code docs/*.md} and {@code README.md}, every {@code MINIATURA_*},
 * {@code SPRING_*}, {@code SERVER_*}, {@code MANAGEMENT_*} and {@code LOGGING_*} name, and each key of the README's
 * configuration table in its environment-variable form. The other containers (Kafka, MinIO, Grafana…) read
 * their own variables, which are not this project's settings.
 *
 * <p>How "reaches" is decided: the service's settings are loaded, the way it loads them at startup, from its
 * defaults and the variable alone, through a real {@link SystemEnvironmentPropertySource} (so Spring Boot maps
 * {@code MINIATURA_STORAGE_ACCESS_KEY} as it does in a container), with the file's value, with another and with one
 * no setting accepts; the variable reaches the service if what it loaded differs: a settings record, a problem
 * naming the key, or one of Spring's keys in the service's defaults whose value uses it
 * ({@code ${miniatura.worker.topic}}).
 * A variable under a service's own prefix ({@code MINIATURA_STORAGE_…} for both services, {@code MINIATURA_INGEST_…}
 * for the ingest API) must reach every such service that receives it; any other must reach at least one of its
 * receivers. Spring's own keys that no defaults file names ({@code SPRING_CONFIG_ADDITIONAL_LOCATION}) must be
 * keys Spring declares in its configuration metadata; the JVM's own variables are listed below with the reason.
 */
class EnvironmentVariablesTest {
    private static final Path REPO = Repository.root();

    /** Variables read by the JVM or a native library, not by Spring: no configuration key matches them. */
    private static final Map<String, String> JVM_VARIABLES = Map.of(
            "JAVA_TOOL_OPTIONS", "options every java process of the image applies (heap, collector, tmpdir)",
            "JDK_JAVA_OPTIONS", "options the java launcher applies",
            "TJ_OPTIMIZE", "libjpeg-turbo's TurboJPEG 2.1 optimises the Huffman tables of the JPEGs it encodes");

    /** A process that reads configuration, and how it loads it at startup. */
    enum Receiver {
        INGEST_API(
                "ingest-api",
                List.of(MiniaturaDefaults.SHARED, "miniatura/ingest-api-defaults.yml"),
                List.of(
                        StorageSettings.PREFIX,
                        KafkaSettings.PREFIX,
                        VariantCatalog.PREFIX,
                        VariantCatalog.DEFAULTS_PREFIX,
                        IngestSettings.PREFIX),
                (environment, problems) -> List.of(
                        MiniaturaSettings.load(environment, problems),
                        IngestSettings.load(environment, problems),
                        AuthSettings.load(environment, problems),
                        UploadSettings.load(environment, problems),
                        StuckSettings.load(environment, problems))),
        WORKER(
                "worker",
                List.of(MiniaturaDefaults.SHARED, "miniatura/worker-defaults.yml"),
                List.of(
                        StorageSettings.PREFIX,
                        KafkaSettings.PREFIX,
                        VariantCatalog.PREFIX,
                        VariantCatalog.DEFAULTS_PREFIX,
                        WorkerSettings.PREFIX),
                (environment, problems) -> List.of(
                        MiniaturaSettings.load(environment, problems),
                        WorkerSettings.load(environment, problems),
                        RetrySettings.load(environment, problems),
                        DeadLetterStatusSettings.load(environment, problems))),
        STANDALONE("standalone", List.of(), List.of("miniatura.standalone"), (environment, problems) -> {
            try {
                return List.of(StandaloneSettings.from(environment));
            } catch (InvalidConfigurationException e) {
                e.problems().forEach(problem -> problems.add(problem, ""));
                return List.of();
            }
        });

        final String label;
        final List<String> defaults;
        /** The prefixes of its own settings. */
        final List<String> prefixes;

        final Loader loader;

        Receiver(String label, List<String> defaults, List<String> prefixes, Loader loader) {
            this.label = label;
            this.defaults = defaults;
            this.prefixes = prefixes;
            this.loader = loader;
        }

        /** What the service configures itself with when only {@code variable} is set, described in full. */
        String load(String variable, String value) {
            StandardEnvironment environment =
                    Environments.withVariables(Map.of(variable, value), defaults.toArray(String[]::new));
            Problems problems = new Problems();
            List<Object> settings = loader.load(environment, problems);
            return describe(settings) + "\nproblems " + problems.messages() + "\nspring " + springKeys(environment);
        }

        /** Whether {@code variable} is below one of this service's own prefixes, as Spring maps its name. */
        boolean owns(String variable) {
            ConfigurationPropertySource source = ConfigurationPropertySource.from(environmentSource(variable));
            return prefixes.stream()
                    .anyMatch(prefix -> source.containsDescendantOf(ConfigurationPropertyName.of(prefix))
                            == ConfigurationPropertyState.PRESENT);
        }

        /** Spring's (not Miniatura's) keys of the service's defaults, resolved: those that use a Miniatura key. */
        private Map<String, String> springKeys(ConfigurableEnvironment environment) {
            Map<String, String> resolved = new TreeMap<>();
            for (String resource : defaults) {
                for (PropertySource<?> source : MiniaturaDefaults.load(resource)) {
                    for (String key : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
                        if (!key.startsWith("miniatura.")) {
                            try {
                                resolved.put(key, environment.getProperty(key));
                            } catch (IllegalArgumentException e) {
                                resolved.put(key, e.getMessage());
                            }
                        }
                    }
                }
            }
            return resolved;
        }
    }

    @FunctionalInterface
    interface Loader {
        List<Object> load(ConfigurableEnvironment environment, Problems problems);
    }

    /** A variable as a file sets it: for {@code receivers}, with {@code value} ({@code null}: not given there). */
    record Variable(String name, String value, Set<Receiver> receivers, String where) {
        @Override
        public String toString() {
            return name + " (" + where + " → "
                    + receivers.stream().map(r -> r.label).collect(Collectors.joining(", ")) + ")";
        }
    }

    static Stream<Variable> everyVariableReachesItsSetting() {
        List<Variable> variables = new ArrayList<>();
        variables.addAll(deployVariables());
        variables.addAll(composeVariables());
        variables.addAll(dockerfileVariables());
        variables.addAll(mentionedVariables());
        variables.addAll(readmeKeys());
        // one case per variable, receivers and value
        Map<String, Variable> unique = new LinkedHashMap<>();
        variables.forEach(v -> unique.putIfAbsent(v.name() + v.receivers() + v.value(), v));
        return unique.values().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void everyVariableReachesItsSetting(Variable variable) {
        if (JVM_VARIABLES.containsKey(variable.name())) {
            return;
        }
        String value = variable.value() == null ? "1" : variable.value();
        Map<Receiver, Boolean> reached = new LinkedHashMap<>();
        for (Receiver receiver : variable.receivers()) {
            // a value, another one, and one no setting accepts (a default no variant uses shows only when invalid)
            reached.put(
                    receiver,
                    Stream.of(value, value + "1", "~not a value~")
                                    .map(probe -> receiver.load(variable.name(), probe))
                                    .distinct()
                                    .count()
                            > 1);
        }
        Set<Receiver> owners = EnumSet.noneOf(Receiver.class);
        variable.receivers().stream().filter(r -> r.owns(variable.name())).forEach(owners::add);
        if (!owners.isEmpty()) {
            for (Receiver owner : owners) {
                assertThat(reached.get(owner))
                        .as(
                                "%s, set in %s, is under a prefix of %s's settings but reaches none of them",
                                variable.name(), variable.where(), owner.label)
                        .isTrue();
            }
            return;
        }
        if (reached.containsValue(true)) {
            return;
        }
        assertThat(declaredBySpring(variable.name()))
                .as(
                        "%s, set in %s, reaches no setting of %s, and Spring declares no such key either",
                        variable.name(),
                        variable.where(),
                        variable.receivers().stream().map(r -> r.label).toList())
                .isNotEmpty();
    }

    /** The files are read: a test that found no variables would prove nothing. */
    @Test
    void theFilesSetTheVariablesThisTestIsAbout() {
        assertThat(everyVariableReachesItsSetting().map(Variable::name))
                .contains(
                        "MINIATURA_STORAGE_ACCESS_KEY",
                        "MINIATURA_STORAGE_SECRET_KEY",
                        "MINIATURA_INGEST_THUMBNAILS_URL",
                        "MINIATURA_KAFKA_CREATE_TOPIC",
                        "MINIATURA_STORAGE_CREATE_BUCKETS",
                        "MINIATURA_WORKER_TOPIC",
                        "SPRING_KAFKA_BOOTSTRAP_SERVERS",
                        "JAVA_TOOL_OPTIONS",
                        "MINIATURA_DATA_DIR");
        assertThat(deployVariables())
                .as("the Secret miniatura-storage, from its kubectl command in deploy/")
                .anySatisfy(v -> assertThat(v.where()).isEqualTo("deploy/ Secret miniatura-storage"));
        for (String job : List.of(
                "deploy/jobs/rerender/rerender-job.yaml container rerender",
                "deploy/jobs/replay-dlq/replay-dlq-job.yaml container replay-dlq")) {
            assertThat(deployVariables())
                    .as("the Job's own variables: %s", job)
                    .anySatisfy(v -> assertThat(v.where() + " " + v.name())
                            .isEqualTo(job + " SPRING_KAFKA_PROPERTIES_SECURITY_PROTOCOL"));
        }
    }

    /** The check itself: a misspelt variable, and one that only looks like a key, do not pass. */
    @Test
    void aVariableThatReachesNothingIsTold() {
        for (String name : List.of(
                "MINIATURA_STORAGE_ACCES_KEY", "MINIATURA_INGEST_THUMBNAIL_URL", "SPRING_KAFKA_BOOTSTRAP_SERVER")) {
            Variable typo = new Variable(name, "x", EnumSet.of(Receiver.INGEST_API, Receiver.WORKER), "a test");
            assertThatThrownBy(() -> everyVariableReachesItsSetting(typo))
                    .as(name)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining(name);
        }
    }

    // ---- where the variables are set

    /** Containers of Miniatura images in deploy/: their env and envFrom. */
    static List<Variable> deployVariables() {
        Map<String, Map<String, String>> configMaps = new TreeMap<>();
        Map<String, Map<String, String>> secrets = secretsFromCommands();
        List<Map<String, Object>> containers = new ArrayList<>();
        Map<Map<String, Object>, Path> containerFiles = new IdentityHashMap<>();
        for (Path file : files(REPO.resolve("deploy"), ".yaml", ".yml")) {
            for (Object document : new Yaml().loadAll(read(file))) {
                if (!(document instanceof Map<?, ?> map)) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) map;
                if ("ConfigMap".equals(object.get("kind")) && object.get("data") instanceof Map<?, ?> data) {
                    Map<String, String> keys = configMaps.computeIfAbsent(name(object), n -> new TreeMap<>());
                    data.forEach((k, v) -> keys.put(String.valueOf(k), String.valueOf(v)));
                }
                if (object.get("configMapGenerator") instanceof List<?> generators) {
                    for (Object generator : generators) {
                        Map<?, ?> g = (Map<?, ?>) generator;
                        Map<String, String> keys =
                                configMaps.computeIfAbsent(String.valueOf(g.get("name")), n -> new TreeMap<>());
                        for (Object literal : g.get("literals") instanceof List<?> l ? l : List.of()) {
                            String[] pair = String.valueOf(literal).split("=", 2);
                            keys.put(pair[0], pair.length > 1 ? pair[1] : "");
                        }
                    }
                }
                for (Map<String, Object> container : containersIn(object)) {
                    containers.add(container);
                    containerFiles.put(container, file);
                }
            }
        }
        List<Variable> variables = new ArrayList<>();
        // A ConfigMap or Secret is one source of settings for every service that reads it (envFrom): each of its keys
        // must reach one of them, not every one (the ingest API's address is nothing to the worker).
        Map<String, Set<Receiver>> readers = new TreeMap<>();
        Map<String, String> prefixes = new TreeMap<>();
        for (Map<String, Object> container : containers) {
            Receiver receiver = receiverOfImage(String.valueOf(container.get("image")));
            if (receiver == null) {
                continue; // not a Miniatura image: its variables are its own
            }
            String where = REPO.relativize(containerFiles.get(container)) + " container " + container.get("name");
            for (Object entry : container.get("env") instanceof List<?> env ? env : List.of()) {
                Map<?, ?> e = (Map<?, ?>) entry;
                variables.add(new Variable(
                        String.valueOf(e.get("name")),
                        e.get("value") == null ? null : String.valueOf(e.get("value")),
                        EnumSet.of(receiver),
                        where));
            }
            for (Object entry : container.get("envFrom") instanceof List<?> envFrom ? envFrom : List.of()) {
                Map<?, ?> e = (Map<?, ?>) entry;
                String prefix = e.get("prefix") == null ? "" : String.valueOf(e.get("prefix"));
                if (e.get("configMapRef") instanceof Map<?, ?> ref) {
                    String name = String.valueOf(ref.get("name"));
                    assertThat(configMaps).as("ConfigMap %s of %s", name, where).containsKey(name);
                    readers.computeIfAbsent("ConfigMap " + name, n -> EnumSet.noneOf(Receiver.class))
                            .add(receiver);
                    prefixes.put("ConfigMap " + name, prefix);
                }
                if (e.get("secretRef") instanceof Map<?, ?> ref) {
                    String name = String.valueOf(ref.get("name"));
                    assertThat(secrets)
                            .as(
                                    "the keys of Secret %s (envFrom of %s): a `kubectl create secret generic %s"
                                            + " --from-literal=KEY=…` command in deploy/ or docs/ tells them",
                                    name, where, name)
                            .containsKey(name);
                    readers.computeIfAbsent("Secret " + name, n -> EnumSet.noneOf(Receiver.class))
                            .add(receiver);
                    prefixes.put("Secret " + name, prefix);
                }
            }
        }
        readers.forEach((source, receivers) -> {
            String name = source.substring(source.indexOf(' ') + 1);
            Map<String, String> keys = source.startsWith("ConfigMap ") ? configMaps.get(name) : secrets.get(name);
            keys.forEach(
                    (k, v) -> variables.add(new Variable(prefixes.get(source) + k, v, receivers, "deploy/ " + source)));
        });
        return variables;
    }

    /** The Miniatura services of docker-compose.yml: their environment, as Compose interpolates it by default. */
    static List<Variable> composeVariables() {
        Map<String, Object> compose = new Yaml().load(read(REPO.resolve("docker-compose.yml")));
        List<Variable> variables = new ArrayList<>();
        ((Map<?, ?>) compose.get("services")).forEach((name, definition) -> {
            Map<?, ?> service = (Map<?, ?>) definition;
            Receiver receiver = receiverOfImage(String.valueOf(service.get("image")));
            if (receiver == null) {
                return;
            }
            Map<String, String> environment = new LinkedHashMap<>();
            if (service.get("environment") instanceof Map<?, ?> map) {
                map.forEach((k, v) -> environment.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
            } else if (service.get("environment") instanceof List<?> list) {
                list.forEach(item -> {
                    String[] pair = String.valueOf(item).split("=", 2);
                    environment.put(pair[0], pair.length > 1 ? pair[1] : null);
                });
            }
            environment.forEach((k, v) -> variables.add(new Variable(
                    k, v == null ? null : interpolate(v), EnumSet.of(receiver), "docker-compose.yml service " + name)));
        });
        return variables;
    }

    /** {@code ENV} lines of the Dockerfiles, for the service of the module each builds. */
    static List<Variable> dockerfileVariables() {
        List<Variable> variables = new ArrayList<>();
        Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");
        for (Path file : files(REPO, "Dockerfile")) {
            Receiver receiver = receiverOfModule(file.getParent().getFileName().toString());
            assertThat(receiver)
                    .as("the service %s builds", REPO.relativize(file))
                    .isNotNull();
            for (String line : read(file).split("\n")) {
                if (!line.startsWith("ENV ")) {
                    continue;
                }
                String rest = line.substring(4).trim();
                Matcher m = pair.matcher(rest);
                if (!rest.contains("=") || rest.indexOf(' ') < rest.indexOf('=') && rest.indexOf(' ') > 0) {
                    String[] legacy = rest.split("\\s+", 2); // ENV NAME value
                    variables.add(new Variable(
                            legacy[0],
                            legacy.length > 1 ? legacy[1] : "",
                            EnumSet.of(receiver),
                            REPO.relativize(file).toString()));
                    continue;
                }
                while (m.find()) {
                    String value = m.group(2).startsWith("\"")
                            ? m.group(2).substring(1, m.group(2).length() - 1)
                            : m.group(2);
                    variables.add(new Variable(
                            m.group(1),
                            value,
                            EnumSet.of(receiver),
                            REPO.relativize(file).toString()));
                }
            }
        }
        return variables;
    }

    /**
     * Every name a reader of the docs, the manifests' comments or the compose file might set on a Miniatura
     * service, with the value given after {@code =} when there is one. Which service is not said, so each
     * receives it.
     */
    static List<Variable> mentionedVariables() {
        Pattern mention = Pattern.compile(
                "(?<![A-Za-z0-9_])((?:MINIATURA|SPRING|SERVER|MANAGEMENT|LOGGING)_[A-Z0-9_]*[A-Z0-9])(?![A-Za-z0-9_])(=[^\\s`'\"\\\\]*)?");
        List<Path> files = new ArrayList<>();
        files.add(REPO.resolve("README.md"));
        files.addAll(files(REPO.resolve("docs"), ".md"));
        files.addAll(files(REPO.resolve("deploy"), ".yaml", ".yml"));
        files.add(REPO.resolve("docker-compose.yml"));
        files.addAll(files(REPO, "Dockerfile"));
        List<Variable> variables = new ArrayList<>();
        for (Path file : files) {
            Matcher m = mention.matcher(read(file));
            while (m.find()) {
                String value = m.group(2) == null || m.group(2).length() < 2
                        ? null
                        : m.group(2).substring(1);
                variables.add(new Variable(
                        m.group(1), value, EnumSet.allOf(Receiver.class), REPO.relativize(file) + " (mentioned)"));
            }
        }
        return variables;
    }

    /**
     * Each key of the README's configuration table, as the environment variable that sets it; a row of
     * {@code prefix.*} names its keys in the default column ({@code max-attempts: 10}).
     */
    static List<Variable> readmeKeys() {
        String readme = read(REPO.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Configuration"));
        int end = section.indexOf("\n## ", 5);
        section = end < 0 ? section : section.substring(0, end);
        Pattern key = Pattern.compile("`((?:miniatura|spring)\\.[a-z0-9.\\-]+|\\.[a-z0-9\\-]+)(\\.\\*)?`");
        Pattern defaultKey = Pattern.compile("`([a-z0-9\\-]+): [^`]*`");
        List<Variable> variables = new ArrayList<>();
        for (String row : section.split("\n")) {
            if (!row.startsWith("| `")) {
                continue;
            }
            String[] columns = row.split("\\|");
            Matcher m = key.matcher(columns[1]);
            List<String> names = new ArrayList<>();
            String previous = null;
            while (m.find()) {
                String name = m.group(1).startsWith(".") && previous != null
                        ? previous.substring(0, previous.lastIndexOf('.')) + m.group(1)
                        : m.group(1);
                previous = name;
                if (m.group(2) == null) {
                    names.add(name);
                    continue;
                }
                Matcher d = defaultKey.matcher(columns[2]); // prefix.*: the keys its defaults name
                while (d.find()) {
                    names.add(name + "." + d.group(1));
                }
            }
            for (String name : names) {
                String variable =
                        name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
                variables.add(new Variable(
                        variable, null, EnumSet.allOf(Receiver.class), "README.md configuration table, " + name));
            }
        }
        assertThat(variables).as("keys of the README's configuration table").hasSizeGreaterThan(30);
        return variables;
    }

    /** Secret name → key → value, from the {@code kubectl create secret generic} commands in deploy/ and docs/. */
    static Map<String, Map<String, String>> secretsFromCommands() {
        Map<String, Map<String, String>> secrets = new TreeMap<>();
        Pattern create = Pattern.compile("create secret generic ([a-z0-9.-]+)");
        Pattern literal = Pattern.compile("--from-(?:literal|file)=([A-Za-z0-9_.-]+)=(\\S*)");
        List<Path> files = new ArrayList<>(files(REPO.resolve("deploy"), ".yaml", ".yml"));
        files.addAll(files(REPO.resolve("docs"), ".md"));
        for (Path file : files) {
            List<String> lines = read(file)
                    .lines()
                    .map(l -> l.replaceFirst("^\\s*#\\s?", ""))
                    .toList();
            for (int i = 0; i < lines.size(); i++) {
                Matcher c = create.matcher(lines.get(i));
                if (!c.find()) {
                    continue;
                }
                Map<String, String> keys = secrets.computeIfAbsent(c.group(1), n -> new TreeMap<>());
                for (int j = i; j < lines.size(); j++) { // the command and its continuation lines
                    Matcher l = literal.matcher(lines.get(j));
                    while (l.find()) {
                        keys.putIfAbsent(l.group(1), l.group(2));
                    }
                    if (!lines.get(j).stripTrailing().endsWith("\\")) {
                        break;
                    }
                }
            }
        }
        return secrets;
    }

    // ---- helpers

    /** Property names Spring declares (META-INF/spring-configuration-metadata.json) that {@code variable} sets. */
    static List<String> declaredBySpring(String variable) {
        ConfigurationPropertySource source = ConfigurationPropertySource.from(environmentSource(variable));
        List<String> declared = new ArrayList<>();
        for (String resource : List.of(
                "META-INF/spring-configuration-metadata.json",
                "META-INF/additional-spring-configuration-metadata.json")) {
            for (URL url : resources(resource)) {
                try (InputStream in = url.openStream()) {
                    for (JsonNode property : new ObjectMapper().readTree(in).path("properties")) {
                        ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(
                                property.path("name").asText());
                        String type = property.path("type").asText("");
                        boolean aggregate = type.startsWith("java.util.Map")
                                || type.startsWith("java.util.List")
                                || type.startsWith("java.util.Set")
                                || type.endsWith("[]");
                        if (name != null
                                && (source.getConfigurationProperty(name) != null
                                        || aggregate
                                                && source.containsDescendantOf(name)
                                                        == ConfigurationPropertyState.PRESENT)) {
                            declared.add(name.toString());
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return declared;
    }

    private static PropertySource<?> environmentSource(String variable) {
        return new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "x"));
    }

    private static List<URL> resources(String name) {
        try {
            return Collections.list(
                    EnvironmentVariablesTest.class.getClassLoader().getResources(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code miniatura-worker:dev}, {@code registry/miniatura-ingest-api} → the service; anything else: none. */
    private static Receiver receiverOfImage(String image) {
        String name = image.substring(image.lastIndexOf('/') + 1).replaceFirst("[:@].*", "");
        return name.startsWith("miniatura-") ? receiverOfModule(name.substring("miniatura-".length())) : null;
    }

    private static Receiver receiverOfModule(String module) {
        return Stream.of(Receiver.values())
                .filter(r -> r.label.equals(module))
                .findFirst()
                .orElse(null);
    }

    /** Compose's default interpolation: {@code ${X:-default}} and {@code ${X-default}} as their default, {@code $$} as {@code $}. */
    private static String interpolate(String value) {
        return value.replaceAll("\\$\\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)}", "$1")
                .replaceAll("\\$\\{[A-Za-z_][A-Za-z0-9_]*}", "")
                .replace("$$", "$");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> containersIn(Object node) {
        List<Map<String, Object>> found = new ArrayList<>();
        if (node instanceof Map<?, ?> map) {
            if (map.get("containers") instanceof List<?> containers) {
                containers.forEach(c -> found.add((Map<String, Object>) c));
            }
            if (map.get("initContainers") instanceof List<?> containers) {
                containers.forEach(c -> found.add((Map<String, Object>) c));
            }
            map.values().forEach(v -> found.addAll(containersIn(v)));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> found.addAll(containersIn(v)));
        }
        return found;
    }

    private static String name(Map<String, Object> object) {
        return object.get("metadata") instanceof Map<?, ?> metadata ? String.valueOf(metadata.get("name")) : "";
    }

    /** Every value of a settings tree, records and arrays opened, so that two loads compare by content. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        Class<?> type = value.getClass();
        if (type.isArray()) {
            return Stream.iterate(0, i -> i < Array.getLength(value), i -> i + 1)
                    .map(i -> describe(Array.get(value, i)))
                    .collect(Collectors.joining(",", "[", "]"));
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream()
                    .map(EnvironmentVariablesTest::describe)
                    .collect(Collectors.joining(",", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream()
                    .map(e -> describe(e.getKey()) + "=" + describe(e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }
        if (!type.getPackageName().startsWith("com.miniatura") || type.isEnum()) {
            return String.valueOf(value);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                fields.put(component.getName(), describe(invoke(component, value)));
            }
        } else {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    field.setAccessible(true);
                    fields.put(field.getName(), describe(get(field, value)));
                }
            }
        }
        return type.getSimpleName() + fields;
    }

    private static Object invoke(RecordComponent component, Object record) {
        try {
            component.getAccessor().setAccessible(true);
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object get(Field field, Object object) {
        try {
            return field.get(object);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Files below {@code root} whose name ends with a suffix ({@code Dockerfile}: starts with it), build output left out. */
    private static List<Path> files(Path root, String... suffixes) {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    String name = dir.getFileName().toString();
                    return !dir.equals(root)
                                    && (name.startsWith(".") || name.equals("target") || name.equals("node_modules"))
                            ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    String name = file.getFileName().toString();
                    if (Stream.of(suffixes)
                            .anyMatch(s -> s.equals("Dockerfile") ? name.startsWith(s) : name.endsWith(s))) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Collections.sort(found);
        return found;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
