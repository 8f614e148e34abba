package dev.telemetry.collector.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.consentview.ConsentFreshness;
import dev.telemetry.contract.IntegrationEvent;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentWithdrawnMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;
import dev.telemetry.testing.SimulatedMachines;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

/**
 * Scale tier: 55,500 consent decisions of 30,000 machines, written straight to the consent topic as
 * consent-service's relay writes them. The collector's projection must end up holding exactly each machine's
 * timeline, and its verdicts for a sample must follow. Prints the throughput it saw (a figure, not an assertion).
 */
@QuarkusTest
@TestProfile(ConsentProjectionScaleTest.OwnApplication.class)
class ConsentProjectionScaleTest {

    /** Its own application start (ordered after the other tests), so that its backlog never delays theirs. */
    public static class OwnApplication implements QuarkusTestProfile {
    }

    private static final int MACHINES = 30_000;
    private static final int SAMPLE = 400;

    @Inject
    ConsentFreshness freshness;

    /** One machine's decisions: granted; every 2nd withdraws, every 4th grants again; every 10th asks for erasure. */
    private record Fleet(List<String> anonymousIds, Map<String, List<String>> timelines, Map<String, Long> versions,
            List<Map.Entry<String, String>> messages) {
    }

    @Test
    void fiftyThousandConsentDecisionsEndUpExactlyInTheProjection() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Fleet fleet = fleet(now);
        assertThat(fleet.messages()).hasSizeGreaterThanOrEqualTo(50_000);

        long started = System.nanoTime();
        TopicReader.sendAll(Topics.CONSENT, fleet.messages());
        long sent = System.nanoTime();
        Instant watermark = Instant.now().truncatedTo(ChronoUnit.MICROS);
        TopicReader.consentWatermark(watermark);
        // A bound, not a goal: when the projection applied one decision per transaction, a shared 2-core machine
        // under other builds' load was seen at about 60 decisions per second (now one transaction per poll).
        await().atMost(Duration.ofMinutes(12)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !freshness.consumedUpTo().isBefore(watermark));
        long applied = System.nanoTime();
        System.out.printf("consent scale tier: %d decisions sent in %d ms, applied by the collector in %d ms "
                + "(%.0f decisions/s)%n", fleet.messages().size(), (sent - started) / 1_000_000,
                (applied - sent) / 1_000_000, fleet.messages().size() * 1e9 / (applied - started));

