package dev.telemetry.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.telemetry.edge.ProblemException;
import dev.telemetry.edge.StrictJson;

/**
 * Every body that is not a well-formed push gets the documented problem type, wherever its mistake is and whatever
 * else is wrong with it (malformed JSON first, then the envelope, then the number of events); and the reader hands
 * each event's fields on as sent, for the validator to judge.
 */
class PushReaderTest {

    private static final String EVENT = "{\"id\": \"5f0c2b1e-9a55-4b1e-9a55-2f3cb2d5f3a1\", \"event\": \"stop\"}";

    private final PushReader reader = new PushReader(strictMapper().getFactory(), 3);

    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper();
        new StrictJson().customize(mapper);
        return mapper;
    }

    private static String events(int count) {
        return IntStream.range(0, count).mapToObj(i -> EVENT).collect(Collectors.joining(", ", "[", "]"));
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("not JSON", "events: [start]", "malformed-json"),
                Arguments.of("truncated", "{\"events\": [" + EVENT, "malformed-json"),
                Arguments.of("duplicate envelope key", "{\"events\": [], \"events\": []}", "malformed-json"),
                Arguments.of("duplicate key in an event",
                        "{\"events\": [{\"id\": \"a\", \"id\": \"b\"}]}", "malformed-json"),
                Arguments.of("duplicate key in data",
                        "{\"events\": [{\"data\": {\"cpus\": 1, \"cpus\": 2}}]}", "malformed-json"),
                Arguments.of("duplicate unknown key in an event",
                        "{\"events\": [{\"ip\": 1, \"id\": \"a\", \"ip\": 2}]}", "malformed-json"),
                Arguments.of("duplicate key inside an unknown field",
                        "{\"events\": [{\"extra\": [{\"a\": 1, \"a\": 2}]}]}", "malformed-json"),
                Arguments.of("duplicate key inside a field that is not a string",
                        "{\"events\": [{\"os\": {\"a\": {}, \"a\": []}}]}", "malformed-json"),
                Arguments.of("duplicate key inside data",
                        "{\"events\": [{\"data\": {\"list\": [{\"a\": 1, \"a\": 1}]}}]}", "malformed-json"),
                Arguments.of("duplicate key inside an event that is not an object",
                        "{\"events\": [[{\"a\": 1}, {\"b\": 1, \"b\": 1}]]}", "malformed-json"),
                Arguments.of("duplicate key after an envelope mistake",
                        "{\"hostname\": \"box\", \"events\": [], \"hostname\": \"box\"}", "malformed-json"),
                Arguments.of("duplicate key inside an extra envelope field",
                        "{\"events\": [], \"pad\": {\"a\": 1, \"a\": 1}}", "malformed-json"),
                Arguments.of("duplicate key in an object at the root that is not an envelope",
                        "[{\"a\": 1, \"a\": 1}]", "malformed-json"),
                Arguments.of("the same key in sibling objects is no duplicate, but the envelope is wrong",
                        "{\"events\": [], \"pad\": [{\"a\": 1}, {\"a\": 1}]}", "invalid-envelope"),
                Arguments.of("a second root value", "{\"events\": []} {}", "malformed-json"),
                Arguments.of("garbage after the root", "{\"events\": []} x", "malformed-json"),
                Arguments.of("garbage after a root array", "[] x", "malformed-json"),
                Arguments.of("not UTF-8", "{\"events\": [\"\u00ff\"]}", "malformed-json"),
                Arguments.of("malformed after an extra field",
                        "{\"hostname\": \"box\", \"events\": [}", "malformed-json"),
                Arguments.of("malformed after too many events",
                        "{\"events\": " + events(5).replace("]", "") + ", }", "malformed-json"),
                Arguments.of("malformed inside an event that is not an object",
                        "{\"events\": [[1, ]]}", "malformed-json"),
                Arguments.of("too deeply nested data", "{\"events\": [{\"data\": " + "[".repeat(2000)
                        + "]".repeat(2000) + "}]}", "malformed-json"),
                Arguments.of("empty body", "", "invalid-envelope"),
                Arguments.of("only whitespace", " \n ", "invalid-envelope"),
                Arguments.of("null", "null", "invalid-envelope"),
                Arguments.of("a string", "\"events\"", "invalid-envelope"),
                Arguments.of("array at the root", "[{\"events\": []}]", "invalid-envelope"),
                Arguments.of("empty object", "{}", "invalid-envelope"),
                Arguments.of("no events field", "{\"batch\": []}", "invalid-envelope"),
                Arguments.of("events not an array", "{\"events\": {}}", "invalid-envelope"),
                Arguments.of("events null", "{\"events\": null}", "invalid-envelope"),
                Arguments.of("extra field before", "{\"hostname\": \"box\", \"events\": []}", "invalid-envelope"),
                Arguments.of("extra field after", "{\"events\": [], \"hostname\": \"box\"}", "invalid-envelope"),
                Arguments.of("too many events and an extra field",
                        "{\"events\": " + events(5) + ", \"pad\": 1}", "invalid-envelope"),
                Arguments.of("too many events", "{\"events\": " + events(4) + "}", "too-many-events"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badBodyGetsItsProblemType(String name, String body, String type) {
        byte[] bytes = name.equals("not UTF-8")
                ? body.getBytes(StandardCharsets.ISO_8859_1)
                : body.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> reader.read(bytes)).isInstanceOfSatisfying(ProblemException.class,
                problem -> assertThat(problem.problem().type()).isEqualTo("urn:telemetry:problem:" + type));
    }

    @Test
    void readsEachEventsFieldsAsSent() {
        List<RawEvent> events = new PushReader(strictMapper().getFactory(), 500).read(("""
                {"events": [
                  {"id": "5f0c2b1e-9a55-4b1e-9a55-2f3cb2d5f3a1", "event": 7, "timestamp": null, "os": {"a": [1]},
                   "ip": "203.0.113.7", "userAgent": "cf",
                   "data": {"cpus": 4, "big": 123456789012345678901234567890, "ratio": 0.5, "on": true,
                            "off": false, "code": "unknown", "nothing": null, "list": [1, 2], "object": {"a": 1}}},
                  null,
                  [1, 2],
                  {"data": "cpus=4"}
                ]}""").getBytes(StandardCharsets.UTF_8));

        assertThat(events).hasSize(4);
        RawEvent first = events.get(0);
        assertThat(first.object).isTrue();
        assertThat(first.id).isEqualTo("5f0c2b1e-9a55-4b1e-9a55-2f3cb2d5f3a1");
        assertThat(first.event).isEqualTo(JsonToken.VALUE_NUMBER_INT);
        assertThat(first.timestamp).isEqualTo(JsonToken.VALUE_NULL);
        assertThat(first.anonymousId).isNull();
        assertThat(first.os).isEqualTo(JsonToken.START_OBJECT);
        assertThat(first.unknownField).isEqualTo("ip");
        assertThat(first.dataObject()).containsExactly(Map.entry("cpus", 4L),
                Map.entry("big", JsonToken.VALUE_NUMBER_INT), Map.entry("ratio", JsonToken.VALUE_NUMBER_FLOAT),
                Map.entry("on", true), Map.entry("off", false), Map.entry("code", "unknown"),
                Map.entry("nothing", JsonToken.VALUE_NULL), Map.entry("list", JsonToken.START_ARRAY),
                Map.entry("object", JsonToken.START_OBJECT));
        assertThat(events.get(1).object).isFalse();
        assertThat(events.get(2).object).isFalse();
        assertThat(events.get(3).data).isEqualTo("cpus=4");
        assertThat(events.get(3).dataObject()).isNull();
    }

    @Test
    void readsAsManyEventsAsAllowed() {
        assertThat(reader.read(("{\"events\": " + events(3) + "}").getBytes(StandardCharsets.UTF_8))).hasSize(3);
        assertThat(reader.read("{\"events\": []}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
}
