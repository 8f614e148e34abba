package dev.telemetry.report.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.Fleet;
import dev.telemetry.report.projection.Aggregates;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.testing.Readiness;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

/**
 * Readiness tells Kubernetes the truth: DOWN, naming the dependency, while the broker or the database is really
 * stopped, and UP again once it is back, without a restart of the service. Each outage begins while both consumers
 * work through a backlog (opt-ins; usage events with a collector's resends in them); afterwards every opt-in and every
 * event is counted exactly once.
 * The broker stays down twice its clients' API timeout, shortened to 5 s in this test's profile, so that
 * the outage outlasts it in seconds rather than minutes.
 */
@QuarkusTest
@TestProfile(Readiness.ShortKafkaTimeouts.class)
class ReadinessTest {

    private static final int MACHINES = 100;
    private static final int EVENTS_PER_MACHINE = 1000;
    private static final int RESENT_EVERY = 10;
    private static final int OPT_INS = 2000;

    /** What a test sent: usage events of opted-in machines, and the opt-ins of other machines. */
    private record Backlog(Quarter quarter, long events, long optIns) {
    }

    @Test
    void readinessIsDownWhileKafkaIsStoppedAndUpAgainAfter() throws Exception {
        Readiness.awaitUp();
        Backlog backlog = publishAndAwaitCountingStarted(new Quarter(2021, 2));

        Readiness.assertDownWhileKafkaIsStopped();

        Readiness.awaitUp();
        assertCountedExactlyOnce(backlog);
    }

    @Test
    void readinessIsDownWhilePostgresIsStoppedAndUpAgainAfter() {
        Readiness.awaitUp();
        Backlog backlog = publishAndAwaitCountingStarted(new Quarter(2021, 3));

        Readiness.assertDownWhilePostgresIsStopped();

        Readiness.awaitUp();
        assertCountedExactlyOnce(backlog);
    }

    /**
     * Opted-in machines' events of {@code quarter}, every tenth sent twice (a collector's resend), and the opt-ins of
     * other machines in that quarter, straight to the topics; returns once the first of both are counted, so the
     * outage meets consumers at work.
     */
    private static Backlog publishAndAwaitCountingStarted(Quarter quarter) {
        Fleet fleet = new Fleet();
        Instant start = quarter.start().plus(Duration.ofDays(1));
        List<Map.Entry<String, String>> events = new ArrayList<>();
        for (int m = 0; m < MACHINES; m++) {
            Fleet.Machine machine = fleet.machine("linux", "1.0.0");
            fleet.optIn(machine, quarter.start());
            for (int e = 0; e < EVENTS_PER_MACHINE; e++) {
                Instant at = start.plusSeconds(e);
                String event = IntegrationJson.write(new UsageEvent(UUID.randomUUID(), machine.pseudonym, at, "stop",
                        machine.os, machine.build, Map.of(), at.plusSeconds(30), "cf-dev@1"));
                events.add(Map.entry(machine.pseudonym, event));
                if (e % RESENT_EVERY == 0) {
                    events.add(Map.entry(machine.pseudonym, event));
                }
            }
        }
        fleet.settleConsent();
        List<Map.Entry<String, String>> optIns = new ArrayList<>();
        for (int m = 0; m < OPT_INS; m++) {
            Fleet.Machine machine = fleet.machine("linux", "1.0.0");
            optIns.add(Map.entry(machine.pseudonym, IntegrationJson.write(new ConsentGrantedMessage(UUID.randomUUID(),
                    machine.pseudonym, 1, start, machine.os, machine.build, "prompt"))));
        }
        TopicReader.sendAll(Topics.CONSENT, optIns);
        TopicReader.sendAll(Topics.USAGE, events);
        Backlog backlog = new Backlog(quarter, (long) MACHINES * EVENTS_PER_MACHINE, MACHINES + OPT_INS);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> counted(quarter, Aggregates.TOTAL) > 0
                        && counted(quarter, Aggregates.CONSENT) > MACHINES);
        return backlog;
    }

    /** Everything sent is consumed: the quarter holds each event and opt-in once, resends and redeliveries included. */
    private static void assertCountedExactlyOnce(Backlog backlog) {
        String quarter = backlog.quarter().toString();
        TopicReader.consentWatermark(Instant.now());
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                .until(() -> counted(backlog.quarter(), Aggregates.CONSENT) >= backlog.optIns());
        Fleet.awaitUsageConsumed(Duration.ofMinutes(5));
        assertThat(counted(backlog.quarter(), Aggregates.TOTAL)).isEqualTo(backlog.events());
        assertThat(TestDatabase.count("SELECT coalesce(sum(events), 0) FROM contribution WHERE quarter = ? "
                + "AND dimension = ?", quarter, Aggregates.TOTAL)).isEqualTo(backlog.events());
        assertThat(counted(backlog.quarter(), Aggregates.CONSENT)).isEqualTo(backlog.optIns());
        assertThat(TestDatabase.count("SELECT coalesce(sum(events), 0) FROM rollup WHERE quarter = ? "
                + "AND dimension = ? AND key = ?", quarter, Aggregates.CONSENT, Aggregates.OPTED_IN))
                .isEqualTo(backlog.optIns());
    }

    private static long counted(Quarter quarter, String dimension) {
        return TestDatabase.count("SELECT coalesce(sum(events), 0) FROM rollup WHERE quarter = ? AND dimension = ?",
                quarter.toString(), dimension);
    }
}