        assertThat(projectedTimelines(fleet.versions())).isEqualTo(fleet.timelines());
        assertSampleIsJudgedByItsTimeline(fleet, now);
    }

    private static Fleet fleet(Instant now) {
        List<String> anonymousIds = new ArrayList<>();
        Map<String, List<String>> timelines = new HashMap<>();
        Map<String, Long> versions = new HashMap<>();
        List<Map.Entry<String, String>> messages = new ArrayList<>();
        for (int i = 0; i < MACHINES; i++) {
            String anonymousId = SimulatedMachines.newAnonymousId();
            String pseudonym = SimulatedMachines.pseudonymOf(anonymousId);
            String verifier = SimulatedMachines.verifierOf(anonymousId);
            anonymousIds.add(anonymousId);
            List<String> timeline = new ArrayList<>();
            List<IntegrationEvent> decisions = new ArrayList<>();
            Instant granted = now.minus(Duration.ofMinutes(120));
            decisions.add(new ConsentGrantedMessage(UUID.randomUUID(), pseudonym, 1, granted, "linux", "1.0.0",
                    "prompt", verifier));
            timeline.add("GRANTED@" + granted);
            if (i % 2 == 1) {
                Instant withdrawn = now.minus(Duration.ofMinutes(90));
                decisions.add(new ConsentWithdrawnMessage(UUID.randomUUID(), pseudonym, 2, withdrawn, "linux",
                        "1.0.0", "toggle", verifier));
                timeline.add("WITHDRAWN@" + withdrawn);
            }
            if (i % 4 == 3) {
                Instant regranted = now.minus(Duration.ofMinutes(60));
                decisions.add(new ConsentGrantedMessage(UUID.randomUUID(), pseudonym, 3, regranted, "linux",
                        "1.0.0", "toggle", verifier));
                timeline.add("GRANTED@" + regranted);
            }
            if (i % 10 == 0) {
                Instant erased = now.minus(Duration.ofMinutes(30));
                decisions.add(new ErasureRequestedMessage(UUID.randomUUID(), pseudonym, 2, erased,
                        UUID.randomUUID()));
                // an erasure shrinks the timeline to its marker
                timeline.clear();
                timeline.add("ERASED@" + erased);
            }
            decisions.forEach(decision -> messages.add(Map.entry(pseudonym, IntegrationJson.write(decision))));
            timelines.put(pseudonym, List.copyOf(timeline));
            versions.put(pseudonym, (long) decisions.size());
        }
        return new Fleet(anonymousIds, timelines, versions, messages);
    }

    /**
     * Each machine's timeline as the projection holds it, {@code KIND@instant} in stream order; each machine's
     * version must be the one expected.
     */
    private static Map<String, List<String>> projectedTimelines(Map<String, Long> versions) {
        java.util.Set<String> pseudonyms = versions.keySet();
        List<Map<String, Object>> rows = TestDatabase.query("""
                SELECT pseudonym, version, (SELECT string_agg((e->>'kind') || '@' || (e->>'at'), ',' ORDER BY n)
                                            FROM jsonb_array_elements(timeline) WITH ORDINALITY AS t(e, n)) AS entries
                FROM machine_consent WHERE pseudonym = ANY(?::text[])""",
                "{" + String.join(",", pseudonyms) + "}");
        Map<String, List<String>> timelines = new HashMap<>();
        for (Map<String, Object> row : rows) {
            List<String> entries = List.of(((String) row.get("entries")).split(",")).stream()
                    .map(entry -> entry.substring(0, entry.indexOf('@') + 1)
                            + Instant.parse(entry.substring(entry.indexOf('@') + 1)))
                    .toList();
            assertThat(((Number) row.get("version")).longValue()).isEqualTo(versions.get(row.get("pseudonym")));
            timelines.put((String) row.get("pseudonym"), entries);
        }
        return timelines;
    }

    /**
     * The collector's own answer for a sample of machines, through {@code /validate}: an event a quarter of an hour
     * ago is accepted while opted in, {@code after_opt_out} after a withdrawal; an event before an erasure request
     * is {@code erased}.
     */
    private static void assertSampleIsJudgedByItsTimeline(Fleet fleet, Instant now) {
        List<ObjectNode> events = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < SAMPLE; i++) {
            // A prime stride: spread over the fleet and over every kind of history (residues mod 4 and 10).
            int machine = (int) ((long) i * 7919 % MACHINES);
            boolean erased = machine % 10 == 0;
            ObjectNode event = CliMachine.JSON.createObjectNode();
            event.put("id", UUID.randomUUID().toString());
            event.put("event", "stop");
            event.put("timestamp", now.minus(Duration.ofMinutes(erased ? 100 : 15)).toString());
            event.put("anonymousId", fleet.anonymousIds().get(machine));
            event.put("proof", SimulatedMachines.proofOf(fleet.anonymousIds().get(machine)));
            event.put("os", "linux");
            event.put("build", "1.0.0");
            event.putObject("data");
            events.add(event);
            expected.add(erased
                    ? "rejected erased"
                    : machine % 4 == 1 ? "rejected after_opt_out" : "accepted null");
        }

        JsonPath answer = io.restassured.RestAssured.given().auth()
                .oauth2(dev.telemetry.testing.TestApiKeys.ingest()).contentType("application/json")
                .body(CliMachine.batch(events)).when().post("/v1/events/validate")
                .then().statusCode(200).extract().jsonPath();
        List<String> verdicts = new ArrayList<>();
        for (int i = 0; i < SAMPLE; i++) {
            verdicts.add(answer.getString("results[" + i + "].status") + " "
                    + answer.getString("results[" + i + "].reason"));
        }
        assertThat(verdicts).isEqualTo(expected);
        assertThat(expected.stream().collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("accepted null", "rejected after_opt_out", "rejected erased");
    }
}
