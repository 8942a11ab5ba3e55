package com.miniatura.deploy;

import static com.miniatura.deploy.Yamls.deepCopy;
import static com.miniatura.deploy.Yamls.list;
import static com.miniatura.deploy.Yamls.map;
import static com.miniatura.deploy.Yamls.name;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.event.DeadLetterContract;
import com.miniatura.common.testing.ExternalTools;
import com.miniatura.common.testing.Repository;
import com.miniatura.ingest.replay.ReplayDlqCommand;
import com.miniatura.ingest.rerender.RerenderCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests of the bulk lane (deploy/base/worker-bulk.yaml, the bulk topics of
 * deploy/base/kafka-topics.yaml) and of the Jobs applied on their own (deploy/jobs: the catalog re-render, the
 * dead-letter replay): KEDA accepts the ScaledObjects (checked against the CRD's schema in ../shared/schemas), the
 * bulk lane is bound to its own topic and group and never scales past its partitions, each Job runs its command on
 * the base's configuration and is restarted after a failure, and the kustomizations build.
 */
class BulkLaneManifestsTest {
    private static final String BULK_TOPIC = "miniatura.images.bulk";
    private static final String BULK_GROUP = "miniatura-worker-bulk";
    private static final String WORKER_BULK = "miniatura-worker-bulk";
    /** The directories of deploy/jobs, each applied on its own into the namespace of deploy/base. */
    private static final List<String> JOBS = List.of("deploy/jobs/rerender", "deploy/jobs/replay-dlq");

    private static final String CONFIG_MAP = "miniatura-config";
    private static final String STORAGE_SECRET = "miniatura-storage";

    private static final Path REPO = Repository.root();
    private static final Path DEPLOY = REPO.resolve("deploy");

    // ---- KEDA ScaledObjects against the CRD's openAPIV3Schema ----

    @Test
    void everyScaledObjectInDeployMatchesTheKedaCrdSchema() throws IOException {
        List<Map<String, Object>> scaledObjects = new ArrayList<>();
        // The resources of every kustomization; an overlay's patches are partial objects, checked once
        // applied (DeployManifestsTest, on the kustomize output).
        Set<Path> files = new TreeSet<>();
        for (Path kustomization : kustomizations()) {
            files.addAll(resources(kustomization.getParent()));
        }
        for (Path file : files) {
            for (Map<String, Object> document : documents(file)) {
                if ("ScaledObject".equals(document.get("kind"))) {
                    scaledObjects.add(document);
                    assertThat(scaledObjectProblems(document))
                            .as("%s in %s", name(document), REPO.relativize(file))
                            .isEmpty();
                }
            }
        }
        assertThat(scaledObjects).extracting(Yamls::name).contains(WORKER_BULK);
    }

    /** Each case breaks a valid ScaledObject (the bulk lane's) in one way the API server would refuse. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenScaledObjects")
    void theSchemaCheckRejectsABrokenScaledObject(Consumer<Map<String, Object>> breakIt, String expectedInProblem)
            throws IOException {
        Map<String, Object> scaledObject = deepCopy(bulkScaledObject());
        assertThat(scaledObjectProblems(scaledObject)).as("the unbroken copy").isEmpty();
        breakIt.accept(scaledObject);
        assertThat(scaledObjectProblems(scaledObject))
                .as("problems found")
                .anySatisfy(problem -> assertThat(problem).contains(expectedInProblem));
    }

    static Stream<Arguments> brokenScaledObjects() {
        return Stream.of(
                broken("a misspelled spec field (maxReplicas)", so -> spec(so).put("maxReplicas", 50), "maxReplicas"),
                broken(
                        "a misspelled trigger field (metaData)",
                        so -> trigger(so).put("metaData", Map.of()),
                        "metaData"),
                broken(
                        "a string where the schema wants an integer (minReplicaCount: \"0\")",
                        so -> spec(so).put("minReplicaCount", "0"),
                        "minReplicaCount"),
                broken(
                        "an unquoted trigger metadata value (lagThreshold: 1000; metadata values are strings)",
                        so -> metadata(trigger(so)).put("lagThreshold", 1000),
                        "lagThreshold"),
                broken(
                        "an unquoted boolean in trigger metadata (allowIdleConsumers: false)",
                        so -> metadata(trigger(so)).put("allowIdleConsumers", false),
                        "allowIdleConsumers"),
                broken("no scaleTargetRef", so -> spec(so).remove("scaleTargetRef"), "scaleTargetRef"),
                broken("no triggers", so -> spec(so).put("triggers", List.of()), "triggers"),
                broken("a negative minReplicaCount", so -> spec(so).put("minReplicaCount", -1), "minReplicaCount"),
                broken(
                        "minReplicaCount above maxReplicaCount (the CRD's CEL rule)",
                        so -> spec(so).put("minReplicaCount", (Integer) spec(so).get("maxReplicaCount") + 1),
                        "minReplicaCount must be less than or equal"));
    }

    private static Arguments broken(String name, Consumer<Map<String, Object>> breakIt, String expectedInProblem) {
        return Arguments.of(Named.of(name, breakIt), expectedInProblem);
    }

    // ---- the lanes are separate ----

    @Test
    void theBulkWorkersConsumeTheirOwnTopicAndGroupAndScaleWithinItsPartitions() throws IOException {
        Map<String, Object> deployment =
                only(documents(DEPLOY.resolve("base/worker-bulk.yaml")), "Deployment", WORKER_BULK);
        assertThat(map(deployment, "metadata", "labels"))
                .containsEntry("app.kubernetes.io/name", WORKER_BULK)
                .containsEntry("app.kubernetes.io/part-of", "miniatura")
                .containsEntry("app.kubernetes.io/component", "worker-bulk");
        Map<String, Object> podSpec = map(deployment, "spec", "template", "spec");
        Map<String, Object> container = onlyContainer(podSpec);
        assertThat(container.get("image")).as("kustomize image name").isEqualTo("miniatura-worker");
        Map<String, String> env = env(container);
        String topic = env.get("MINIATURA_WORKER_TOPIC");
        String group = env.get("MINIATURA_WORKER_GROUP");
        assertThat(topic).isEqualTo(BULK_TOPIC);
        assertThat(group).isEqualTo(BULK_GROUP);

        // The live lane is the worker's defaults; the bulk lane must differ from it in both.
        Map<String, Object> shared = classpathYaml("miniatura/defaults.yml");
        Map<String, Object> worker = classpathYaml("miniatura/worker-defaults.yml");
        assertThat(topic)
                .as("the live topic")
                .isNotEqualTo(map(shared, "miniatura", "kafka").get("topic"));
        assertThat(group)
                .as("the live group")
                .isNotEqualTo(map(worker, "miniatura", "worker").get("group"));
        int concurrency = Integer.parseInt(env.getOrDefault(
                "SPRING_CLOUD_STREAM_BINDINGS_IMAGES_IN_0_CONSUMER_CONCURRENCY",
                String.valueOf(map(worker, "spring", "cloud", "stream", "bindings", "images-in-0", "consumer")
                        .get("concurrency"))));
        assertThat(concurrency).isEqualTo(2);

        Map<String, Object> scaledObject = bulkScaledObject();
        Map<String, Object> spec = map(scaledObject, "spec");
        Map<String, Object> target = map(spec, "scaleTargetRef");
        assertThat(target.getOrDefault("kind", "Deployment")).isEqualTo("Deployment");
        assertThat(target.get("name")).isEqualTo(name(deployment));
        assertThat(spec.get("minReplicaCount")).as("scales to zero when idle").isEqualTo(0);
        assertThat(spec).containsKey("cooldownPeriod");
        List<Map<String, Object>> triggers = list(spec, "triggers");
        assertThat(triggers).hasSize(1);
        assertThat(triggers.get(0).get("type")).isEqualTo("kafka");
        Map<String, Object> kafka = metadata(triggers.get(0));
        assertThat(kafka)
                .containsEntry("consumerGroup", group)
                .containsEntry("topic", topic)
                .containsEntry("allowIdleConsumers", "false");
        assertThat(kafka.get("lagThreshold")).as("lagThreshold, a string").isInstanceOf(String.class);
        assertThat(Integer.parseInt((String) kafka.get("lagThreshold"))).isPositive();
        if (kafka.containsKey("bootstrapServersFromEnv")) {
            assertThat(envFrom(container, "configMapRef")).contains(CONFIG_MAP);
            assertThat(map(baseConfigMap(), "data"))
                    .as("KEDA reads the brokers from the target's environment")
                    .containsKey((String) kafka.get("bootstrapServersFromEnv"));
        } else {
            assertThat(kafka).containsKey("bootstrapServers");
        }

        Map<String, Map<String, Object>> topics = kafkaTopics();
        assertThat(topics).containsKeys(topic, DeadLetterContract.topicOf(topic));
        int maxReplicas = (Integer) spec.get("maxReplicaCount");
        int partitions = (Integer) topics.get(topic).get("partitions");
        assertThat(maxReplicas * concurrency)
                .as(
                        "maxReplicaCount %d x %d consumer threads <= %d partitions of %s",
                        maxReplicas, concurrency, partitions, topic)
                .isLessThanOrEqualTo(partitions);
    }

    @Test
    void theBulkWorkersDrainGracefullyAndRunLockedDown() throws IOException {
        Map<String, Object> deployment =
                only(documents(DEPLOY.resolve("base/worker-bulk.yaml")), "Deployment", WORKER_BULK);
        assertThat(map(deployment, "spec")).as("KEDA owns the replica count").doesNotContainKey("replicas");
        Map<String, Object> podSpec = map(deployment, "spec", "template", "spec");
        Map<String, Object> container = onlyContainer(podSpec);

        String deadline = (String) map(classpathYaml("miniatura/worker-defaults.yml"), "miniatura", "worker")
                .get("shutdown-deadline");
        Matcher seconds = Pattern.compile("(\\d+)s").matcher(deadline);
        assertThat(seconds.matches())
                .as("shutdown-deadline %s in seconds", deadline)
                .isTrue();
        assertThat((Integer) podSpec.get("terminationGracePeriodSeconds"))
                .as("longer than the worker's shutdown-deadline (%s)", deadline)
                .isGreaterThan(Integer.parseInt(seconds.group(1)));

        assertThat(env(container).get("JAVA_TOOL_OPTIONS")).contains("MaxRAMPercentage");
        assertThat(map(container, "resources", "limits")).containsKey("memory");
        assertThat(map(container, "resources", "requests")).containsKeys("cpu", "memory");
        assertThat(envFrom(container, "configMapRef")).containsExactly(CONFIG_MAP);
        assertThat(envFrom(container, "secretRef")).containsExactly(STORAGE_SECRET);
        assertThat(baseConfigMap()).isNotNull();

        assertThat(probePath(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
        assertThat(probePath(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            assertThat(containerPort(container, map(container, probe, "httpGet").get("port")))
                    .as(probe)
                    .isEqualTo(8081);
        }
        assertLockedDown(podSpec, container);
    }

    /**
     * Each Job as committed: its command with the options that make applying it unedited safe, a rerender of what
     * is missing (resumed from its checkpoint after a restart) and a replay that is a dry run, publishing nothing.
     */
    static Stream<Arguments> jobs() {
        return Stream.of(
                Arguments.of(
                        "deploy/jobs/rerender",
                        "miniatura-rerender",
                        RerenderCommand.NAME,
                        List.of("--mode=missing", "--metrics-port=9464")),
                Arguments.of(
                        "deploy/jobs/replay-dlq", "miniatura-replay-dlq", ReplayDlqCommand.NAME, List.of("--dry-run")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void everyJobRunsItsCommandOnTheBaseConfigurationAndIsRestartedAfterAFailure(
            String dir, String name, String command, List<String> options) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Path resource : resources(REPO.resolve(dir))) {
            documents.addAll(documents(resource));
        }
        assertThat(documents)
                .as("the Job only: the ConfigMap and Secret are the base's, by name")
                .extracting(d -> d.get("kind"))
                .containsExactly("Job");
        Map<String, Object> job = only(documents, "Job", name);
        assertThat(job.get("apiVersion")).isEqualTo("batch/v1");
        Map<String, Object> spec = map(job, "spec");
        assertThat((Integer) spec.get("backoffLimit"))
                .as("restarts of a killed pod, which resumes or runs again harmlessly")
                .isGreaterThanOrEqualTo(3);
        assertThat(spec).containsKey("ttlSecondsAfterFinished");
        Map<String, Object> podSpec = map(spec, "template", "spec");
        assertThat(podSpec.get("restartPolicy")).isEqualTo("OnFailure");
        Map<String, Object> container = onlyContainer(podSpec);
        assertThat(container.get("image")).as("kustomize image name").isEqualTo("miniatura-ingest-api");
        List<String> commandLine = new ArrayList<>();
        commandLine.addAll(strings(container.get("command")));
        commandLine.addAll(strings(container.get("args")));
        assertThat(commandLine)
                .as("the command first, then its options")
                .startsWith(command)
                .containsAll(options);
        for (String option : commandLine) {
            if (option.startsWith("--metrics-port=")) {
                assertThat(containerPort(container, "metrics")).isEqualTo(Integer.parseInt(option.substring(15)));
            }
        }
        assertThat(envFrom(container, "configMapRef")).containsExactly(CONFIG_MAP);
        assertThat(envFrom(container, "secretRef")).containsExactly(STORAGE_SECRET);
        assertThat(map(container, "resources", "limits")).containsKey("memory");
        assertLockedDown(podSpec, container);
    }

    @Test
    void theBaseDefinesTheConfigMapAndNoSecret() throws IOException {
        assertThat(map(baseConfigMap(), "data"))
                .containsKeys("SPRING_KAFKA_BOOTSTRAP_SERVERS", "MINIATURA_STORAGE_ENDPOINT")
                .containsEntry("MINIATURA_KAFKA_CREATE_TOPIC", "false")
                .containsEntry("MINIATURA_STORAGE_CREATE_BUCKETS", "false");
        for (Path file : yamlFiles(DEPLOY)) {
            assertThat(documents(file))
                    .as("%s: the storage Secret is created by the platform, never committed", REPO.relativize(file))
                    .noneMatch(d -> "Secret".equals(d.get("kind")));
        }
    }

    // ---- the kustomizations ----

    @Test
    void everyKustomizationListsResourcesThatExistAndParse() throws IOException {
        List<Path> kustomizations = kustomizations();
        assertThat(kustomizations)
                .extracting(p -> REPO.relativize(p.getParent()).toString().replace('\\', '/'))
                .contains("deploy/base")
                .containsAll(JOBS);
        for (Path kustomization : kustomizations) {
            for (Path resource : resources(kustomization.getParent())) {
                List<Map<String, Object>> documents = documents(resource);
                assertThat(documents)
                        .as(REPO.relativize(resource).toString())
                        .isNotEmpty()
                        .allSatisfy(d -> {
                            assertThat(d).containsKeys("apiVersion", "kind", "metadata");
                            assertThat(name(d)).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
                        });
            }
        }
    }

    @Test
    void kubectlKustomizeBuildsTheBaseAndTheJobs() throws Exception {
        Path kubectl = ExternalTools.require("kubectl", "kubernetes-client");
        for (String dir : Stream.concat(Stream.of("deploy/base"), JOBS.stream()).toList()) {
            Set<String> expected = new TreeSet<>();
            for (Path resource : resources(REPO.resolve(dir))) {
                for (Map<String, Object> d : documents(resource)) {
                    expected.add(d.get("kind") + "/" + name(d));
                }
            }
            Set<String> built = new TreeSet<>();
            for (Object document : new Yaml().loadAll(kustomize(kubectl, REPO.resolve(dir)))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> d = (Map<String, Object>) document;
                if (d != null) {
                    built.add(d.get("kind") + "/" + name(d));
                }
            }
            assertThat(built).as("kubectl kustomize %s", dir).isEqualTo(expected);
        }
    }

    private static String kustomize(Path kubectl, Path dir) throws Exception {
        Path out = Files.createTempFile("kustomize", ".yaml");
        Path err = Files.createTempFile("kustomize", ".err");
        try {
            Process process = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + dir + " did not finish in 120 s");
            }
            assertThat(process.exitValue())
                    .as("kubectl kustomize %s: %s", dir, Files.readString(err))
                    .isZero();
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    // ---- the schema check ----

    /** What the API server would refuse in a ScaledObject: its CRD schema, strictly, and the CRD's CEL rule. */
    private static List<String> scaledObjectProblems(Map<String, Object> scaledObject) {
        return KedaSchemas.problems(REPO, scaledObject);
    }

    // ---- manifests ----

    private static Map<String, Object> bulkScaledObject() throws IOException {
        return only(documents(DEPLOY.resolve("base/worker-bulk.yaml")), "ScaledObject", WORKER_BULK);
    }

    private static Map<String, Object> baseConfigMap() throws IOException {
        return only(documents(DEPLOY.resolve("base/config.yaml")), "ConfigMap", CONFIG_MAP);
    }

    private static Map<String, Map<String, Object>> kafkaTopics() throws IOException {
        Map<String, Map<String, Object>> topics = new LinkedHashMap<>();
        for (Map<String, Object> topic : documents(DEPLOY.resolve("base/kafka-topics.yaml"))) {
            Map<String, Object> spec = map(topic, "spec");
            topics.put((String) spec.get("topicName"), spec);
        }
        return topics;
    }

    private static void assertLockedDown(Map<String, Object> podSpec, Map<String, Object> container) {
        assertThat(map(podSpec, "securityContext")).containsEntry("runAsNonRoot", true);
        Map<String, Object> security = map(container, "securityContext");
        assertThat(security)
                .containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(strings(map(security, "capabilities").get("drop"))).containsExactly("ALL");
        String tmpVolume = null;
        for (Map<String, Object> mount : list(container, "volumeMounts")) {
            if ("/tmp".equals(mount.get("mountPath"))) {
                tmpVolume = (String) mount.get("name");
            }
        }
        assertThat(tmpVolume).as("a writable /tmp").isNotNull();
        String volume = tmpVolume;
        assertThat(list(podSpec, "volumes"))
                .as("/tmp is an emptyDir")
                .anySatisfy(v -> assertThat(v).containsEntry("name", volume).containsKey("emptyDir"));
    }

    private static Map<String, Object> onlyContainer(Map<String, Object> podSpec) {
        List<Map<String, Object>> containers = list(podSpec, "containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> variable : list(container, "env")) {
            if (variable.containsKey("valueFrom")) {
                continue; // from a Secret
            }
            assertThat(variable.get("value"))
                    .as("env %s is a string", variable.get("name"))
                    .isInstanceOf(String.class);
            env.put((String) variable.get("name"), (String) variable.get("value"));
        }
        return env;
    }

    private static List<String> envFrom(Map<String, Object> container, String kind) {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> source : list(container, "envFrom")) {
            if (source.get(kind) instanceof Map<?, ?> ref) {
                names.add((String) ref.get("name"));
            }
        }
        return names;
    }

    private static String probePath(Map<String, Object> container, String probe) {
        return (String) map(container, probe, "httpGet").get("path");
    }

    /** The port number a probe or a name refers to: a number, or the name of one of the container's ports. */
    private static int containerPort(Map<String, Object> container, Object port) {
        if (port instanceof Integer number) {
            return number;
        }
        for (Map<String, Object> declared : list(container, "ports")) {
            if (port.equals(declared.get("name"))) {
                return (Integer) declared.get("containerPort");
            }
        }
        throw new AssertionError("no container port named " + port);
    }

    private static Map<String, Object> only(List<Map<String, Object>> documents, String kind, String name) {
        List<Map<String, Object>> found = documents.stream()
                .filter(d -> kind.equals(d.get("kind")) && name.equals(name(d)))
                .toList();
        assertThat(found).as("%s %s", kind, name).hasSize(1);
        return found.get(0);
    }

    private static Map<String, Object> spec(Map<String, Object> scaledObject) {
        return map(scaledObject, "spec");
    }

    private static Map<String, Object> trigger(Map<String, Object> scaledObject) {
        return list(spec(scaledObject), "triggers").get(0);
    }

    private static Map<String, Object> metadata(Map<String, Object> trigger) {
        return map(trigger, "metadata");
    }

    /**
     * The files a kustomization.yaml lists under resources, and those of the directories it lists there or
     * under bases (kustomize 2.0.3, CI's kubectl 1.20, takes directories only there), each checked to exist.
     */
    private static List<Path> resources(Path dir) throws IOException {
        Path kustomization = dir.resolve("kustomization.yaml");
        assertThat(kustomization).isRegularFile();
        Map<String, Object> k = documents(kustomization).get(0);
        assertThat(k).containsEntry("kind", "Kustomization");
        List<Path> files = new ArrayList<>();
        List<String> entries = new ArrayList<>(strings(k.get("bases")));
        entries.addAll(strings(k.get("resources")));
        for (String entry : entries) {
            Path resource = dir.resolve(entry).normalize();
            assertThat(resource)
                    .as("resource %s of %s", entry, REPO.relativize(kustomization))
                    .exists();
            if (Files.isDirectory(resource)) {
                files.addAll(resources(resource));
            } else {
                files.add(resource);
            }
        }
        assertThat(files).as("resources of %s", REPO.relativize(kustomization)).isNotEmpty();
        return files;
    }

    private static List<Path> kustomizations() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()
                    .toList();
        }
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
            if (document != null) {
                assertThat(document).as("a document of %s", file).isInstanceOf(Map.class);
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> classpathYaml(String resource) {
        try (InputStream in = BulkLaneManifestsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new Yaml().load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        assertThat(value).isInstanceOf(List.class);
        return (List<String>) value;
    }
}
