package dev.telemetry.collector.smoke;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.collector.ConsentBacklog;
import dev.telemetry.testing.Readiness;

/**
 * Readiness tells Kubernetes the truth: DOWN, naming the dependency, while the broker or the database is really
 * stopped, and UP again once it is back, without a restart of the service. Each outage begins while the consent
 * consumer works through a backlog, and every decision of it is applied exactly once after the outage.
 * The broker stays down twice its clients' API timeout, shortened to 5 s in this test's profile, so that
 * the outage outlasts it in seconds rather than minutes.
 */
@QuarkusTest
@TestProfile(Readiness.ShortKafkaTimeouts.class)
class ReadinessTest {

    private static final int BACKLOG = 3000;

    @Test
    void readinessIsDownWhileKafkaIsStoppedAndUpAgainAfter() throws Exception {
        Readiness.awaitUp();
        ConsentBacklog backlog = ConsentBacklog.publishAndAwaitStarted(BACKLOG);

        Readiness.assertDownWhileKafkaIsStopped();

        Readiness.awaitUp();
        backlog.awaitAppliedExactlyOnce();
        // The consumer resumed by itself: a decision published after the outage reaches the consent view too.
        CliMachine.create().optedIn(Instant.now().minus(Duration.ofHours(1))).awaitProjected();
    }

    @Test
    void readinessIsDownWhilePostgresIsStoppedAndUpAgainAfter() {
        Readiness.awaitUp();
        ConsentBacklog backlog = ConsentBacklog.publishAndAwaitStarted(BACKLOG);

        Readiness.assertDownWhilePostgresIsStopped();

        Readiness.awaitUp();
        backlog.awaitAppliedExactlyOnce();
        CliMachine.create().optedIn(Instant.now().minus(Duration.ofHours(1))).awaitProjected();
    }
}
