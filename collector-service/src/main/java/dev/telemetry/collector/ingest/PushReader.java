package dev.telemetry.collector.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.core.Response.Status;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import dev.telemetry.edge.Problem;
import dev.telemetry.edge.ProblemException;

/**
 * Reads a push body ({@code {"events": [...]}}) token by token into {@link RawEvent}s, without building a JSON
 * tree first. The whole body is always read, so that what a client gets does not depend on where its mistake is:
 * malformed JSON anywhere (including a name repeated in any object, or anything after the root value) is 400
 * {@code malformed-json}; else anything but an object with exactly the field
 * {@code events}, an array, is 400 {@code invalid-envelope}; else more than the configured number of events is 413
 * {@code too-many-events}. Checking each event is {@link EventValidator}'s job.
 *
 * <p>
 * Repeated names are found here rather than by the parser's duplicate detection, which put every name of every
 * object into a hash set (4 % of the collector's time under load): an event's known fields are bits, and only
 * unknown fields and skipped values go into a set.
 */
final class PushReader {

    /** The fields of an event, by their bit in the set of those seen. */
    private static final List<String> KNOWN_FIELDS = List.of("id", "event", "timestamp", "anonymousId", "proof", "os",
            "build", "data");

    private final JsonFactory json;
    private final int maxEvents;

    /** @param json the factory of the service's mapper (its read limits; duplicate names are found here) */
    PushReader(JsonFactory json, int maxEvents) {
        this.json = json;
        this.maxEvents = maxEvents;
    }

    /** @throws ProblemException for a body that is not a well-formed push of at most the allowed events */
    List<RawEvent> read(byte[] body) {
        List<RawEvent> events = new ArrayList<>();
        boolean envelope;
        int count = 0;
        try (JsonParser parser = json.createParser(body)) {
            parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonToken root = parser.nextToken();
            envelope = root == JsonToken.START_OBJECT;
            boolean sawEvents = false;
            if (root != null && !envelope) {
                skip(parser);
            }
            while (envelope && parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!name.equals("events") || value != JsonToken.START_ARRAY || sawEvents) {
                    envelope = false;
                    Set<String> names = new HashSet<>();
                    names.add(name);
                    if (sawEvents && !names.add("events")) {
                        throw duplicateName();
                    }
                    skip(parser);
                    skipToEndOfObject(parser, names);
                    break;
                }
                sawEvents = true;
                for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                    count++;
                    RawEvent event = readEvent(parser, token);
                    if (count <= maxEvents) {
                        events.add(event);
                    }
                }
            }
            envelope = envelope && sawEvents;
            if (root != null && parser.nextToken() != null) {
                throw malformed("The request body is not well-formed JSON.");
            }
        } catch (JsonProcessingException e) {
            throw malformed("The request body is not well-formed JSON.");
        } catch (IOException e) {
            throw malformed("The request body cannot be read.");
        }
        if (!envelope) {
            throw problem(Status.BAD_REQUEST, "invalid-envelope", "Invalid push",
                    "The body must be a JSON object with exactly one field, 'events', an array of events.");
        }
        if (count > maxEvents) {
            throw problem(Status.REQUEST_ENTITY_TOO_LARGE, "too-many-events", "Too many events",
                    "A push carries at most " + maxEvents + " events; split it.");
        }
        return events;
    }

    /** Reads the rest of the root object after an envelope mistake, so that malformed JSON after it still counts. */
    private static void skipToEndOfObject(JsonParser parser, Set<String> names) throws IOException {
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            if (!names.add(parser.currentName())) {
                throw duplicateName();
            }
            parser.nextToken();
            skip(parser);
        }
    }

    /** Skips the current value, checking each object in it for a repeated name. */
    private static void skip(JsonParser parser) throws IOException {
        JsonToken start = parser.currentToken();
        if (start == JsonToken.START_OBJECT) {
            Set<String> names = new HashSet<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                if (!names.add(parser.currentName())) {
                    throw duplicateName();
                }
                parser.nextToken();
                skip(parser);
            }
        } else if (start == JsonToken.START_ARRAY) {
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                skip(parser);
            }
        }
    }

    private static RawEvent readEvent(JsonParser parser, JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            skip(parser);
            return RawEvent.notAnObject();
        }
        RawEvent event = new RawEvent();
        event.object = true;
        int known = 0;
        Set<String> unknown = null;
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            int field = KNOWN_FIELDS.indexOf(name);
            if (field >= 0) {
                if ((known & 1 << field) != 0) {
                    throw duplicateName();
                }
                known |= 1 << field;
            } else {
                if (unknown == null) {
                    unknown = new HashSet<>();
                }
                if (!unknown.add(name)) {
                    throw duplicateName();
                }
            }
            switch (name) {
                case "id" -> event.id = scalar(parser, value);
                case "event" -> event.event = scalar(parser, value);
                case "timestamp" -> event.timestamp = scalar(parser, value);
                case "anonymousId" -> event.anonymousId = scalar(parser, value);
                case "proof" -> event.proof = scalar(parser, value);
                case "os" -> event.os = scalar(parser, value);
                case "build" -> event.build = scalar(parser, value);
                case "data" -> event.data = value == JsonToken.START_OBJECT ? data(parser) : scalar(parser, value);
                default -> {
                    if (event.unknownField == null) {
                        event.unknownField = name;
                    }
                    skip(parser);
                }
            }
        }
        return event;
    }

    /** A string as itself; any other value as its token (skipped, if an object or array). */
    private static Object scalar(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        skip(parser);
        return value;
    }

    private static Map<String, Object> data(JsonParser parser) throws IOException {
        Map<String, Object> data = new LinkedHashMap<>();
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            String key = parser.currentName();
            JsonToken value = parser.nextToken();
            Object previous = data.put(key, switch (value) {
                case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? value
                        : (Object) parser.getLongValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> scalar(parser, value);
            });
            if (previous != null) {
                throw duplicateName();
            }
        }
        return data;
    }

    /** An object with a name twice is malformed JSON, as the service's strict mapper says everywhere else. */
    private static ProblemException duplicateName() {
        return malformed("The request body is not well-formed JSON.");
    }

    private static ProblemException malformed(String detail) {
        return problem(Status.BAD_REQUEST, "malformed-json", "Malformed JSON", detail);
    }

    private static ProblemException problem(Status status, String type, String title, String detail) {
        return new ProblemException(Problem.of(status, type, title, detail));
    }
}
