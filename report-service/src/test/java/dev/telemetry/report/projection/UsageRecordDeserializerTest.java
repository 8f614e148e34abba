package dev.telemetry.report.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.IntegrationJson.Reason;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.contract.usage.UsageEventJson;

/** What the Kafka consumer's thread hands the projection for each record: never an exception. */
class UsageRecordDeserializerTest {

    private final UsageRecordDeserializer deserializer = new UsageRecordDeserializer();

    @Test
    void aReadableEventComesWithItsQuarterAndDay() {
        UsageEvent event = event(Instant.parse("2026-09-30T23:59:59.999Z"));

        UsageRecord record = deserializer.deserialize("telemetry.usage.v1", UsageEventJson.write(event));

        assertThat(record).isEqualTo(new UsageRecord.Countable(event, "2026-Q3", "2026-09-30"));
    }

    @Test
    void aMachinesConsecutiveEventsShareOnePseudonymAndAreReadUnchanged() {
        Instant at = Instant.parse("2026-11-21T10:15:30Z");
        UsageEvent first = event(at);
        UsageEvent second = event(at.plusSeconds(1));
        UsageEvent other = new UsageEvent(UUID.randomUUID(), "cd".repeat(32), at, "stop", "linux", "1", Map.of(), at,
                "cf-dev@1");
        UsageEvent third = event(at.plusSeconds(2));

        UsageEvent[] read = Stream.of(first, second, other, third)
                .map(event -> deserializer.deserialize("telemetry.usage.v1", UsageEventJson.write(event)))
                .map(record -> ((UsageRecord.Countable) record).event()).toArray(UsageEvent[]::new);

        assertThat(read).containsExactly(first, second, other, third);
        assertThat(read[1].pseudonym()).isSameAs(read[0].pseudonym());
        assertThat(read[3].pseudonym()).isNotSameAs(read[0].pseudonym());
    }

    @Test
    void eachRecordGetsItsOwnQuarterAndDayWhateverTheRecordsBeforeIt() {
        List<Instant> times = List.of(Instant.parse("2026-09-30T00:00:00Z"), Instant.parse("2026-09-30T23:59:59.999Z"),
                Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-10-01T12:00:00Z"),
                Instant.parse("2026-09-30T12:00:00Z"), Instant.parse("2027-10-01T12:00:00Z"));

        List<UsageRecord> read = times.stream()
                .map(at -> deserializer.deserialize("telemetry.usage.v1", UsageEventJson.write(event(at)))).toList();

        assertThat(read).extracting(record -> ((UsageRecord.Countable) record).quarter() + " "
                + ((UsageRecord.Countable) record).day())
                .containsExactly("2026-Q3 2026-09-30", "2026-Q3 2026-09-30", "2026-Q4 2026-10-01",
                        "2026-Q4 2026-10-01", "2026-Q3 2026-09-30", "2027-Q4 2027-10-01");
    }

    @Test
    void aMessageThatIsNotJsonIsUnreadableWithItsText() {
        UsageRecord record = deserializer.deserialize("telemetry.usage.v1",
                "not json {".getBytes(StandardCharsets.UTF_8));

        assertThat(record).isInstanceOfSatisfying(UsageRecord.Unreadable.class, unreadable -> {
            assertThat(unreadable.value()).isEqualTo("not json {");
            assertThat(unreadable.reason().reason()).isEqualTo(Reason.NOT_JSON);
        });
    }

    @Test
    void anEventOfATimeNoReportCanHoldIsUnreadableNotAFailedPoll() {
        byte[] json = IntegrationJson.write(event(Instant.parse("1969-12-31T23:59:59Z")))
                .getBytes(StandardCharsets.UTF_8);

        UsageRecord record = deserializer.deserialize("telemetry.usage.v1", json);

        assertThat(record).isInstanceOfSatisfying(UsageRecord.Unreadable.class,
                unreadable -> assertThat(unreadable.reason().reason()).isEqualTo(Reason.INVALID_CONTENT));
    }

    @Test
    void aRecordWithoutValueIsUnreadable() {
        assertThat(deserializer.deserialize("telemetry.usage.v1", null)).isInstanceOfSatisfying(
                UsageRecord.Unreadable.class,
                unreadable -> assertThat(unreadable.reason().reason()).isEqualTo(Reason.NOT_JSON));
    }

    private static UsageEvent event(Instant at) {
        return new UsageEvent(UUID.randomUUID(), "ab".repeat(32), at, "start_begin", "linux", "0.0.1234", Map.of(),
                at.plusSeconds(5), "cf-dev@1");
    }
}
