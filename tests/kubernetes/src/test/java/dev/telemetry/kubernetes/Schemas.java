package dev.telemetry.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonParseException;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;

/**
 * Validates rendered objects offline: built-in kinds with the official Kubernetes client's models (generated from
 * the API's OpenAPI schema; they refuse unknown fields, wrong types and missing required fields), custom resources
 * with the operators' vendored CRD schemas (src/test/resources/crd-schemas/SOURCE.md).
 */
final class Schemas {

    private static final Map<String, Class<?>> BUILT_IN = Map.of(
            "v1/Namespace", V1Namespace.class,
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/Service", V1Service.class,
            "v1/ServiceAccount", V1ServiceAccount.class,
            "apps/v1/Deployment", V1Deployment.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class,
            "networking.k8s.io/v1/Ingress", V1Ingress.class);

    private static final Map<String, String> CUSTOM = Map.of(
            "kafka.strimzi.io/v1/Kafka", "kafka_v1.json",
            "kafka.strimzi.io/v1/KafkaNodePool", "kafkanodepool_v1.json",
            "kafka.strimzi.io/v1/KafkaTopic", "kafkatopic_v1.json",
            "kafka.strimzi.io/v1/KafkaUser", "kafkauser_v1.json",
            "postgresql.cnpg.io/v1/Cluster", "cluster_v1.json");

    private static final JSON KUBERNETES_JSON = new JSON();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

    private Schemas() {
    }

    /** @return what is wrong with the object, empty when it is valid */
    static List<String> problems(JsonNode object) {
        String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        Class<?> model = BUILT_IN.get(type);
        if (model != null) {
            try {
                KUBERNETES_JSON.deserialize(object.toString(), model);
                return List.of();
            } catch (JsonParseException | IllegalArgumentException e) {
                return List.of(e.getMessage());
            }
        }
        String schema = CUSTOM.get(type);
        if (schema == null) {
            return List.of("no schema for " + type + ": add one to Schemas before using the kind");
        }
        return load(schema).validate(object).stream().map(ValidationMessage::getMessage).toList();
    }

    private static JsonSchema load(String file) {
        try (InputStream in = Schemas.class.getResourceAsStream("/crd-schemas/" + file)) {
            return SCHEMAS.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
