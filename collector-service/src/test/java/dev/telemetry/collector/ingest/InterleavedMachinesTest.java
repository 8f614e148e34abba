package dev.telemetry.collector.ingest;

import static dev.telemetry.collector.ConsentLog.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.collector.ConsentLog;
import dev.telemetry.consentview.ConsentFreshness;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.testing.SimulatedMachines;
import dev.telemetry.testing.TopicReader;

/**
 * One push with two machines' events interleaved and refused events (no consent, a wrong proof, not valid) between one
 * machine's events. The collector looks up a run of one machine's events once (its pseudonym, its proof, what it
 * accepted before); each event must still get its own verdict, in order, and exactly the accepted events must be
 * appended, each under its own machine's pseudonym.
 */
@QuarkusTest
class InterleavedMachinesTest {

    @Inject
    ConsentFreshness freshness;

    @Test
    void eachEventIsJudgedAsItsOwnMachinesAndAppendedUnderItsPseudonym() {
        CliMachine a = CliMachine.create().optedIn(minutesAgo(60)).awaitProjected();
        CliMachine b = CliMachine.create().optedIn(minutesAgo(60)).optedOut(minutesAgo(5)).awaitProjected();
        ConsentLog.awaitConsumed(freshness);
        ObjectNode aStart = a.event("start_begin", minutesAgo(9));
        ObjectNode forged = a.event("stop", minutesAgo(8));
        forged.put("proof", SimulatedMachines.proofOf("someone else"));
        List<ObjectNode> events = List.of(
                aStart,
                b.event("start_begin", minutesAgo(5).plusSeconds(150)), // after b's opt-out and its clock skew
                forged, // a's id without a's proof
                a.event("stop", Instant.now().plus(Duration.ofDays(1))), // not a valid event
                a.event("stop", minutesAgo(7)),
                b.event("stop", minutesAgo(20)), // before b's opt-out, sent within its grace period
                aStart.deepCopy(), // the first event again
                a.event("start_end", minutesAgo(6)));

        CliMachine.push(events).then().log().ifValidationFails().statusCode(200)
                .body("accepted", equalTo(4))
                .body("results.status", contains("accepted", "rejected", "rejected", "rejected", "accepted",
                        "accepted", "duplicate", "accepted"))
                .body("results.reason", contains(null, "after_opt_out", "no_consent", "timestamp_in_future", null,
                        null, "duplicate_in_batch", null));

        Set<String> pushed = events.stream().map(CliMachine::idOf).collect(Collectors.toSet());
        Map<String, String> appended = new HashMap<>();
        for (ConsumerRecord<String, String> record : TopicReader.readAll(Topics.USAGE)) {
            String id = IntegrationJson.read(record.value(), UsageEvent.class).eventId().toString();
            if (pushed.contains(id)) {
                assertThat(appended.put(id, record.key())).as("event %s appended once", id).isNull();
            }
        }
        assertThat(appended).containsOnly(entry(CliMachine.idOf(events.get(0)), a.pseudonym()),
                entry(CliMachine.idOf(events.get(4)), a.pseudonym()),
                entry(CliMachine.idOf(events.get(5)), b.pseudonym()),
                entry(CliMachine.idOf(events.get(7)), a.pseudonym()));
    }
}
