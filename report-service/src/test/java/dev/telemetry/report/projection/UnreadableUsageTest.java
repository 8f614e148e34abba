package dev.telemetry.report.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.deadletters.DeadLetters;
import dev.telemetry.report.Fleet;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.testing.TopicReader;

/**
 * A usage event that reads as JSON but that no report can count (dated before any quarter) is parked on the
 * dead-letter topic, and the machine's later events on the same partition are still counted: it does not stall
 * counting.
 */
@QuarkusTest
class UnreadableUsageTest {

    @Test
    void anEventDatedBeforeAnyQuarterIsParkedAndTheEventsAfterItAreCounted() {
        Quarter quarter = new Quarter(2023, 1);
        Fleet fleet = new Fleet();
        Fleet.Machine machine = fleet.machine("linux", "1.0.0");
        fleet.optIn(machine, quarter.start());
        Instant before1970 = Instant.parse("1969-12-31T23:59:59Z");
        UsageEvent undatable = new UsageEvent(UUID.randomUUID(), machine.pseudonym, before1970, "stop", machine.os,
                machine.build, Map.of(), before1970.plusSeconds(30), "cf-dev@1");
        fleet.settleConsent();
        fleet.resend(undatable);
        fleet.use(machine, "stop", Map.of(), quarter.start().plus(Duration.ofDays(1)), true);

        Fleet.awaitEvents(quarter.toString(), 1);

        String id = undatable.eventId().toString();
        List<ConsumerRecord<String, String>> letters = TopicReader.readUntil(Topics.DEAD_LETTERS,
                records -> records.stream().anyMatch(letter -> letter.value().contains(id)), Duration.ofMinutes(1))
                .stream().filter(letter -> letter.value().contains(id)).toList();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isEqualTo(IntegrationJson.write(undatable));
            assertThat(header(letter, DeadLetters.REASON)).isEqualTo(IntegrationJson.Reason.INVALID_CONTENT.code);
            assertThat(header(letter, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.USAGE);
        });
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
