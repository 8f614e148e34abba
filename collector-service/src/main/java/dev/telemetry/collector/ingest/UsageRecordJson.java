package dev.telemetry.collector.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.usage.UsageEvent;

/**
 * Writes a {@link UsageEvent} as the UTF-8 bytes of its wire form, the same JSON as {@link IntegrationJson#write}
 * (frozen in libs/contract's usage.event.v1 snapshot; {@code UsageRecordJsonTest} holds the two together), with a
 * streaming generator instead of the mapper's reflective serialiser: it runs for every accepted event.
 */
final class UsageRecordJson {

    private static final JsonFactory JSON = new JsonFactory();

    private UsageRecordJson() {
    }

    static byte[] write(UsageEvent event) {
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
}
