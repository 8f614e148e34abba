package dev.telemetry.collector.consent;

import static dev.telemetry.collector.ConsentLog.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
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
import dev.telemetry.testing.TopicReader;

/**
 * The consent flows of the collector, against the real consent topic format. Consent times are set in the past
 * where a decisive answer is expected, because the rule allows two minutes of client clock skew.
 */
@QuarkusTest
class ConsentFlowsTest {

    @Inject
    ConsentFreshness freshness;

    @Test
    void optInThenPushIsAcceptedAndAppendedPseudonymised() {
        CliMachine machine = CliMachine.create().optedIn(minutesAgo(30)).awaitProjected();
        var start = machine.event("start_begin", minutesAgo(20));
        start.putObject("data").put("cpus", 4).put("services", "default");

        CliMachine.push(List.of(start)).then().statusCode(200)
                .body("accepted", equalTo(1))
                .body("results.status", contains("accepted"));

        List<ConsumerRecord<String, String>> published = TopicReader.readAll(Topics.USAGE).stream()
                .filter(r -> machine.pseudonym().equals(r.key())).toList();
        assertThat(published).hasSize(1);
        ConsumerRecord<String, String> record = published.get(0);
        UsageEvent event = IntegrationJson.read(record.value(), UsageEvent.class);
        assertThat(event.eventId().toString()).isEqualTo(start.get("id").asText());
        assertThat(event.event()).isEqualTo("start_begin");
        assertThat(event.data()).containsEntry("cpus", 4).containsEntry("services", "default");
        assertThat(event.catalog()).isEqualTo("cf-dev@1");
        assertThat(record.value()).doesNotContain(machine.anonymousId());
    }

    @Test
    void telemetryOffPushedBeforeTheOptOutIsAcceptedAndTheOptOutThenStopsLaterEvents() {
        Instant grantedAt = minutesAgo(30);
        Instant optedOutAt = minutesAgo(5);
        CliMachine machine = CliMachine.create().optedIn(grantedAt).awaitProjected();

        CliMachine.push(List.of(machine.event("stop", minutesAgo(6)), machine.event("telemetry_off", optedOutAt)))
                .then().statusCode(200).body("accepted", equalTo(2));
        machine.optedOut(optedOutAt).awaitProjected();
        ConsentLog.awaitConsumed(freshness);

        assertThat(machine.projectedTimeline()).containsExactly("GRANTED@" + grantedAt, "WITHDRAWN@" + optedOutAt);
        CliMachine.push(List.of(machine.event("start_begin", minutesAgo(2).minusSeconds(30)),
                machine.event("stop", optedOutAt.minusSeconds(1))))
                .then().statusCode(200)
                .body("results.status", contains("rejected", "accepted"))
                .body("results[0].reason", equalTo("after_opt_out"));
    }

    @Test
    void eventsOfAnEndedPeriodPushedAfterTheGraceAreRejectedLate() {
        CliMachine machine = CliMachine.create().optedIn(minutesAgo(60)).optedOut(minutesAgo(15)).awaitProjected();
        ConsentLog.awaitConsumed(freshness);

        // Captured while opted in, but pushed 15 minutes after the opt-out: past the 10-minute grace.
        CliMachine.push(List.of(machine.event("stop", minutesAgo(20)), machine.event("telemetry_off", minutesAgo(15))))
                .then().statusCode(200)
                .body("accepted", equalTo(0))
                .body("results.status", contains("rejected", "rejected"))
                .body("results.reason", contains("late_after_opt_out", "late_after_opt_out"))
                .body("results[0].detail", equalTo(
                        "the machine opted out and the grace period for sending earlier events has passed"));
        assertThat(TopicReader.readAll(Topics.USAGE)).noneMatch(r -> machine.pseudonym().equals(r.key()));
    }

