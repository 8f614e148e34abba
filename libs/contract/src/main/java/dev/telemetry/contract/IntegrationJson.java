package dev.telemetry.contract;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON form of integration events, shared by producers and consumers. Readers tolerate fields they do not
 * know (a producer may add optional fields without a new schema version) but refuse a schema version newer than
 * the one they understand, rather than misreading it.
 */
public final class IntegrationJson {

    public static final int SUPPORTED_SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    private IntegrationJson() {
    }

    public static String write(IntegrationEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + event.getClass().getSimpleName(), e);
        }
    }

    /** The {@code type} of a message, to dispatch on before reading it; null if it has none. */
    public static String type(String json) {
        try {
            JsonNode type = MAPPER.readTree(json).get("type");
            return type == null || !type.isTextual() ? null : type.asText();
        } catch (IOException e) {
            throw new UnreadableEventException(e.getMessage(), e);
        }
    }

    /** @throws UnreadableEventException if the JSON is malformed, of an unknown type or a newer schema */
    public static <T extends IntegrationEvent> T read(String json, Class<T> type) {
        try {
            JsonNode tree = MAPPER.readTree(json);
            int version = tree.path("schemaVersion").asInt(1);
            if (version > SUPPORTED_SCHEMA_VERSION) {
                throw new UnreadableEventException("schema version " + version + " is newer than "
                        + SUPPORTED_SCHEMA_VERSION);
            }
            return MAPPER.treeToValue(tree, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new UnreadableEventException(e.getMessage(), e);
        }
    }

    /** A message no reader of this version can interpret; consumers park it instead of guessing. */
    public static final class UnreadableEventException extends RuntimeException {
        UnreadableEventException(String message) {
            super(message);
        }

        UnreadableEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }

}
