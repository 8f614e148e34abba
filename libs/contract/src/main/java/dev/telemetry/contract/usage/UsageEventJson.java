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
 * The wire form of {@link UsageEvent}, the one record type written and read for every event: straight in bytes when
 * the record is plain ({@link PlainUsageEventWriter}, {@link PlainUsageEventReader}), else in one streaming pass each
 * way, instead of the mapper's tree and reflection. It is the same JSON as {@link IntegrationJson} (frozen in
 * the usage.event.v1 snapshot; {@code UsageEventJsonTest} holds the two together), and anything the fast reader does
 * not recognise is left to {@link IntegrationJson#read}, so both decide alike on every input.
 */
public final class UsageEventJson {

    private static final JsonFactory JSON = new JsonFactory();

    private UsageEventJson() {
    }

    /** The UTF-8 bytes of the event's JSON, as {@link IntegrationJson#write} gives it. */
    public static byte[] write(UsageEvent event) {
        byte[] plain = PlainUsageEventWriter.write(event);
        return plain != null ? plain : writeByGenerator(event);
    }

    /** Any event, through Jackson's generator: its escapes for text that is not plain ASCII. */
    static byte[] writeByGenerator(UsageEvent event) {
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
     * Reads a usage record's value (UTF-8 JSON): as written, from the bytes ({@link PlainUsageEventReader}); else
     * in one streaming pass; else by the contract's mapper.
     *
     * @throws IntegrationJson.UnreadableEventException as {@link IntegrationJson#read} would
     */
    public static UsageEvent read(byte[] json) {
        if (json == null) {
            return IntegrationJson.read(null, UsageEvent.class);
        }
        UsageEvent event = PlainUsageEventReader.read(json);
        if (event == null) {
            event = readUsual(json);
        }
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
                switch (field) {
                    case "type" -> type = text(parser, token);
                    case "eventId" -> eventId = Canonical.uuid(text(parser, token));
                    case "pseudonym" -> pseudonym = text(parser, token);
                    case "occurredAt" -> occurredAt = Canonical.utcInstant(text(parser, token));
                    case "event" -> event = text(parser, token);
                    case "os" -> os = text(parser, token);
                    case "build" -> build = text(parser, token);
                    case "data" -> data = data(parser, token);
                    case "receivedAt" -> receivedAt = Canonical.utcInstant(text(parser, token));
                    case "catalog" -> catalog = text(parser, token);
                    case "schemaVersion" -> knownVersion(parser, token);
                    default -> parser.skipChildren(); // a field this version does not know
                }
            }
            if (!UsageEvent.TYPE.equals(type) || eventId == null || pseudonym == null || occurredAt == null
                    || event == null || receivedAt == null || data == null) {
                return null;
            }
            return new UsageEvent(eventId, pseudonym, occurredAt, event, os, build, data, receivedAt, catalog);
        } catch (IOException | Unusual e) {
            return null;
        }
    }

    /** A string value; anything else (the mapper coerces numbers and booleans to text) is {@link Unusual}. */
    private static String text(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw Unusual.INSTANCE;
        }
        return parser.getText();
    }

    private static void knownVersion(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
                || parser.getIntValue() > IntegrationJson.SUPPORTED_SCHEMA_VERSION) {
            throw Unusual.INSTANCE;
        }
    }

    /** A flat object of strings, integers and booleans, as the mapper reads it; anything else is {@link Unusual}. */
    private static Map<String, Object> data(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            throw Unusual.INSTANCE;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
            data.put(key, switch (parser.nextToken()) {
                case VALUE_STRING -> parser.getText();
                case VALUE_NUMBER_INT -> parser.getNumberValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> throw Unusual.INSTANCE;
            });
        }
        return data;
    }

    /** A value of a form the fast reader leaves to the mapper (rare: one shared instance, no stack trace). */
    private static final class Unusual extends RuntimeException {
        static final Unusual INSTANCE = new Unusual();

        private Unusual() {
            super("left to the mapper", null, false, false);
        }
    }
}
