package dev.telemetry.report.quarter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class QuarterTest {

    @Test
    void attributesInstantsToUtcCalendarQuarters() {
        assertThat(Quarter.of(Instant.parse("2026-09-30T23:59:59.999Z"))).hasToString("2026-Q3");
        assertThat(Quarter.of(Instant.parse("2026-10-01T00:00:00Z"))).hasToString("2026-Q4");
        assertThat(Quarter.of(Instant.parse("2026-01-01T00:00:00Z"))).hasToString("2026-Q1");
    }

    @Test
    void theUtcDateIsTheDateAtUtc() {
        for (String instant : new String[]{"2026-12-31T23:59:59.999999999Z", "2027-01-01T00:00:00Z",
                "2028-02-29T12:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z", "1900-03-01T00:00:00Z"}) {
            Instant at = Instant.parse(instant);
            assertThat(Quarter.utcDate(at)).as(instant).isEqualTo(at.atZone(ZoneOffset.UTC).toLocalDate());
        }
    }

    @Test
    void knowsItsPeriod() {
        Quarter q4 = Quarter.parse("2026-Q4").orElseThrow();

        assertThat(q4.start()).isEqualTo(Instant.parse("2026-10-01T00:00:00Z"));
        assertThat(q4.end()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(q4.hasEndedAt(Instant.parse("2026-12-31T23:59:59Z"))).isFalse();
        assertThat(q4.hasEndedAt(Instant.parse("2027-01-01T00:00:00Z"))).isTrue();
    }

    @Test
    void parsesOnlyTheCanonicalForm() {
        assertThat(Quarter.parse("2026-Q3")).isPresent();
        assertThat(Quarter.parse("2026-q3")).isEmpty();
        assertThat(Quarter.parse("2026-Q5")).isEmpty();
        assertThat(Quarter.parse("26-Q1")).isEmpty();
        assertThat(Quarter.parse("2026-Q3;drop")).isEmpty();
    }
}
