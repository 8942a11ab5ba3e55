package com.miniatura.deploy;

import static com.miniatura.deploy.Yamls.deepCopy;
import static com.miniatura.deploy.Yamls.list;
import static com.miniatura.deploy.Yamls.map;
import static com.miniatura.deploy.Yamls.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.miniatura.common.testing.ExternalTools;
import com.miniatura.common.testing.Repository;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
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
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Every deployable build of deploy/ as {@code kubectl kustomize} renders it (the base, the dev and prod
 * overlays, the rerender and replay-dlq Jobs): the core objects are read strictly into the Kubernetes API model (fabric8),
 * so a misspelled or misplaced field fails here instead of being dropped or refused at apply time; the KEDA
 * objects match their CRDs' schemas; and the invariants every environment keeps: probes, resources and a
 * locked-down container everywhere, worker lanes that drain gracefully and never scale past their topic's
 * partitions, Secrets never committed, the variant catalog mounted everywhere, production's sizing.
 */
class DeployManifestsTest {
    private static final String BASE = "deploy/base";
    private static final String DEV = "deploy/overlays/dev";
    private static final String PROD = "deploy/overlays/prod";
    private static final String RERENDER = "deploy/jobs/rerender";
    private static final String REPLAY_DLQ = "deploy/jobs/replay-dlq";

    private static final String LIVE_WORKER = "miniatura-worker";
    private static final String BULK_WORKER = "miniatura-worker-bulk";
    private static final String INGEST_API = "miniatura-ingest-api";
    private static final String CATALOG = "miniatura-catalog";
    private static final String KAFKA_AUTH = "miniatura-kafka";
    /** The Secrets the platform creates in the namespace; nothing in deploy/ defines them. */
    private static final Set<String> PLATFORM_SECRETS =
            Set.of("miniatura-storage", "miniatura-kafka", "miniatura-ingest-auth");
    /** Strimzi keeps the cluster `miniatura`'s CA certificate (key ca.crt) in this Secret of the cluster's namespace. */
    private static final String STRIMZI_CLUSTER_CA = "miniatura-cluster-ca-cert";

    private static final String CONCURRENCY_ENV = "SPRING_CLOUD_STREAM_BINDINGS_IMAGES_IN_0_CONSUMER_CONCURRENCY";

    /** The kinds the core model covers, by apiVersion/kind; each one found is read strictly into its class. */
    private static final Map<String, Class<? extends HasMetadata>> CORE_KINDS = Map.of(
            "apps/v1/Deployment", Deployment.class,
            "v1/Service", Service.class,
            "v1/ConfigMap", ConfigMap.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "batch/v1/Job", Job.class);
    /** Checked against their CRDs in ../shared/schemas. */
    private static final Set<String> KEDA_KINDS =
            Set.of("keda.sh/v1alpha1/ScaledObject", "keda.sh/v1alpha1/TriggerAuthentication");
    /** Strimzi's, in its v1 API; their settings are checked by ShippedKafkaSettingsTest. */
    private static final Set<String> OTHER_KINDS = Set.of("kafka.strimzi.io/v1/KafkaTopic");

    private static final Path REPO = Repository.root();
    private static final ObjectMapper STRICT = strictMapper();
    private static final Map<String, List<Map<String, Object>>> RENDERED = new ConcurrentHashMap<>();
    private static final Map<List<String>, String> KUBECTL_OUTPUT = new ConcurrentHashMap<>();

    static Stream<String> builds() {
        return Stream.of(BASE, DEV, PROD, RERENDER, REPLAY_DLQ);
    }

    /** The Jobs applied on their own into the namespace of the base, each running production's ingest-api image. */
    static Stream<String> jobs() {
        return Stream.of(RERENDER, REPLAY_DLQ);
    }

    static Stream<String> environments() {
        return Stream.of(BASE, DEV, PROD);
    }

    // ---- every build renders, and every object in it is one this test knows how to check ----

    @ParameterizedTest
    @MethodSource("builds")
    void kubectlKustomizeBuildsItAndEveryObjectIsOfAKnownKind(String dir) {
        List<Map<String, Object>> objects = render(dir);
        assertThat(objects).as("kubectl kustomize %s", dir).isNotEmpty().allSatisfy(o -> {
            assertThat(name(o)).as("metadata.name of %s", o.get("kind")).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
            assertThat(type(o))
                    .as("%s: a kind this test checks", name(o))
                    .isIn(Stream.of(CORE_KINDS.keySet(), KEDA_KINDS, OTHER_KINDS)
                            .flatMap(Set::stream)
                            .toList());
        });
        List<String> ids =
                objects.stream().map(o -> o.get("kind") + "/" + name(o)).toList();
        assertThat(ids).as("one object per kind and name").doesNotHaveDuplicates();
    }

    // ---- the core objects, strictly into the Kubernetes API model ----

    @ParameterizedTest
    @MethodSource("builds")
    void everyCoreObjectIsAValidKubernetesObjectWithNoUnknownField(String dir) {
        int read = 0;
        for (Map<String, Object> object : render(dir)) {
            Class<? extends HasMetadata> type = CORE_KINDS.get(type(object));
            if (type != null) {
                HasMetadata typed = strictly(object, type);
                assertThat(typed.getMetadata().getName()).isEqualTo(name(object));
                read++;
            }
        }
        assertThat(read).as("core objects in %s", dir).isPositive();
    }

