package dev.telemetry.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every overlay of {@code k8s/} renders, every object is valid against its schema, and the manifests agree with what
 * the services read and what docs/operations.md tells an operator to create. A new required property without a value
 * in Kubernetes, a probe on the public port or a secret nobody creates fails here, not in a cluster.
 */
class ManifestTest {

    /** Read by the JVM itself, not by the service's configuration (heap settings of the collector and report-service). */
    private static final String READ_BY_THE_JVM = "JAVA_TOOL_OPTIONS";

    private static final List<String> SERVICES = List.of("consent-service", "collector-service", "report-service");
    private static final Set<String> PUBLIC_PATHS = Set.of("/v1/events", "/v1/consent", "/v1/erasures", "/v1/reports",
            "/reports", "/what-we-collect", "/");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void everyObjectIsValidAgainstItsSchema(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        Map<String, List<String>> problems = new HashMap<>();
        for (JsonNode object : manifests.objects()) {
            List<String> found = Schemas.problems(object);
            if (!found.isEmpty()) {
                problems.put(Manifests.describe(object), found);
            }
        }
        assertThat(problems).as("schema violations in overlay " + overlay).isEmpty();
        assertThat(manifests.ofKind("Deployment").map(Manifests::name)).containsExactlyInAnyOrderElementsOf(SERVICES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void everyServiceIsProbedOnItsManagementPortLimitedBudgetedAndFenced(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        for (String service : SERVICES) {
            JsonNode deployment = manifests.find("Deployment", service).orElseThrow();
            JsonNode pod = deployment.path("spec").path("template");
            JsonNode container = pod.path("spec").path("containers").get(0);
            ServiceConfig config = ServiceConfig.of(service);

            assertThat(config.productionValue("quarkus.management.enabled")).as(service + " management interface")
                    .contains("true");
            int managementPort = port(container, "management");
            assertThat(config.productionValue("quarkus.management.port")).as(service + " management port")
                    .map(Integer::valueOf).contains(managementPort);
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                assertThat(container.path(probe).path("httpGet").path("port").asText())
                        .as(service + " " + probe + " port").isEqualTo("management");
            }
            assertThat(manifests.find("Service", service).orElseThrow().path("spec").path("ports"))
                    .as(service + ": the management port is not a Service port")
                    .allSatisfy(port -> assertThat(port.path("targetPort").asText()).isEqualTo("http"));

            assertThat(container.path("resources").path("limits").path("memory").asText()).as(service + " memory limit")
                    .isNotEmpty();
            assertThat(container.path("resources").path("requests").path("cpu").asText()).as(service + " cpu request")
                    .isNotEmpty();
            assertThat(pod.path("spec").path("automountServiceAccountToken").asBoolean(true))
                    .as(service + " mounts no service-account token").isFalse();

            JsonNode labels = pod.path("metadata").path("labels");
            assertThat(manifests.ofKind("PodDisruptionBudget")
                    .filter(pdb -> selects(pdb.path("spec").path("selector").path("matchLabels"), labels)))
                    .as(service + " has a PodDisruptionBudget").hasSize(1);
            assertThat(manifests.ofKind("NetworkPolicy")
                    .filter(policy -> !policy.path("spec").path("podSelector").path("matchLabels").isEmpty())
                    .filter(policy -> selects(policy.path("spec").path("podSelector").path("matchLabels"), labels)))
                    .as(service + " has its own NetworkPolicy").hasSize(1);
        }
        assertThat(
                manifests.ofKind("NetworkPolicy").filter(policy -> policy.path("spec").path("podSelector").isEmpty()))
                .as("a default-deny policy for the namespace").hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void everyVariableAServiceRequiresHasASourceAndEverySourceIsRead(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        for (String service : SERVICES) {
            ServiceConfig config = ServiceConfig.of(service);
            JsonNode container = manifests.find("Deployment", service).orElseThrow().path("spec").path("template")
                    .path("spec").path("containers").get(0);
            Set<String> provided = new HashSet<>();
            container.path("env").forEach(variable -> provided.add(variable.path("name").asText()));
            container.path("envFrom").forEach(source -> {
                String configMap = source.path("configMapRef").path("name").asText();
                manifests.find("ConfigMap", configMap).orElseThrow(
                        () -> new AssertionError(service + " reads ConfigMap " + configMap + " that is not rendered"))
                        .path("data").fieldNames().forEachRemaining(provided::add);
            });
            List<String> missing = config.variables().keySet().stream().filter(config::required)
                    .filter(variable -> !provided.contains(variable)).toList();
            assertThat(missing).as(service + ": required variables without a value in k8s/overlays/" + overlay)
                    .isEmpty();
            List<String> unread = provided.stream().filter(variable -> !config.reads(variable))
                    .filter(variable -> !variable.equals(READ_BY_THE_JVM)).sorted().toList();
            assertThat(unread).as(service + ": variables set in k8s/ that its configuration never reads").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void everySecretAndConfigMapIsGeneratedOrDocumentedForTheOperator(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        Map<String, Set<String>> generated = generatedSecrets(manifests);
        String operations = Files.readString(Manifests.REPO.resolve("docs/operations.md"));
        List<String> unknown = new ArrayList<>();
        for (JsonNode deployment : (Iterable<JsonNode>) manifests.ofKind("Deployment")::iterator) {
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            for (JsonNode container : pod.path("containers")) {
                for (JsonNode variable : container.path("env")) {
                    JsonNode secret = variable.path("valueFrom").path("secretKeyRef");
                    if (!secret.isMissingNode()) {
                        check(secret.path("name").asText(), secret.path("key").asText(), generated, operations,
                                unknown);
                    }
                }
            }
            for (JsonNode volume : pod.path("volumes")) {
                if (volume.has("secret")) {
                    for (JsonNode item : volume.path("secret").path("items")) {
                        check(volume.path("secret").path("secretName").asText(), item.path("key").asText(), generated,
                                operations, unknown);
                    }
                }
                String configMap = volume.path("configMap").path("name").asText();
                if (!configMap.isEmpty() && manifests.find("ConfigMap", configMap).isEmpty()
                        && !operations.contains("create configmap " + configMap)) {
                    unknown.add("ConfigMap " + configMap);
                }
            }
        }
        assertThat(unknown).as("references that neither a manifest generates nor docs/operations.md creates")
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void imagesArePinnedAndOnlyPublicPathsAreRouted(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        manifests.ofKind("Deployment").forEach(deployment -> deployment.path("spec").path("template").path("spec")
                .path("containers").forEach(container -> assertThat(container.path("image").asText())
                        .as(Manifests.describe(deployment) + " image").matches(".+:[^:]+$").doesNotEndWith(":latest")));
        List<String> paths = manifests.ofKind("Ingress")
                .flatMap(ingress -> StreamSupport.stream(ingress.path("spec").path("rules").spliterator(), false))
                .flatMap(rule -> StreamSupport.stream(rule.path("http").path("paths").spliterator(), false))
                .map(path -> path.path("path").asText()).toList();
        assertThat(paths).isNotEmpty().allSatisfy(path -> assertThat(PUBLIC_PATHS).contains(path));
    }

    private static int port(JsonNode container, String name) {
        for (JsonNode port : container.path("ports")) {
            if (name.equals(port.path("name").asText())) {
                return port.path("containerPort").asInt();
            }
        }
        throw new AssertionError("container " + container.path("name").asText() + " has no port named " + name);
    }

    private static boolean selects(JsonNode matchLabels, JsonNode labels) {
        if (matchLabels.isEmpty()) {
            return false;
        }
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) matchLabels::fields) {
            if (!entry.getValue().asText().equals(labels.path(entry.getKey()).asText())) {
                return false;
            }
        }
        return true;
    }

    /** Secrets the operators create from rendered objects, with their keys. */
    private static Map<String, Set<String>> generatedSecrets(Manifests manifests) {
        Map<String, Set<String>> secrets = new HashMap<>();
        manifests.ofKind("Cluster").forEach(cluster -> secrets.put(Manifests.name(cluster) + "-app",
                Set.of("username", "password", "dbname", "host", "port", "uri", "jdbc-uri", "pgpass")));
        manifests.ofKind("KafkaUser").forEach(user -> secrets.put(Manifests.name(user),
                Set.of("password", "sasl.jaas.config")));
        manifests.ofKind("Kafka").forEach(kafka -> secrets.put(Manifests.name(kafka) + "-cluster-ca-cert",
                Set.of("ca.crt", "ca.p12", "ca.password")));
        return secrets;
    }

    private static void check(String name, String key, Map<String, Set<String>> generated, String operations,
            List<String> unknown) {
        Set<String> keys = generated.get(name);
        boolean documented = operations.contains("create secret generic " + name)
                && operations.contains("--from-literal=" + key + "=");
        if (!(keys != null && keys.contains(key)) && !documented) {
            unknown.add("Secret " + name + " key " + key);
        }
    }
}
