package dev.telemetry.report.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.telemetry.contract.usage.UsageEvent;

/** A batch waits for the consent log up to the latest moment that could decide one of its events. */
class NeededConsentTest {

    private static final Duration SKEW = Duration.ofSeconds(90);
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void isTheLatestOfEachEventsTimePlusTheSkewOrItsArrivalIfEarlier() {
        Random random = new Random(42);
        for (int batch = 0; batch < 200; batch++) {
            List<UsageRecord.Countable> events = IntStream.range(0, 1 + random.nextInt(50)).mapToObj(i -> {
                Instant receivedAt = NOW.plusMillis(random.nextInt(600_000));
                // Captured from minutes before its arrival to a little after it (a client clock ahead).
                Instant occurredAt = receivedAt.minusMillis(random.nextInt(300_000) - 120_000);
                return event(occurredAt, receivedAt);
            }).toList();

            Instant expected = events.stream()
                    .map(e -> min(e.event().occurredAt().plus(SKEW), e.event().receivedAt()))
                    .max(Comparator.naturalOrder()).orElseThrow();

            assertThat(UsageProjection.neededConsent(events, SKEW)).isEqualTo(expected);
        }
    }

    @Test
    void anEventCapturedLongBeforeItArrivedNeedsTheLogOnlyUpToItsTimePlusTheSkew() {
        List<UsageRecord.Countable> events = List.of(event(NOW.minusSeconds(3_600), NOW),
                event(NOW.minusSeconds(600), NOW.minusSeconds(550)));

        assertThat(UsageProjection.neededConsent(events, SKEW)).isEqualTo(NOW.minusSeconds(550));
    }

    private static UsageRecord.Countable event(Instant occurredAt, Instant receivedAt) {
        return UsageRecord.Countable.of(new UsageEvent(UUID.randomUUID(), "ab".repeat(32), occurredAt, "stop",
                "linux", "1", Map.of(), receivedAt, "cf-dev@1"));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