    /** Each case misspells or misplaces one field of a valid object, which the strict reading must refuse. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("misspelledFields")
    void theStrictReadingRefusesAnUnknownField(
            String dir, String kind, String name, Consumer<Map<String, Object>> breakIt, String field) {
        Map<String, Object> object = deepCopy(only(render(dir), kind, name));
        Class<? extends HasMetadata> type = CORE_KINDS.get(type(object));
        strictly(object, type); // the unbroken copy is accepted
        breakIt.accept(object);
        assertThatThrownBy(() -> STRICT.convertValue(object, type))
                .as("%s %s with %s", kind, name, field)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + field + "\"");
    }

    static Stream<Arguments> misspelledFields() {
        return Stream.of(
                misspelled(
                        "Deployment: spec.replica (for replicas)",
                        BASE,
                        "Deployment",
                        INGEST_API,
                        d -> map(d, "spec").put("replica", 3),
                        "replica"),
                misspelled(
                        "Deployment: readOnlyRootFileSystem (for readOnlyRootFilesystem)",
                        BASE,
                        "Deployment",
                        LIVE_WORKER,
                        d -> map(container(d), "securityContext").put("readOnlyRootFileSystem", true),
                        "readOnlyRootFileSystem"),
                misspelled(
                        "Deployment: livenesProbe (for livenessProbe)",
                        PROD,
                        "Deployment",
                        BULK_WORKER,
                        d -> container(d).put("livenesProbe", container(d).remove("livenessProbe")),
                        "livenesProbe"),
                misspelled(
                        "Deployment: terminationGracePeriodSeconds on the container, not the pod",
                        BASE,
                        "Deployment",
                        LIVE_WORKER,
                        d -> container(d).put("terminationGracePeriodSeconds", 45),
                        "terminationGracePeriodSeconds"),
                misspelled(
                        "Deployment: metdata (for metadata) of the pod template",
                        DEV,
                        "Deployment",
                        LIVE_WORKER,
                        d -> map(d, "spec", "template").put("metdata", Map.of()),
                        "metdata"),
                misspelled(
                        "Service: spec.port (for ports)",
                        BASE,
                        "Service",
                        INGEST_API,
                        s -> map(s, "spec").put("port", 80),
                        "port"),
                misspelled(
                        "ConfigMap: date (for data)",
                        BASE,
                        "ConfigMap",
                        CATALOG,
                        c -> c.put("date", c.remove("data")),
                        "date"),
                misspelled(
                        "PodDisruptionBudget: maxUnavailble",
                        BASE,
                        "PodDisruptionBudget",
                        LIVE_WORKER,
                        p -> map(p, "spec").put("maxUnavailble", 1),
                        "maxUnavailble"),
                misspelled(
                        "Job: backoffLimits (for backoffLimit)",
                        RERENDER,
                        "Job",
                        "miniatura-rerender",
                        j -> map(j, "spec").put("backoffLimits", 3),
                        "backoffLimits"));
    }

    private static Arguments misspelled(
            String title, String dir, String kind, String name, Consumer<Map<String, Object>> breakIt, String field) {
        return Arguments.of(Named.of(title, dir), kind, name, breakIt, field);
    }

    // ---- the KEDA objects against their CRDs ----

    @ParameterizedTest
    @MethodSource("environments")
    void everyKedaObjectMatchesItsCrdSchema(String dir) {
        List<Map<String, Object>> keda =
                render(dir).stream().filter(o -> KEDA_KINDS.contains(type(o))).toList();
        assertThat(keda)
                .extracting(o -> o.get("kind") + "/" + name(o))
                .contains(
                        "ScaledObject/" + LIVE_WORKER,
                        "ScaledObject/" + BULK_WORKER,
                        "TriggerAuthentication/" + KAFKA_AUTH);
        for (Map<String, Object> object : keda) {
            assertThat(KedaSchemas.problems(REPO, object))
                    .as("%s %s in %s", object.get("kind"), name(object), dir)
                    .isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenKedaObjects")
    void theSchemaCheckRejectsABrokenKedaObject(
            String kind, String name, Consumer<Map<String, Object>> breakIt, String expectedInProblem) {
        Map<String, Object> object = deepCopy(only(render(BASE), kind, name));
        assertThat(KedaSchemas.problems(REPO, object)).as("the unbroken copy").isEmpty();
        breakIt.accept(object);
        assertThat(KedaSchemas.problems(REPO, object))
                .as("problems found")
                .anySatisfy(problem -> assertThat(problem).contains(expectedInProblem));
    }

    static Stream<Arguments> brokenKedaObjects() {
        return Stream.of(
                brokenKeda(
                        "TriggerAuthentication: secretTargetRefs (for secretTargetRef)",
                        "TriggerAuthentication",
                        KAFKA_AUTH,
                        t -> map(t, "spec")
                                .put("secretTargetRefs", map(t, "spec").remove("secretTargetRef")),
                        "secretTargetRefs"),
                brokenKeda(
                        "TriggerAuthentication: a secretTargetRef without its key",
                        "TriggerAuthentication",
                        KAFKA_AUTH,
                        t -> list(map(t, "spec"), "secretTargetRef").get(0).remove("key"),
                        "key"),
                brokenKeda(
                        "ScaledObject: authenticationRef with nam (for name)",
                        "ScaledObject",
                        LIVE_WORKER,
                        s -> kafkaTrigger(s).put("authenticationRef", Map.of("nam", KAFKA_AUTH)),
                        "nam"),
                brokenKeda(
                        "ScaledObject: scaleDown.stabilisationWindowSeconds",
                        "ScaledObject",
                        LIVE_WORKER,
                        s -> map(s, "spec", "advanced", "horizontalPodAutoscalerConfig", "behavior", "scaleDown")
                                .put("stabilisationWindowSeconds", 300),
                        "stabilisationWindowSeconds"),
                brokenKeda(
                        "ScaledObject: an unquoted cpu utilization (value: 75)",
                        "ScaledObject",
                        LIVE_WORKER,
                        s -> map(trigger(s, "cpu"), "metadata").put("value", 75),
                        "value"));
    }

    private static Arguments brokenKeda(
            String title, String kind, String name, Consumer<Map<String, Object>> breakIt, String expectedInProblem) {
        return Arguments.of(Named.of(title, kind), name, breakIt, expectedInProblem);
    }

    /**
     * Strimzi objects use its v1 API: v1beta2 is deprecated since Strimzi 0.49 and removed in 1.0, where applying it
     * fails. A KafkaTopic's v1 spec has these fields only (the Topic Operator ignores others silently).
     */
    @ParameterizedTest
    @MethodSource("environments")
    @SuppressWarnings("unchecked")
    void strimziObjectsUseItsV1Api(String dir) {
        List<Map<String, Object>> strimzi = render(dir).stream()
                .filter(o -> String.valueOf(o.get("apiVersion")).startsWith("kafka.strimzi.io/"))
                .toList();
        assertThat(strimzi).isNotEmpty().allSatisfy(o -> {
            String what = dir + ": " + o.get("kind") + " " + name(o);
            assertThat(o.get("apiVersion")).as(what).isEqualTo("kafka.strimzi.io/v1");
            assertThat(o.get("kind")).as(what).isEqualTo("KafkaTopic");
            assertThat(map(o, "metadata", "labels"))
                    .as("%s: the cluster it belongs to", what)
                    .containsKey("strimzi.io/cluster");
            Map<String, Object> spec = map(o, "spec");
            assertThat(spec.keySet()).as(what).isSubsetOf("topicName", "partitions", "replicas", "config");
            assertThat(spec.get("partitions")).as(what).isInstanceOf(Integer.class);
            assertThat((Integer) spec.get("partitions")).as(what).isPositive();
            assertThat((Integer) spec.get("replicas")).as(what).isBetween(1, 32767);
            ((Map<String, Object>) spec.get("config"))
                    .forEach((key, value) -> assertThat(value)
                            .as("%s: %s", what, key)
                            .isInstanceOfAny(String.class, Number.class, Boolean.class));
        });
    }

    // ---- invariants of every environment ----

