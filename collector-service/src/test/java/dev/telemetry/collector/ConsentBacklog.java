package dev.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.testing.SimulatedMachines;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

/**
 * One opt-in each of many machines, written straight to the consent topic as consent-service's relay writes them:
 * a backlog the collector's consent consumer is still working through when a test stops a dependency.
 */
public final class ConsentBacklog {

    private final List<String> pseudonyms;
    private final Instant granted;

    private ConsentBacklog(List<String> pseudonyms, Instant granted) {
        this.pseudonyms = pseudonyms;
        this.granted = granted;
    }

    /** Publishes the opt-ins of {@code machines} new machines and waits until the consumer has applied some. */
    public static ConsentBacklog publishAndAwaitStarted(int machines) {
        Instant granted = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        List<String> pseudonyms = new ArrayList<>();
        List<Map.Entry<String, String>> messages = new ArrayList<>();
        for (int i = 0; i < machines; i++) {
            String pseudonym = SimulatedMachines.pseudonymOf(SimulatedMachines.newAnonymousId());
            pseudonyms.add(pseudonym);
            messages.add(Map.entry(pseudonym, IntegrationJson.write(new ConsentGrantedMessage(UUID.randomUUID(),
                    pseudonym, 1, granted, "linux", "1.0.0", "prompt"))));
        }
        TopicReader.sendAll(Topics.CONSENT, messages);
        ConsentBacklog backlog = new ConsentBacklog(List.copyOf(pseudonyms), granted);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> backlog.applied() > 0);
        return backlog;
    }

    /** How many of the backlog's machines the consent view holds. */
    public long applied() {
        return TestDatabase.count("SELECT count(*) FROM machine_consent WHERE pseudonym = ANY(?::text[])",
                array());
    }

    /** Waits until every opt-in of the backlog is applied, then asserts each was applied exactly once. */
    public void awaitAppliedExactlyOnce() {
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                .until(() -> applied() == pseudonyms.size());
        List<Map<String, Object>> rows = TestDatabase.query("""
                SELECT version, jsonb_array_length(timeline) AS entries, timeline->0->>'at' AS at
                FROM machine_consent WHERE pseudonym = ANY(?::text[])""", array());
        assertThat(rows).hasSize(pseudonyms.size()).allSatisfy(row -> {
            assertThat(((Number) row.get("version")).longValue()).isEqualTo(1);
            assertThat(((Number) row.get("entries")).intValue()).isEqualTo(1);
            assertThat(Instant.parse((String) row.get("at"))).isEqualTo(granted);
        });
    }

    private String array() {
        return "{" + String.join(",", pseudonyms) + "}";
    }
}
