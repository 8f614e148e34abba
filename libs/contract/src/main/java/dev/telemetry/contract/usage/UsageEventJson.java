package dev.telemetry.contract.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import dev.telemetry.contract.Canonical;
import dev.telemetry.contract.IntegrationJson;

/**
 * The wire form of {@link UsageEvent}, the one record type written and read for every event, in one streaming pass
 * each way instead of the mapper's tree and reflection. It is the same JSON as {@link IntegrationJson} (frozen in
 * the usage.event.v1 snapshot; {@code UsageEventJsonTest} holds the two together), and anything the fast reader does
 * not recognise is left to {@link IntegrationJson#read}, so both decide alike on every input.
 */
public final class UsageEventJson {

    private static final JsonFactory JSON = new JsonFactory();

    private UsageEventJson() {
    }

    /** The UTF-8 bytes of the event's JSON, as {@link IntegrationJson#write} gives it. */
    public static byte[] write(UsageEvent event) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", UsageEvent.TYPE);
            json.writeStringField("eventId", event.eventId().toString());
            json.writeStringField("pseudonym", event.pseudonym());
            json.writeStringField("occurredAt", event.occurredAt().toString());
            json.writeStringField("event", event.event());
            json.writeStringField("os", event.os());
            json.writeStringField("build", event.build());
            json.writeObjectFieldStart("data");
            for (Map.Entry<String, Object> entry : event.data().entrySet()) {
                json.writeFieldName(entry.getKey());
                writeValue(json, entry.getValue());
            }
            json.writeEndObject();
            json.writeStringField("receivedAt", event.receivedAt().toString());
            json.writeStringField("catalog", event.catalog());
            json.writeNumberField("schemaVersion", event.schemaVersion());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The catalog admits integers, booleans and enumeration strings only. */
    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value instanceof Long number) {
            json.writeNumber(number);
        } else if (value instanceof Integer number) {
            json.writeNumber(number);
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else if (value instanceof String text) {
            json.writeString(text);
        } else {
            throw new IllegalArgumentException("a data value must be an integer, a boolean or a string, not "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
    }

    /**
     * Reads a usage record's value (UTF-8 JSON).
     *
     * @throws IntegrationJson.UnreadableEventException as {@link IntegrationJson#read} would
     */
    public static UsageEvent read(byte[] json) {
        if (json == null) {
            return IntegrationJson.read(null, UsageEvent.class);
        }
        UsageEvent event = readUsual(json);
        return event != null ? event : IntegrationJson.read(new String(json, StandardCharsets.UTF_8), UsageEvent.class);
    }

    /**
     * The event, if the record has the shape writers give it (fields in any order, unknown ones skipped): strings,
     * canonical ids and instants, a flat data object of strings, integers and booleans, and a schema version this
     * reader knows. Null for anything else, for the mapper to decide.
     */
    private static UsageEvent readUsual(byte[] json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String type = null;
            UUID eventId = null;
            String pseudonym = null;
            Instant occurredAt = null;
            String event = null;
            String os = null;
            String build = null;
            Map<String, Object> data = null;
            Instant receivedAt = null;
            String catalog = null;
            for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
                JsonToken token = parser.nextToken();
                if (field.equals("data")) {
                    data = data(parser, token);
                    if (data == null) {
                        return null;
                    }
                    continue;
                }
                if (field.equals("schemaVersion")) {
                    if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
                            || parser.getIntValue() > IntegrationJson.SUPPORTED_SCHEMA_VERSION) {
                        return null;
                    }
                    continue;
                }
                if (!isKnown(field)) {
                    parser.skipChildren();
                    continue;
                }
                if (token != JsonToken.VALUE_STRING) {
                    return null;
                }
                String text = parser.getText();
                switch (field) {
                    case "type" -> type = text;
                    case "eventId" -> eventId = Canonical.uuid(text);
                    case "pseudonym" -> pseudonym = text;
                    case "occurredAt" -> occurredAt = Canonical.utcInstant(text);
                    case "event" -> event = text;
                    case "os" -> os = text;
                    case "build" -> build = text;
                    case "receivedAt" -> receivedAt = Canonical.utcInstant(text);
                    default -> catalog = text;
                }
            }
            if (!UsageEvent.TYPE.equals(type) || eventId == null || pseudonym == null || occurredAt == null
                    || event == null || receivedAt == null || data == null) {
                return null;
            }
            return new UsageEvent(eventId, pseudonym, occurredAt, event, os, build, data, receivedAt, catalog);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isKnown(String field) {
        return switch (field) {
            case "type", "eventId", "pseudonym", "occurredAt", "event", "os", "build", "receivedAt", "catalog" -> true;
            default -> false;
        };
    }

    /** A flat object of strings, integers and booleans, as the mapper reads it; null for anything else. */
    private static Map<String, Object> data(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            return null;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
            Object value = switch (parser.nextToken()) {
                case VALUE_STRING -> parser.getText();
                case VALUE_NUMBER_INT -> parser.getNumberValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> null;
            };
            if (value == null) {
                return null;
            }
            data.put(key, value);
        }
        return data;
    }
}
