package dev.telemetry.collector;

import static io.restassured.RestAssured.given;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.telemetry.testing.PublishedConsent;
import dev.telemetry.testing.SimulatedMachines;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TestDatabase;

/**
 * A simulated CLI installation. Its consent decisions are published on the consent topic exactly as
 * consent-service publishes them; its events are pushed to the collector's HTTP API.
 */
public final class CliMachine {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final String OS = "linux";
    private static final String BUILD = "0.0.1234";

    private final String anonymousId;
    private final PublishedConsent consent;

    private CliMachine(String anonymousId, boolean withProof) {
        this.anonymousId = anonymousId;
        this.consent = new PublishedConsent(pseudonym(), withProof ? SimulatedMachines.verifierOf(anonymousId) : null);
    }

    public static CliMachine create() {
        return new CliMachine(SimulatedMachines.newAnonymousId(), true);
    }

    /** A machine whose consent was recorded before machine proofs: its consent messages carry no verifier. */
    public static CliMachine recordedBeforeProofs() {
        return new CliMachine(SimulatedMachines.newAnonymousId(), false);
    }

    public String anonymousId() {
        return anonymousId;
    }

    /** What the machine's client sends with each event to prove it is the machine. */
    public String proof() {
        return SimulatedMachines.proofOf(anonymousId);
    }

    public String pseudonym() {
        return SimulatedMachines.pseudonymOf(anonymousId);
    }

    public CliMachine optedIn(Instant at) {
        consent.granted(at, OS, BUILD);
        return this;
    }

    public CliMachine optedOut(Instant at) {
        consent.withdrawn(at, OS, BUILD);
        return this;
    }

    public CliMachine erased(Instant at) {
        consent.erased(at);
        return this;
    }

    /**
     * Waits until the collector's projection has applied every consent event of this machine, after a watermark
     * (as consent-service's relay sends once its outbox is empty).
     */
    public CliMachine awaitProjected() {
        consent.awaitApplied();
        return this;
    }

    /** The machine's consent timeline in the collector's projection, as {@code KIND@instant} in stream order. */
    public List<String> projectedTimeline() {
        List<Map<String, Object>> rows = TestDatabase.query(
                "SELECT e->>'kind' AS kind, e->>'at' AS at FROM machine_consent, jsonb_array_elements(timeline) "
                        + "WITH ORDINALITY AS t(e, n) WHERE pseudonym = ? ORDER BY n",
                pseudonym());
        return rows.stream().map(row -> row.get("kind") + "@" + Instant.parse((String) row.get("at"))).toList();
    }

    public ObjectNode event(String kind, Instant timestamp) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", UUID.randomUUID().toString());
        event.put("event", kind);
        event.put("timestamp", timestamp.toString());
        event.put("anonymousId", anonymousId);
        event.put("proof", proof());
        event.put("os", OS);
        event.put("build", BUILD);
        event.putObject("data");
        return event;
    }

    /** The id of an event made by {@link #event}. */
    public static String idOf(ObjectNode event) {
        return event.get("id").asText();
    }

    public static String batch(List<ObjectNode> events) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("events");
        events.forEach(array::add);
        return body.toString();
    }

    public static Response push(List<ObjectNode> events) {
        return push(batch(events));
    }

    public static Response push(String body) {
        return given().auth().oauth2(TestApiKeys.ingest()).contentType(ContentType.JSON).body(body)
                .when().post("/v1/events");
    }
}
