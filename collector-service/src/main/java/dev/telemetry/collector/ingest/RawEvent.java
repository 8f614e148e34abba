package dev.telemetry.collector.ingest;

import java.util.Map;

import com.fasterxml.jackson.core.JsonToken;

/**
 * One event of a push as {@link PushReader} read it, before any check ({@link EventValidator} judges it). Each field
 * is null if it was absent, a {@link String} if it was a JSON string, else the {@link JsonToken} of the value it
 * had ({@code VALUE_NULL}, {@code VALUE_NUMBER_INT}, {@code START_OBJECT}, ...). {@code data}, if it was an object,
 * is a map of its keys, in order, to {@link Long} (an integer that fits in one), {@link Boolean}, {@link String}, or
 * the {@link JsonToken} of any other value, which no catalog field admits.
 */
final class RawEvent {

    /** False if the event itself is not a JSON object; then nothing else was read. */
    boolean object;
    Object id;
    Object event;
    Object timestamp;
    Object anonymousId;
    Object proof;
    Object os;
    Object build;
    Object data;
    /** The first field, in the order sent, that is not an event field. */
    String unknownField;

    static RawEvent notAnObject() {
        return new RawEvent();
    }

    /** True if {@code value} was absent or JSON null. */
    static boolean missing(Object value) {
        return value == null || value == JsonToken.VALUE_NULL;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> dataObject() {
        return data instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }
}
