package dev.telemetry.collector.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.contract.Topics;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TopicReader;

/**
 * Bad input, case by case, with the status and reason code each must get. The machine is opted in, so only the
 * defect can stop an event; none of them may reach Kafka.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCorpusTest {

    private CliMachine machine;

    /** One malformed request and what the collector must answer. */
    record Case(String name, String contentType, String encoding, byte[] body, int status, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void optIn() {
        machine = CliMachine.create().optedIn(Instant.now().minus(Duration.ofHours(2))).awaitProjected();
    }

    private ObjectNode valid() {
        return machine.event("start_begin",
                Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS));
    }

    private Case event(String name, String reason, Consumer<ObjectNode> defect) {
        ObjectNode event = valid();
        defect.accept(event);
        return new Case(name, "application/json", null, bytes(CliMachine.batch(List.of(event))), 200, reason);
    }

    private static Case envelope(String name, String contentType, String encoding, byte[] body, int status,
            String type) {
        return new Case(name, contentType, encoding, body, status, type);
    }

    List<Case> corpus() {
        String anotherKindsKey = "cpus";
        List<Case> cases = new ArrayList<>(List.of(
                event("id missing", "missing_field", e -> e.remove("id")),
                event("id not a UUID", "invalid_id", e -> e.put("id", "event-1")),
                event("id a number", "invalid_id", e -> e.put("id", 42)),
                event("id in braces", "invalid_id", e -> e.put("id", "{" + e.get("id").asText() + "}")),
                event("event missing", "missing_field", e -> e.remove("event")),
                event("event unknown", "unknown_event", e -> e.put("event", "rm_rf")),
                event("event a number", "unknown_event", e -> e.put("event", 7)),
                event("event in upper case", "unknown_event", e -> e.put("event", "START_BEGIN")),
                event("timestamp missing", "missing_field", e -> e.remove("timestamp")),
                event("timestamp in words", "invalid_timestamp", e -> e.put("timestamp", "yesterday")),
                event("timestamp with an offset", "invalid_timestamp",
                        e -> e.put("timestamp", "2026-11-21T10:15:30+02:00")),
                event("timestamp as epoch seconds", "invalid_timestamp", e -> e.put("timestamp", 1795000000)),
                event("timestamp a day ahead", "timestamp_in_future",
                        e -> e.put("timestamp", Instant.now().plus(Duration.ofDays(1)).toString())),
                event("timestamp 60 days old", "timestamp_too_old",
                        e -> e.put("timestamp", Instant.now().minus(Duration.ofDays(60)).toString())),
                event("anonymousId missing", "missing_field", e -> e.remove("anonymousId")),
                event("anonymousId a hostname", "invalid_anonymous_id", e -> e.put("anonymousId", "alice-macbook")),
                event("anonymousId an e-mail", "invalid_anonymous_id",
                        e -> e.put("anonymousId", "alice@example.com")),
                event("anonymousId in upper case", "invalid_anonymous_id",
                        e -> e.put("anonymousId", e.get("anonymousId").asText().toUpperCase())),
                event("anonymousId 63 characters", "invalid_anonymous_id",
                        e -> e.put("anonymousId", e.get("anonymousId").asText().substring(1))),
                event("proof missing", "missing_field", e -> e.remove("proof")),
                event("proof in upper case", "invalid_proof",
                        e -> e.put("proof", e.get("proof").asText().toUpperCase())),
                event("proof 63 characters", "invalid_proof",
                        e -> e.put("proof", e.get("proof").asText().substring(1))),
                event("proof a number", "invalid_proof", e -> e.put("proof", 7)),
                event("os free text", "invalid_os", e -> e.put("os", "Ubuntu 22.04 (alice)")),
                event("os missing", "missing_field", e -> e.remove("os")),
                event("build a URL", "invalid_build", e -> e.put("build", "https://example.com/b/1")),
                event("build a path", "invalid_build", e -> e.put("build", "/home/alice/cfdev")),
                event("data key unknown", "unknown_data_key", e -> e.putObject("data").put("hostname", "box")),
                event("data key with an e-mail", "unknown_data_key",
                        e -> e.putObject("data").put("user_email", "alice@example.com")),
                event("data key of another kind", "unknown_data_key",
                        e -> e.put("event", "stop").putObject("data").put(anotherKindsKey, 4)),
                event("data enum gets a path", "invalid_data_value",
                        e -> e.put("event", "error").putObject("data").put("code", "/Users/alice/.cfdev")),
                event("data enum gets a URL", "invalid_data_value",
                        e -> e.put("event", "error").putObject("data").put("code", "http://x.io")),
                event("data enum in wrong case", "invalid_data_value",
                        e -> e.put("event", "app_created").putObject("data").put("buildpack", "Java")),
                event("data integer out of range", "invalid_data_value", e -> e.putObject("data").put("cpus", 1000)),
                event("data integer as a string", "invalid_data_value", e -> e.putObject("data").put("cpus", "4")),
                event("data integer with a fraction", "invalid_data_value",
                        e -> e.putObject("data").put("cpus", 4.5)),
                event("data value an object", "invalid_data_value",
                        e -> e.putObject("data").putObject("services").put("all", true)),
                event("data an array", "invalid_data", e -> e.putArray("data").add(1)),
                event("data a string", "invalid_data", e -> e.put("data", "cpus=4")),
                event("extra field ip", "unknown_field", e -> e.put("ip", "203.0.113.7")),
                event("extra field userAgent", "unknown_field", e -> e.put("userAgent", "cf/8.7")),
                new Case("event an array", "application/json", null, bytes("{\"events\": [[1, 2]]}"), 200,
                        "invalid_event"),
                new Case("event null", "application/json", null, bytes("{\"events\": [null]}"), 200,
                        "invalid_event")));
        String one = CliMachine.batch(List.of(valid()));
        cases.addAll(List.of(
                envelope("not JSON", "application/json", null, bytes("events: [start]"), 400, "malformed-json"),
                envelope("duplicate keys", "application/json", null,
                        bytes("{\"events\": [], \"events\": " + one.substring(10, one.length() - 1) + "}"), 400,
                        "malformed-json"),
                envelope("empty body", "application/json", null, new byte[0], 400, "invalid-envelope"),
                envelope("array at the root", "application/json", null, bytes("[" + one + "]"), 400,
                        "invalid-envelope"),
                envelope("no events field", "application/json", null, bytes("{\"batch\": []}"), 400,
                        "invalid-envelope"),
                envelope("events not an array", "application/json", null, bytes("{\"events\": {}}"), 400,
                        "invalid-envelope"),
                envelope("extra top-level field", "application/json", null,
                        bytes(one.replace("{\"events\"", "{\"hostname\": \"box\", \"events\"")), 400,
                        "invalid-envelope"),
                envelope("501 events", "application/json", null, bytes(CliMachine.batch(
                        Stream.generate(this::valid).limit(501).toList())), 413, "too-many-events"),
                envelope("body over 512 KiB", "application/json", null,
                        bytes("{\"events\": [], \"pad\": \"" + "x".repeat(600 * 1024) + "\"}"), 413,
                        "payload-too-large"),
                envelope("gzip bomb", "application/json", "gzip", gzip(new byte[20 * 1024 * 1024]), 413,
                        "payload-too-large"),
                envelope("corrupt gzip", "application/json", "gzip", bytes(one), 400, "malformed-gzip"),
                envelope("brotli", "application/json", "br", bytes(one), 415, "unsupported-content-encoding"),
                envelope("text/plain", "text/plain", null, bytes(one), 415, "unsupported-media-type"),
                envelope("XML", "application/xml", null, bytes("<events/>"), 415, "unsupported-media-type")));
        return cases;
    }

    Stream<Arguments> cases() {
        return corpus().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGetsItsStatusAndReason(Case bad) {
        Response response = send(bad);

        assertThat(response.statusCode()).isEqualTo(bad.status());
        if (bad.status() == 200) {
            assertThat(response.<String>path("results[0].status")).isEqualTo("rejected");
            assertThat(response.<String>path("results[0].reason")).isEqualTo(bad.reason());
            assertThat(response.<Integer>path("accepted")).isZero();
        } else {
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            assertThat(response.<String>path("type")).isEqualTo("urn:telemetry:problem:" + bad.reason());
        }
    }

    @Test
    void nothingFromTheCorpusReachesKafka() {
        List<Case> corpus = corpus();
        corpus.forEach(BadInputCorpusTest::send);
        // A valid event of the same machine afterwards, to show the machine's events do reach the topic.
        CliMachine.push(List.of(valid())).then().statusCode(200).body("accepted", equalTo(1));

        List<ConsumerRecord<String, String>> published = TopicReader.readAll(Topics.USAGE);

        assertThat(corpus).hasSizeGreaterThanOrEqualTo(40);
        assertThat(published).filteredOn(r -> machine.pseudonym().equals(r.key())).hasSize(1);
    }

    private static Response send(Case bad) {
        var request = given().auth().oauth2(TestApiKeys.ingest()).contentType(bad.contentType()).body(bad.body());
        if (bad.encoding() != null) {
            request.header("Content-Encoding", bad.encoding());
        }
        return request.when().post("/v1/events");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
