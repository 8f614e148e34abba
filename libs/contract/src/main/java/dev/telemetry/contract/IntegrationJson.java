package dev.telemetry.contract;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
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
            throw new UnreadableEventException(Reason.NOT_JSON, e);
        }
    }

    /** @throws UnreadableEventException if the JSON is malformed, of an unknown type or a newer schema */
    public static <T extends IntegrationEvent> T read(String json, Class<T> type) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException | IllegalArgumentException e) {
            throw new UnreadableEventException(Reason.NOT_JSON, e);
        }
        int version = tree.path("schemaVersion").asInt(1);
        if (version > SUPPORTED_SCHEMA_VERSION) {
            throw new UnreadableEventException(Reason.UNKNOWN_SCHEMA_VERSION,
                    "schema version " + version + " is newer than " + SUPPORTED_SCHEMA_VERSION);
        }
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (InvalidTypeIdException e) {
            throw new UnreadableEventException(Reason.UNKNOWN_TYPE, e);
        } catch (IOException | IllegalArgumentException e) {
            throw new UnreadableEventException(Reason.INVALID_CONTENT, e);
        }
    }

    /** Why a message is unreadable; {@link #code} is stable (consumers put it on the dead-letter topic). */
    public enum Reason {
        NOT_JSON("not-json"), UNKNOWN_TYPE("unknown-type"), UNKNOWN_SCHEMA_VERSION(
                "unknown-schema-version"), INVALID_CONTENT("invalid-content");

        public final String code;

        Reason(String code) {
            this.code = code;
        }
    }

    /** A message no reader of this version can interpret; consumers park it instead of guessing. */
    public static final class UnreadableEventException extends RuntimeException {
        private final Reason reason;

        public UnreadableEventException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        UnreadableEventException(Reason reason, Throwable cause) {
            super(cause.getMessage(), cause);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

}