    @Test
    void onePushOfManyMachinesJudgesEachEventByItsOwnMachine() {
        CliMachine optedIn = CliMachine.create().optedIn(minutesAgo(60)).awaitProjected();
        Instant optOut = minutesAgo(5);
        CliMachine optedOut = CliMachine.create().optedIn(minutesAgo(60)).optedOut(optOut).awaitProjected();
        CliMachine erased = CliMachine.create().optedIn(minutesAgo(60)).erased(minutesAgo(30)).awaitProjected();
        CliMachine unknown = CliMachine.create();
        ConsentLog.awaitConsumed(freshness);
        List<ObjectNode> batch = List.of(
                optedOut.event("start_begin", optOut.plusSeconds(150)),
                optedIn.event("start_begin", minutesAgo(20)),
                unknown.event("start_begin", minutesAgo(20)),
                erased.event("stop", minutesAgo(40)),
                optedOut.event("stop", optOut.minusSeconds(60)),
                optedIn.event("stop", minutesAgo(10)),
                erased.event("start_begin", minutesAgo(45)));

        CliMachine.push(batch).then().statusCode(200)
                .body("accepted", equalTo(3))
                .body("rejected", equalTo(4))
                .body("results.index", contains(0, 1, 2, 3, 4, 5, 6))
                .body("results.id", contains(batch.stream().map(e -> e.get("id").asText()).toArray()))
                .body("results.status",
                        contains("rejected", "accepted", "rejected", "rejected", "accepted", "accepted", "rejected"))
                .body("results.reason", contains("after_opt_out", null, "no_consent", "erased", null, null, "erased"));

        Map<String, List<String>> published = TopicReader.readAll(Topics.USAGE).stream()
                .map(r -> IntegrationJson.read(r.value(), UsageEvent.class))
                .collect(Collectors.groupingBy(UsageEvent::pseudonym,
                        Collectors.mapping(e -> e.eventId().toString(), Collectors.toList())));
        assertThat(published.get(optedIn.pseudonym())).containsExactlyInAnyOrder(id(batch, 1), id(batch, 5));
        assertThat(published.get(optedOut.pseudonym())).containsExactly(id(batch, 4));
        assertThat(published).doesNotContainKeys(erased.pseudonym(), unknown.pseudonym());
    }

    private static String id(List<ObjectNode> batch, int index) {
        return batch.get(index).get("id").asText();
    }

    @Test
    void afterTheOptOutEarlierEventsAreAcceptedWithinGraceAndLaterOnesRejected() {
        CliMachine machine = CliMachine.create().optedIn(minutesAgo(30)).optedOut(minutesAgo(5)).awaitProjected();
        ConsentLog.awaitConsumed(freshness);

        CliMachine.push(List.of(
                machine.event("stop", minutesAgo(7)),
                machine.event("telemetry_off", minutesAgo(5)),
                machine.event("start_begin", minutesAgo(2).minusSeconds(30))))
                .then().statusCode(200)
                .body("results.status", contains("accepted", "accepted", "rejected"))
                .body("results[2].reason", equalTo("after_opt_out"));
    }

    @Test
    void machineThatNeverOptedInIsRejected() {
        CliMachine machine = CliMachine.create();
        ConsentLog.awaitConsumed(freshness);

        CliMachine.push(List.of(machine.event("start_begin", minutesAgo(10)))).then().statusCode(200)
                .body("rejected", equalTo(1))
                .body("results[0].status", equalTo("rejected"))
                .body("results[0].reason", equalTo("no_consent"));
    }

    @Test
    void optInNotYetSeenByTheCollectorMeansRetryNeverRejected() {
        CliMachine machine = CliMachine.create();
        var start = machine.event("start_begin", Instant.now().truncatedTo(ChronoUnit.MILLIS));

        CliMachine.push(List.of(start)).then().statusCode(200)
                .body("retry", equalTo(1))
                .body("results[0].status", equalTo("retry"))
                .body("results[0].reason", equalTo("consent_pending"));

        machine.optedIn(minutesAgo(1)).awaitProjected();
        CliMachine.push(List.of(start)).then().statusCode(200).body("accepted", equalTo(1));
    }

    @Test
    void afterAnErasureRequestEverythingCapturedBeforeIsRejected() {
        CliMachine machine = CliMachine.create().optedIn(minutesAgo(30)).erased(minutesAgo(5)).awaitProjected();

        CliMachine.push(List.of(machine.event("stop", minutesAgo(20)), machine.event("telemetry_off", minutesAgo(6))))
                .then().statusCode(200)
                .body("results.status", contains("rejected", "rejected"))
                .body("results.reason", contains("erased", "erased"));
    }
}
