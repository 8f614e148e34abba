package dev.telemetry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The command hands the sending to a detached process and does not wait for the network. */
class BackgroundSenderTest extends AgainstStandInServices {

    /**
     * The services accept the connection and hold every answer until the command has returned: a client that sent
     * on the command's path would time out and back off, and the spool would never empty.
     */
    @Test
    void aDetachedProcessSendsTheAnswerAndTheEventsAfterTheCommandReturned() {
        TelemetryClient client = fixture.client(services.uri(), true);
        client.answerPrompt(true);
        client.capture("start_begin", Map.of("cpus", 4));
        client.capture("start_end", Map.of("duration_s", 300));
        services.holdAnswers();

        client.sendInBackground();

        assertThat(services.calls).isEmpty();
        await().atMost(Duration.ofSeconds(60)).until(() -> !services.targets.isEmpty());
        services.answer();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(services.calls).containsExactly("consent true", "push");
            assertThat(Files.readAllLines(fixture.spool())).isEmpty();
        });
        assertThat(services.pushedEvents).extracting(event -> event.get("event").asText())
                .containsExactly("start_begin", "start_end");
        assertThat(client.status().reason()).contains("you said yes");
        Fixture.awaitNoSender(fixture.home);
    }

    @Test
    void nothingToSendStartsNoProcess() {
        TelemetryClient client = fixture.client(services.uri(), true);
        client.answerPrompt(false);
        client.push(Duration.ofSeconds(10));

        Set<Long> before = Fixture.children();
        client.sendInBackground();

        assertThat(Fixture.children()).isSubsetOf(before);
        assertThat(services.calls).containsExactly("consent false");
    }
}