    @ParameterizedTest
    @MethodSource("builds")
    void everyContainerHasResourcesAndRunsLockedDown(String dir) {
        List<PodSpec> pods = podSpecs(dir);
        assertThat(pods).isNotEmpty();
        for (PodSpec pod : pods) {
            PodSecurityContext podSecurity = pod.getSecurityContext();
            assertThat(pod.getAutomountServiceAccountToken())
                    .as("no API token: nothing here calls the API server")
                    .isFalse();
            for (Container container : pod.getContainers()) {
                String what = dir + ": container " + container.getName();
                assertThat(imageName(container.getImage())).as(what).isIn("miniatura-worker", "miniatura-ingest-api");
                assertThat(container.getResources()).as(what).isNotNull();
                assertThat(container.getResources().getRequests())
                        .as("%s: requests", what)
                        .containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits())
                        .as("%s: limits", what)
                        .containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits().get("memory").getNumericalAmount())
                        .as("%s: memory limit >= request", what)
                        .isGreaterThanOrEqualTo(container
                                .getResources()
                                .getRequests()
                                .get("memory")
                                .getNumericalAmount());
                SecurityContext security = container.getSecurityContext();
                assertThat(security).as(what).isNotNull();
                Boolean nonRoot = security.getRunAsNonRoot() != null
                        ? security.getRunAsNonRoot()
                        : podSecurity == null ? null : podSecurity.getRunAsNonRoot();
                assertThat(nonRoot).as("%s: runAsNonRoot", what).isTrue();
                assertThat(security.getReadOnlyRootFilesystem())
                        .as("%s: readOnlyRootFilesystem", what)
                        .isTrue();
                assertThat(security.getAllowPrivilegeEscalation())
                        .as("%s: allowPrivilegeEscalation", what)
                        .isFalse();
                assertThat(security.getCapabilities()).as(what).isNotNull();
                assertThat(security.getCapabilities().getDrop())
                        .as("%s: capabilities dropped", what)
                        .containsExactly("ALL");
                assertThat(security.getPrivileged()).as("%s: privileged", what).isNotEqualTo(Boolean.TRUE);
                // The one writable path, an emptyDir.
                String tmp = container.getVolumeMounts().stream()
                        .filter(m -> "/tmp".equals(m.getMountPath()))
                        .map(VolumeMount::getName)
                        .findFirst()
                        .orElse(null);
                assertThat(tmp).as("%s: a writable /tmp", what).isNotNull();
                assertThat(volume(pod, tmp).getEmptyDir())
                        .as("%s: /tmp is an emptyDir", what)
                        .isNotNull();
            }
        }
    }

    /** The servers (every Deployment): probes on actuator; a Job runs to its end and has none. */
    @ParameterizedTest
    @MethodSource("environments")
    void everyServerHasLivenessReadinessAndStartupProbesOnActuator(String dir) {
        List<Deployment> deployments = objects(dir, Deployment.class);
        assertThat(deployments)
                .extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder(INGEST_API, LIVE_WORKER, BULK_WORKER);
        for (Deployment deployment : deployments) {
            for (Container container :
                    deployment.getSpec().getTemplate().getSpec().getContainers()) {
                String what = dir + ": " + deployment.getMetadata().getName();
                int port = 8081; // actuator's: the worker's only port, the API's management.server.port
                assertThat(probe(container, container.getLivenessProbe(), what + " liveness"))
                        .isEqualTo(port + " /actuator/health/liveness");
                assertThat(probe(container, container.getReadinessProbe(), what + " readiness"))
                        .isEqualTo(port + " /actuator/health/readiness");
                assertThat(probe(container, container.getStartupProbe(), what + " startup"))
                        .isEqualTo(port + " /actuator/health/liveness");
            }
        }
    }

    /**
     * Actuator answers anyone who reaches its port, so no Service publishes it: the kubelet probes it and Prometheus
     * scrapes it on the pod. The API's management.server.port moves actuator off the port its Service publishes.
     */
    @ParameterizedTest
    @MethodSource("environments")
    void actuatorIsOnAPortNoServicePublishes(String dir) {
        List<Service> services = objects(dir, Service.class);
        for (Deployment deployment : objects(dir, Deployment.class)) {
            String what = dir + ": " + deployment.getMetadata().getName();
            Container container =
                    deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            int actuator = containerPort(
                    container, container.getReadinessProbe().getHttpGet().getPort());
            assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                    .as("%s: Prometheus scrapes actuator's port", what)
                    .containsEntry("prometheus.io/port", String.valueOf(actuator))
                    .containsEntry("prometheus.io/path", "/actuator/prometheus");
            Map<String, String> podLabels =
                    deployment.getSpec().getTemplate().getMetadata().getLabels();
            for (Service service : services) {
                if (!podLabels
                        .entrySet()
                        .containsAll(service.getSpec().getSelector().entrySet())) {
                    continue;
                }
                for (ServicePort port : service.getSpec().getPorts()) {
                    assertThat(containerPort(container, port.getTargetPort()))
                            .as(
                                    "%s: Service %s publishes actuator's port",
                                    what, service.getMetadata().getName())
                            .isNotEqualTo(actuator);
                }
            }
            if (deployment.getMetadata().getName().equals(INGEST_API)) {
                assertThat(env(container))
                        .as("%s: actuator on a port of its own", what)
                        .containsEntry("MANAGEMENT_SERVER_PORT", String.valueOf(actuator));
                assertThat(containerPort(container, new IntOrString("http")))
                        .as(what)
                        .isNotEqualTo(actuator);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("environments")
    void workerLanesScaleWithinTheirPartitionsAndDrainGracefully(String dir) {
        List<Map<String, Object>> objects = render(dir);
        Map<String, Integer> partitions = new LinkedHashMap<>();
        for (Map<String, Object> topic :
                objects.stream().filter(o -> "KafkaTopic".equals(o.get("kind"))).toList()) {
            partitions.put((String) map(topic, "spec").get("topicName"), (Integer)
                    map(topic, "spec").get("partitions"));
        }
        Map<String, Object> workerDefaults = classpathYaml("miniatura/worker-defaults.yml");
        Map<String, Object> sharedDefaults = classpathYaml("miniatura/defaults.yml");
        int defaultConcurrency =
                (Integer) map(workerDefaults, "spring", "cloud", "stream", "bindings", "images-in-0", "consumer")
                        .get("concurrency");
        int shutdownDeadline =
                seconds((String) map(workerDefaults, "miniatura", "worker").get("shutdown-deadline"));

        List<Map<String, Object>> scaledObjects = objects.stream()
                .filter(o -> "ScaledObject".equals(o.get("kind")))
                .toList();
        assertThat(scaledObjects).extracting(Yamls::name).containsExactlyInAnyOrder(LIVE_WORKER, BULK_WORKER);
        Set<String> triggerAuths = Set.copyOf(objects.stream()
                .filter(o -> "TriggerAuthentication".equals(o.get("kind")))
                .map(Yamls::name)
                .toList());
        Set<String> lanes = new TreeSet<>();
        for (Map<String, Object> scaledObject : scaledObjects) {
            String what = dir + ": ScaledObject " + name(scaledObject);
            Map<String, Object> spec = map(scaledObject, "spec");
            Map<String, Object> target = map(spec, "scaleTargetRef");
            assertThat(target.getOrDefault("kind", "Deployment")).isEqualTo("Deployment");
            Deployment deployment = only(objects(dir, Deployment.class), (String) target.get("name"));
            assertThat(deployment.getSpec().getReplicas())
                    .as("%s: KEDA owns the replica count", what)
                    .isNull();
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().get(0);
            Map<String, String> env = env(container);

            // The lane the pods consume is the one the trigger measures.
            String topic = env.getOrDefault("MINIATURA_WORKER_TOPIC", (String)
                    map(sharedDefaults, "miniatura", "kafka").get("topic"));
            String group = env.getOrDefault("MINIATURA_WORKER_GROUP", (String)
                    map(workerDefaults, "miniatura", "worker").get("group"));
            Map<String, Object> kafka = kafkaTrigger(scaledObject);
            assertThat(map(kafka, "metadata"))
                    .as(what)
                    .containsEntry("topic", topic)
                    .containsEntry("consumerGroup", group);
            assertThat(lanes.add(topic + "/" + group))
                    .as("%s: a lane of its own", what)
                    .isTrue();
            assertThat(Integer.parseInt((String) map(kafka, "metadata").get("lagThreshold")))
                    .as(what)
                    .isPositive();
            assertThat(map(kafka, "authenticationRef").get("name"))
                    .as("%s: authenticationRef", what)
                    .isEqualTo(KAFKA_AUTH)
                    .isIn(triggerAuths);
            for (Map<String, Object> trigger : list(spec, "triggers")) {
                if ("cpu".equals(trigger.get("type"))) {
                    assertThat(container.getResources().getRequests())
                            .as("%s: a cpu trigger needs a cpu request", what)
                            .containsKey("cpu");
                }
            }

            // Every consumer thread of a fully scaled-out lane has a partition.
            int concurrency = Integer.parseInt(env.getOrDefault(CONCURRENCY_ENV, String.valueOf(defaultConcurrency)));
            int maxReplicas = (Integer) spec.get("maxReplicaCount");
            assertThat(partitions).as(what).containsKey(topic);
            assertThat(maxReplicas * concurrency)
                    .as(
                            "%s: maxReplicaCount %d x %d threads <= %d partitions of %s",
                            what, maxReplicas, concurrency, partitions.get(topic), topic)
                    .isLessThanOrEqualTo(partitions.get(topic));
            assertThat(concurrency).as(what).isEqualTo(2);

            // On SIGTERM a worker finishes the image in hand within its shutdown deadline.
            assertThat(pod.getTerminationGracePeriodSeconds())
                    .as("%s: terminationGracePeriodSeconds > shutdown-deadline %d s", what, shutdownDeadline)
                    .isGreaterThan((long) shutdownDeadline);
        }
        assertThat(lanes).hasSize(2);
    }

    /**
     * What KEDA counts for a partition whose group has no committed offset (a new group, or offsets the broker
     * expired after a week without members) brings up at most one pod beyond the lane's minimum, which commits its
     * position on assignment (CommitOnAssignmentKafkaTest). Regression: with offsetResetPolicy earliest KEDA counted
     * each such partition's latest offset, its whole history, and scaled the idle bulk lane to 50 pods that had
     * nothing to read and never committed. scaleToZeroOnInvalidOffset stays false, or a lane without offsets would
     * never wake for new work.
     */
    @ParameterizedTest
    @MethodSource("environments")
    void noLaneScalesUpOnMissingOffsets(String dir) {
        List<Map<String, Object>> objects = render(dir);
        Map<String, Integer> partitions = new LinkedHashMap<>();
        for (Map<String, Object> topic :
                objects.stream().filter(o -> "KafkaTopic".equals(o.get("kind"))).toList()) {
            partitions.put((String) map(topic, "spec").get("topicName"), (Integer)
                    map(topic, "spec").get("partitions"));
        }
        for (Map<String, Object> scaledObject : objects.stream()
                .filter(o -> "ScaledObject".equals(o.get("kind")))
                .toList()) {
            String what = dir + ": ScaledObject " + name(scaledObject);
            Map<String, Object> metadata = map(kafkaTrigger(scaledObject), "metadata");
            assertThat(metadata)
                    .as(what)
                    .containsEntry("offsetResetPolicy", "latest")
                    .containsEntry("scaleToZeroOnInvalidOffset", "false");
            // KEDA's lag for a partition without an offset, under policy latest, is 1.
            int lagWithoutOffsets = partitions.get((String) metadata.get("topic"));
            int lagThreshold = Integer.parseInt((String) metadata.get("lagThreshold"));
            int pods = (lagWithoutOffsets + lagThreshold - 1) / lagThreshold;
            int min = (Integer) map(scaledObject, "spec").getOrDefault("minReplicaCount", 0);
            assertThat(pods)
                    .as(
                            "%s: pods for a group without offsets on %d partitions (lagThreshold %d)",
                            what, lagWithoutOffsets, lagThreshold)
                    .isLessThanOrEqualTo(Math.max(1, min));
        }
    }

    @ParameterizedTest
    @MethodSource("environments")
    void everyDeploymentHasADisruptionBudgetAndTheApiAService(String dir) {
        List<PodDisruptionBudget> budgets = objects(dir, PodDisruptionBudget.class);
        for (Deployment deployment : objects(dir, Deployment.class)) {
            Map<String, String> podLabels =
                    deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(podLabels)
                    .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
            List<PodDisruptionBudget> covering = budgets.stream()
                    .filter(b -> podLabels
                            .entrySet()
                            .containsAll(
                                    b.getSpec().getSelector().getMatchLabels().entrySet()))
                    .toList();
            assertThat(covering)
                    .as(
                            "%s: PodDisruptionBudgets of %s",
                            dir, deployment.getMetadata().getName())
                    .hasSize(1);
            IntOrString maxUnavailable = covering.get(0).getSpec().getMaxUnavailable();
            assertThat(maxUnavailable)
                    .as("maxUnavailable (minAvailable could block every drain of a small lane)")
                    .isNotNull();
            assertThat(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
                    .as(
                            "%s: spread over zones and nodes",
                            deployment.getMetadata().getName())
                    .extracting(c -> c.getTopologyKey())
                    .contains("topology.kubernetes.io/zone", "kubernetes.io/hostname");
        }
        Service service = only(objects(dir, Service.class), INGEST_API);
        Deployment api = only(objects(dir, Deployment.class), INGEST_API);
        assertThat(api.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
        ServicePort port = service.getSpec().getPorts().get(0);
        assertThat(port.getName()).isEqualTo("http");
        assertThat(port.getPort()).isEqualTo(80);
        assertThat(containerPort(
                        api.getSpec().getTemplate().getSpec().getContainers().get(0), port.getTargetPort()))
                .isEqualTo(8080);
    }

    @ParameterizedTest
    @MethodSource("builds")
    void everyPodReadsTheVariantCatalogAndOnlyConfigMapsAndPlatformSecretsThatExist(String dir) {
        Set<String> configMaps = Set.copyOf(objects(BASE, ConfigMap.class).stream()
                .map(c -> c.getMetadata().getName())
                .toList());
        for (PodSpec pod : podSpecs(dir)) {
            Container container = pod.getContainers().get(0);
            String what = dir + ": " + container.getName();
            assertThat(env(container))
                    .as(what)
                    .containsEntry("SPRING_CONFIG_ADDITIONAL_LOCATION", "optional:file:/config/");
            String mounted = container.getVolumeMounts().stream()
                    .filter(m -> "/config".equals(m.getMountPath()))
                    .map(VolumeMount::getName)
                    .findFirst()
                    .orElse(null);
            assertThat(mounted).as("%s: /config mounted", what).isNotNull();
            assertThat(volume(pod, mounted).getConfigMap()).as(what).isNotNull();
            assertThat(volume(pod, mounted).getConfigMap().getName()).as(what).isEqualTo(CATALOG);
            for (Volume volume : pod.getVolumes()) {
                if (volume.getConfigMap() != null) {
                    assertThat(configMaps)
                            .as(what)
                            .contains(volume.getConfigMap().getName());
                }
                if (volume.getSecret() != null) {
                    assertThat(volume.getSecret().getSecretName())
                            .as("%s: the one Secret volume, Strimzi's cluster CA", what)
                            .isEqualTo(STRIMZI_CLUSTER_CA);
                }
            }
            for (EnvFromSource source : container.getEnvFrom()) {
                if (source.getConfigMapRef() != null) {
                    assertThat(configMaps)
                            .as(what)
                            .contains(source.getConfigMapRef().getName());
                }
                if (source.getSecretRef() != null) {
                    assertThat(PLATFORM_SECRETS)
                            .as(what)
                            .contains(source.getSecretRef().getName());
                }
            }
            for (EnvVar variable : container.getEnv()) {
                if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                    assertThat(PLATFORM_SECRETS)
                            .as(what)
                            .contains(variable.getValueFrom().getSecretKeyRef().getName());
                }
            }
        }
    }

    /**
     * Every Kafka client reads its security.protocol from the platform's Secret, and when that says SASL_SSL it needs
     * a truststore: regression, the clients had none, so TLS to the brokers could not be verified. Each trusts
     * Strimzi's cluster CA, a PEM file mounted read-only from the key ca.crt of Strimzi's Secret.
     */
    @ParameterizedTest
    @MethodSource("builds")
    void everyKafkaClientTrustsStrimzisClusterCaForSaslSsl(String dir) {
        for (PodSpec pod : podSpecs(dir)) {
            for (Container container : pod.getContainers()) {
                String what = dir + ": container " + container.getName();
                EnvVar protocol = container.getEnv().stream()
                        .filter(v -> v.getName().equals("SPRING_KAFKA_PROPERTIES_SECURITY_PROTOCOL"))
                        .findFirst()
                        .orElse(null);
                assertThat(protocol)
                        .as("%s: security.protocol from the Secret %s", what, KAFKA_AUTH)
                        .isNotNull();
                assertThat(protocol.getValueFrom().getSecretKeyRef().getName())
                        .as(what)
                        .isEqualTo(KAFKA_AUTH);
                Map<String, String> env = env(container);
                assertThat(env)
                        .as("%s: a truststore for SASL_SSL", what)
                        .containsEntry("SPRING_KAFKA_PROPERTIES_SSL_TRUSTSTORE_TYPE", "PEM")
                        .containsKey("SPRING_KAFKA_PROPERTIES_SSL_TRUSTSTORE_LOCATION");
                Path location = Path.of(env.get("SPRING_KAFKA_PROPERTIES_SSL_TRUSTSTORE_LOCATION"));
                VolumeMount mount = container.getVolumeMounts().stream()
                        .filter(m -> location.getParent().equals(Path.of(m.getMountPath())))
                        .findFirst()
                        .orElse(null);
                assertThat(mount)
                        .as("%s: a volume mounted at %s", what, location.getParent())
                        .isNotNull();
                assertThat(mount.getReadOnly()).as(what).isTrue();
                SecretVolumeSource secret = volume(pod, mount.getName()).getSecret();
                assertThat(secret)
                        .as("%s: %s is a Secret volume", what, mount.getName())
                        .isNotNull();
                assertThat(secret.getSecretName()).as(what).isEqualTo(STRIMZI_CLUSTER_CA);
                assertThat(secret.getItems())
                        .as("%s: the CA certificate at %s", what, location)
                        .anySatisfy(item -> assertThat(item.getKey() + " " + item.getPath())
                                .isEqualTo("ca.crt " + location.getFileName()));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCatalogConfigMapIsTheReferenceCatalog() {
        ConfigMap catalog = only(objects(BASE, ConfigMap.class), CATALOG);
        assertThat(catalog.getData()).containsOnlyKeys("application.yml");
        Map<String, Object> mounted = new Yaml().load(catalog.getData().get("application.yml"));
        Map<String, Object> defaults = classpathYaml("miniatura/defaults.yml");
        assertThat(map(mounted, "miniatura", "variants"))
                .as("the catalog mounted at /config/application.yml")
                .isEqualTo(map(defaults, "miniatura", "variants"));
    }

    @Test
    void noSecretIsCommitted() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(REPO.resolve("deploy"))) {
            files = walk.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            for (Object document : new Yaml().loadAll(Files.readString(file))) {
                if (document instanceof Map<?, ?> object) {
                    assertThat(object.get("kind"))
                            .as("%s: the platform creates the Secrets", REPO.relativize(file))
                            .isNotEqualTo("Secret");
                    assertThat(object.containsKey("secretGenerator"))
                            .as("%s: no secretGenerator", REPO.relativize(file))
                            .isFalse();
                }
            }
        }
        for (String dir : builds().toList()) {
            assertThat(render(dir)).as(dir).noneMatch(o -> "Secret".equals(o.get("kind")));
        }
    }

    // ---- images ----

    /**
     * Each container runs its image's own ENTRYPOINT, as the module's Dockerfile declares it, and names no file the
     * image lacks. Regression: the rerender Job ran {@code java -jar /app/miniatura-ingest-api.jar}, and the layered
     * image holds the extracted jar's directories, no jar file.
     */
    @ParameterizedTest
    @MethodSource("builds")
    void everyContainerRunsItsImagesEntrypoint(String dir) {
        for (PodSpec pod : podSpecs(dir)) {
            for (Container container : pod.getContainers()) {
                String module = imageName(container.getImage()).substring("miniatura-".length());
                Path dockerfile = REPO.resolve(module).resolve("Dockerfile");
                RuntimeImage image = RuntimeImage.of(dockerfile);
                String what = dir + ": container " + container.getName();
                List<String> command = container.getCommand().isEmpty() ? image.entrypoint() : container.getCommand();
                int jar = command.indexOf("-jar");
                if (jar >= 0) {
                    assertThat(image.holdsFile(command.get(jar + 1)))
                            .as(
                                    "%s runs -jar %s, a file %s does not put in the image",
                                    what, command.get(jar + 1), REPO.relativize(dockerfile))
                            .isTrue();
                }
                assertThat(command)
                        .as("%s: the ENTRYPOINT of %s", what, REPO.relativize(dockerfile))
                        .isEqualTo(image.entrypoint());
                assertThat(container.getWorkingDir())
                        .as("%s: the image's WORKDIR, where the launcher finds the classes", what)
                        .isIn(null, image.workdir(), image.workdir().replaceAll("/$", ""));
            }
        }
    }

    @Test
    void theRuntimeImageIsReadFromTheDockerfile() {
        RuntimeImage image = RuntimeImage.of(REPO.resolve("ingest-api/Dockerfile"));
        assertThat(image.entrypoint()).containsExactly("java", "org.springframework.boot.loader.launch.JarLauncher");
        assertThat(image.workdir()).isEqualTo("/app/");
        assertThat(image.copied()).containsOnly("/app/");
        assertThat(image.holdsFile("/app/miniatura-ingest-api.jar"))
                .as("the old Job's jar")
                .isFalse();
    }

    /**
     * Every image a deployable build runs is mapped by its kustomization's {@code images:} to a tag, and production's
     * (the prod overlay, the Jobs) to a registry: a bare name would be pulled from Docker Hub.
     */
    @ParameterizedTest
    @ValueSource(strings = {DEV, PROD, RERENDER, REPLAY_DLQ})
    @SuppressWarnings("unchecked")
    void everyImageIsMappedToATagAndProductionsToARegistry(String dir) throws IOException {
        Map<String, Object> kustomization =
                new Yaml().load(Files.readString(REPO.resolve(dir).resolve("kustomization.yaml")));
        Map<String, Map<String, Object>> mapped = new LinkedHashMap<>();
        for (Map<String, Object> entry : (List<Map<String, Object>>) kustomization.getOrDefault("images", List.of())) {
            mapped.put((String) entry.get("name"), entry);
        }
        List<Container> containers =
                podSpecs(dir).stream().flatMap(p -> p.getContainers().stream()).toList();
        assertThat(containers).isNotEmpty();
        for (Container container : containers) {
            String what = dir + ": container " + container.getName();
            String name = imageName(container.getImage());
            assertThat(mapped).as("%s: an images: entry for %s", what, name).containsKey(name);
            Map<String, Object> entry = mapped.get(name);
            assertThat(entry.get("newTag")).as("%s: newTag", what).isNotNull();
            assertThat(container.getImage())
                    .as(what)
                    .isEqualTo(entry.getOrDefault("newName", name) + ":" + entry.get("newTag"));
            if (!dir.equals(DEV)) {
                assertThat((String) entry.get("newName"))
                        .as("%s: newName names a registry", what)
                        .matches("[a-z0-9-]+(\\.[a-z0-9-]+)+(:\\d+)?/([a-z0-9._-]+/)*" + name);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jobs")
    void everyJobRunsProductionsIngestImage(String dir) {
        Container job = podSpecs(dir).get(0).getContainers().get(0);
        Container api = only(objects(PROD, Deployment.class), INGEST_API)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertThat(job.getImage())
                .as("the registry and release of deploy/overlays/prod")
                .isEqualTo(api.getImage());
    }

    // ---- what the docs tell an operator to run ----

    /**
     * Every kubectl command README.md and docs/ give passes only flags kubectl's help lists for it, applies a build
     * this test checks and names Jobs those builds define. Regression: the dead-letter runbook ran
     * {@code kubectl run … --env-from=configmap/miniatura-config}, a flag {@code kubectl run} does not have (and a pod
     * without the storage Secret or the Kafka security); it applies deploy/jobs/replay-dlq now.
     */
    @Test
    void everyKubectlCommandInTheDocsIsOneKubectlAndDeployAccept() throws IOException {
        Map<String, Set<String>> commands = documentedKubectlCommands();
        assertThat(commands.keySet())
                .as("kubectl commands in README.md and docs/")
                .anyMatch(c -> c.startsWith("kubectl apply -k " + RERENDER))
                .anyMatch(c -> c.startsWith("kubectl apply -k " + REPLAY_DLQ))
                .anyMatch(c -> c.startsWith("kubectl logs -f job/miniatura-replay-dlq"));
        commands.forEach((command, files) -> assertThat(kubectlProblems(command))
                .as("%s (%s)", command, files)
                .isEmpty());
    }

    /** Each command fails in one way the check must tell, naming what fails. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("commandsThatCannotWork")
    void theKubectlCheckTellsWhatWouldFail(String command, String expectedInProblem) {
        assertThat(kubectlProblems(command))
                .anySatisfy(problem -> assertThat(problem).contains(expectedInProblem));
    }

    static Stream<Arguments> commandsThatCannotWork() {
        return Stream.of(
                Arguments.of(
                        "kubectl run replay --rm -it --image=x --env-from=configmap/miniatura-config -- replay-dlq",
                        "kubectl run has no flag --env-from"),
                Arguments.of("kubectl logs -F job/miniatura-replay-dlq", "kubectl logs has no flag -F"),
                Arguments.of(
                        "kubectl create secret generic miniatura-storage --from-literl=A=b",
                        "kubectl create secret generic has no flag --from-literl"),
                Arguments.of("kubectl apply -k deploy/jobs/replay -n <namespace>", "deploy/jobs/replay is no build"),
                Arguments.of("kubectl logs -f job/miniatura-replay -n <namespace>", "job/miniatura-replay is no Job"),
                Arguments.of("kubectl delete job miniatura-replay", "job/miniatura-replay is no Job"));
    }

    /**
     * kubectl command → the files that give it: inline code spans, and the lines of code blocks (continuation lines
     * joined, comments dropped), up to a pipe or another command; a {@code $(…)} substitution stands as one word.
     */
    private static Map<String, Set<String>> documentedKubectlCommands() throws IOException {
        List<Path> files = new ArrayList<>(List.of(REPO.resolve("README.md")));
        try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
            files.addAll(docs.filter(p -> p.toString().endsWith(".md")).sorted().toList());
        }
        Map<String, Set<String>> commands = new TreeMap<>();
        for (Path file : files) {
            List<String> found = new ArrayList<>();
            StringBuilder prose = new StringBuilder();
            StringBuilder line = new StringBuilder();
            boolean code = false;
            for (String raw : Files.readString(file).split("\n")) {
                if (raw.strip().startsWith("```")) {
                    code = !code;
                } else if (!code) {
                    prose.append(raw).append('\n');
                } else {
                    String text = raw.replaceAll("(^|\\s)#.*$", "").strip();
                    line.append(text.endsWith("\\") ? text.substring(0, text.length() - 1) : text)
                            .append(' ');
                    if (!text.endsWith("\\")) {
                        found.add(line.toString());
                        line.setLength(0);
                    }
                }
            }
            Matcher span = Pattern.compile("`(kubectl [^`]+)`").matcher(prose);
            while (span.find()) {
                found.add(span.group(1));
            }
            for (String text : found) {
                String command = text.replaceAll("\\$\\([^)]*\\)", "\\$(…)")
                        .split("\\s(\\||&&|;)\\s")[0]
                        .replaceAll("\\s+", " ")
                        .strip();
                if (command.startsWith("kubectl ")) {
                    commands.computeIfAbsent(command, c -> new TreeSet<>())
                            .add(REPO.relativize(file).toString());
                }
            }
        }
        return commands;
    }

    /**
     * What would make {@code command} fail: a flag kubectl's help does not list for its subcommand (nor for every
     * command), {@code apply -k} of a directory that is no build this test checks, a Job no build defines.
     */
    private static List<String> kubectlProblems(String command) {
        List<String> words = List.of(command.split(" "));
        int end = words.indexOf("--"); // what follows is the container's command
        List<String> own = words.subList(1, end < 0 ? words.size() : end);
        List<String> positional =
                own.stream().takeWhile(word -> !word.startsWith("-")).toList();
        String help =
                kubectl(Stream.concat(positional.stream(), Stream.of("--help")).toList()); // flags only after them
        Matcher usage = Pattern.compile("Usage:\\s+(kubectl [^\\n]*)").matcher(help);
        assertThat(usage.find()).as("the usage line of %s --help", command).isTrue();
        int path = 0;
        while (path < positional.size()
                && (usage.group(1) + " ").startsWith("kubectl " + String.join(" ", own.subList(0, path + 1)) + " ")) {
            path++;
        }
        String subcommand = "kubectl " + String.join(" ", own.subList(0, path));
        String options = help + kubectl(List.of("options"));
        List<String> problems = new ArrayList<>();
        for (String word : own.subList(path, own.size())) {
            List<String> flags = word.startsWith("--")
                    ? List.of(word.substring(2).split("=", 2)[0])
                    : word.matches("-[A-Za-z]+")
                            ? word.substring(1)
                                    .chars()
                                    .mapToObj(c -> String.valueOf((char) c))
                                    .toList()
                            : List.of();
            for (String flag : flags) {
                String listed =
                        flag.length() == 1 ? "-" + flag + ", --" : "(-[A-Za-z], )?--" + Pattern.quote(flag) + "[=:]";
                if (!Pattern.compile("^\\s*" + listed, Pattern.MULTILINE)
                        .matcher(options)
                        .find()) {
                    problems.add(subcommand + " has no flag " + (flag.length() == 1 ? "-" : "--") + flag);
                }
            }
        }
        Set<String> builds = Set.copyOf(builds().toList());
        Set<String> jobs = Set.copyOf(builds().flatMap(dir -> objects(dir, Job.class).stream())
                .map(job -> job.getMetadata().getName())
                .toList());
        for (int i = path; i < own.size(); i++) {
            String word = own.get(i);
            String next = i + 1 < own.size() ? own.get(i + 1) : "";
            if (subcommand.equals("kubectl apply")
                    && word.equals("-k")
                    && !builds.contains(next.replaceAll("/+$", ""))) {
                problems.add(next + " is no build of deploy/ that DeployManifestsTest checks");
            }
            Matcher job = Pattern.compile("jobs?/(.+)").matcher(word);
            String name = job.matches() ? job.group(1) : word.matches("jobs?") && !next.startsWith("-") ? next : null;
            if (name != null && !jobs.contains(name)) {
                problems.add("job/" + name + " is no Job of deploy/ (" + String.join(", ", jobs) + ")");
            }
        }
        return problems;
    }

    // ---- per environment ----

    @Test
    void productionRunsEightToFiftyLiveWorkersOnPinnedImages() {
        Map<String, Object> live = map(only(render(PROD), "ScaledObject", LIVE_WORKER), "spec");
        assertThat(live).containsEntry("minReplicaCount", 8).containsEntry("maxReplicaCount", 50);
        Map<String, Object> behavior = map(live, "advanced", "horizontalPodAutoscalerConfig", "behavior");
        assertThat((Integer) map(behavior, "scaleDown").get("stabilizationWindowSeconds"))
                .as("no flapping")
                .isGreaterThanOrEqualTo(60);
        assertThat(list(map(behavior, "scaleDown"), "policies")).isNotEmpty();
        assertThat(list(live, "triggers")).extracting(t -> t.get("type")).containsExactly("kafka", "cpu");
        Map<String, Object> bulk = map(only(render(PROD), "ScaledObject", BULK_WORKER), "spec");
        assertThat(bulk).containsEntry("minReplicaCount", 0).containsEntry("maxReplicaCount", 50);
        assertThat(only(objects(PROD, Deployment.class), INGEST_API).getSpec().getReplicas())
                .isGreaterThanOrEqualTo(2);
        assertThat(podSpecs(PROD))
                .flatExtracting(PodSpec::getContainers)
                .extracting(Container::getImage)
                .allSatisfy(image -> assertThat(image).endsWith(":0.1.0"));
    }

    @Test
    void devIsSmall() {
        assertThat(map(only(render(DEV), "ScaledObject", LIVE_WORKER), "spec"))
                .containsEntry("minReplicaCount", 1)
                .containsEntry("maxReplicaCount", 3);
        assertThat(map(only(render(DEV), "ScaledObject", BULK_WORKER), "spec")).containsEntry("maxReplicaCount", 2);
        assertThat(only(objects(DEV, Deployment.class), INGEST_API).getSpec().getReplicas())
                .isEqualTo(1);
        assertThat(podSpecs(DEV))
                .flatExtracting(PodSpec::getContainers)
                .extracting(Container::getImage)
                .allSatisfy(image -> assertThat(image).endsWith(":dev"));
        for (Deployment deployment : objects(DEV, Deployment.class)) {
            Container dev =
                    deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            Container prod = only(
                            objects(PROD, Deployment.class),
                            deployment.getMetadata().getName())
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0);
            assertThat(dev.getResources().getRequests().get("cpu").getNumericalAmount())
                    .as("%s: dev requests less cpu", deployment.getMetadata().getName())
                    .isLessThan(prod.getResources().getRequests().get("cpu").getNumericalAmount());
        }
        assertThat(only(objects(DEV, ConfigMap.class), "miniatura-config")
                        .getData()
                        .get("SPRING_KAFKA_BOOTSTRAP_SERVERS"))
                .as("the base's placeholder replaced")
                .doesNotContain(".invalid");
    }

    /**
     * Dev runs on a one-broker Kafka with addresses that exist. Regression: it kept the base's 3-replica topics with
     * min.insync.replicas 2 (no topic can be created on one broker, no acks=all write accepted) and 120 partitions,
     * and the placeholder uploads endpoint, so presigned uploads named a host that never resolves.
     */
    @Test
    void devRunsOnOneBrokerWithAddressesThatExist() {
        List<Map<String, Object>> topics = render(DEV).stream()
                .filter(o -> "KafkaTopic".equals(o.get("kind")))
                .toList();
        assertThat(topics).hasSize(4).allSatisfy(topic -> {
            Map<String, Object> spec = map(topic, "spec");
            assertThat(spec).as(name(topic)).containsEntry("replicas", 1);
            assertThat(map(spec, "config")).as(name(topic)).containsEntry("min.insync.replicas", 1);
            assertThat((Integer) spec.get("partitions"))
                    .as("%s: a few partitions", name(topic))
                    .isBetween(1, 12);
        });
        Map<String, String> config =
                only(objects(DEV, ConfigMap.class), "miniatura-config").getData();
        assertThat(config)
                .as("every placeholder of the base replaced")
                .allSatisfy((key, value) -> assertThat(value).as(key).doesNotContain(".invalid"))
                .containsEntry("MINIATURA_INGEST_UPLOADS_ENDPOINT", "http://localhost:9000");
        assertThat(config.get("MINIATURA_INGEST_THUMBNAILS_URL"))
                .startsWith(config.get("MINIATURA_INGEST_UPLOADS_ENDPOINT"));
    }

    @Test
    void productionTopicsKeepThreeReplicasAndAWriteQuorumOfTwo() {
        List<Map<String, Object>> topics = render(PROD).stream()
                .filter(o -> "KafkaTopic".equals(o.get("kind")))
                .toList();
        assertThat(topics).hasSize(4).allSatisfy(topic -> {
            assertThat(map(topic, "spec")).as(name(topic)).containsEntry("replicas", 3);
            assertThat(map(topic, "spec", "config")).as(name(topic)).containsEntry("min.insync.replicas", 2);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, PROD})
    void theApiRunsAtLeastTwoReplicas(String dir) {
        assertThat(only(objects(dir, Deployment.class), INGEST_API).getSpec().getReplicas())
                .isGreaterThanOrEqualTo(2);
    }

    // ---- helpers ----

    /**
     * The object mapper fabric8's model is read with, made strict: unknown properties fail. fabric8's model
     * classes collect unknown fields into an additionalProperties map (a @JsonAnySetter), which would
     * swallow them whatever FAIL_ON_UNKNOWN_PROPERTIES says, so every bean deserializer is built without its
     * any-setter.
     */
    private static ObjectMapper strictMapper() {
        SimpleModule noAnySetter = new SimpleModule("no-any-setter");
        noAnySetter.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(
                    DeserializationConfig config, BeanDescription description, BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        return JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .addModule(noAnySetter)
                .build();
    }

    private static <T extends HasMetadata> T strictly(Map<String, Object> object, Class<T> type) {
        try {
            return STRICT.convertValue(object, type);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(
                    object.get("kind") + " " + name(object) + " is not a valid " + type.getSimpleName() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static <T extends HasMetadata> List<T> objects(String dir, Class<T> type) {
        String key = CORE_KINDS.entrySet().stream()
                .filter(e -> e.getValue().equals(type))
                .findFirst()
                .orElseThrow()
                .getKey();
        return render(dir).stream()
                .filter(o -> key.equals(type(o)))
                .map(o -> strictly(o, type))
                .toList();
    }

    private static List<PodSpec> podSpecs(String dir) {
        List<PodSpec> pods = new ArrayList<>();
        objects(dir, Deployment.class)
                .forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        objects(dir, Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
        return pods;
    }

    private static <T extends HasMetadata> T only(List<T> objects, String name) {
        List<T> found = objects.stream()
                .filter(o -> name.equals(o.getMetadata().getName()))
                .toList();
        assertThat(found).as(name).hasSize(1);
        return found.get(0);
    }

    private static Map<String, Object> only(List<Map<String, Object>> objects, String kind, String name) {
        List<Map<String, Object>> found = objects.stream()
                .filter(o -> kind.equals(o.get("kind")) && name.equals(name(o)))
                .toList();
        assertThat(found).as("%s %s", kind, name).hasSize(1);
        return found.get(0);
    }

    /** An image reference's repository name, without registry, path or tag: miniatura-worker. */
    private static String imageName(String image) {
        String last = image.substring(image.lastIndexOf('/') + 1);
        return last.contains(":") ? last.substring(0, last.indexOf(':')) : last;
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static Map<String, String> env(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValue() != null) {
                env.put(variable.getName(), variable.getValue());
            }
        }
        return env;
    }

    /** "port path" of an HTTP probe, its port resolved to a number. */
    private static String probe(Container container, Probe probe, String what) {
        assertThat(probe).as(what).isNotNull();
        assertThat(probe.getHttpGet()).as(what).isNotNull();
        return containerPort(container, probe.getHttpGet().getPort()) + " "
                + probe.getHttpGet().getPath();
    }

    private static int containerPort(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }

    private static int seconds(String duration) {
        Matcher matcher = Pattern.compile("(\\d+)s").matcher(duration);
        assertThat(matcher.matches()).as("%s in seconds", duration).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static Map<String, Object> kafkaTrigger(Map<String, Object> scaledObject) {
        return trigger(scaledObject, "kafka");
    }

    private static Map<String, Object> trigger(Map<String, Object> scaledObject, String type) {
        List<Map<String, Object>> found = list(map(scaledObject, "spec"), "triggers").stream()
                .filter(t -> type.equals(t.get("type")))
                .toList();
        assertThat(found).as("%s triggers of %s", type, name(scaledObject)).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(Map<String, Object> deployment) {
        return list(map(deployment, "spec", "template", "spec"), "containers").get(0);
    }

    /** kubectl kustomize's output for a directory of the repository, parsed; rendered once per run. */
    private static List<Map<String, Object>> render(String dir) {
        return RENDERED.computeIfAbsent(dir, DeployManifestsTest::kustomize);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> kustomize(String dir) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml()
                .loadAll(kubectl(List.of("kustomize", REPO.resolve(dir).toString())))) {
            if (document != null) {
                assertThat(document)
                        .as("a document of kubectl kustomize %s", dir)
                        .isInstanceOf(Map.class);
                Map<String, Object> object = (Map<String, Object>) document;
                assertThat(object).as("an object of %s", dir).containsKeys("apiVersion", "kind", "metadata");
                objects.add(object);
            }
        }
        return List.copyOf(objects);
    }

    /** What {@code kubectl args…} prints, which must exit 0; run once per run for the same arguments. */
    private static String kubectl(List<String> args) {
        return KUBECTL_OUTPUT.computeIfAbsent(args, DeployManifestsTest::runKubectl);
    }

    private static String runKubectl(List<String> args) {
        Path kubectl = ExternalTools.require("kubectl", "kubernetes-client");
        String what = "kubectl " + String.join(" ", args);
        try {
            Path out = Files.createTempFile("kubectl", ".out");
            Path err = Files.createTempFile("kubectl", ".err");
            try {
                List<String> command = new ArrayList<>(List.of(kubectl.toString()));
                command.addAll(args);
                Process process = new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(what + " did not finish in 120 s");
                }
                assertThat(process.exitValue())
                        .as("%s: %s", what, Files.readString(err))
                        .isZero();
                return Files.readString(out);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String type(Map<String, Object> object) {
        return object.get("apiVersion") + "/" + object.get("kind");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> classpathYaml(String resource) {
        try (InputStream in = DeployManifestsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return Objects.requireNonNull(new Yaml().load(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
