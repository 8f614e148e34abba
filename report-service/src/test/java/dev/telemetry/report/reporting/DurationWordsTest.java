package dev.telemetry.report.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationWordsTest {

    @Test
    void durationIsStatedInTheLargestExactUnit() {
        assertThat(DurationWords.of(Duration.ofMinutes(2))).isEqualTo("2 minutes");
        assertThat(DurationWords.of(Duration.ofMinutes(10))).isEqualTo("10 minutes");
        assertThat(DurationWords.of(Duration.ofHours(1))).isEqualTo("1 hour");
        assertThat(DurationWords.of(Duration.ofMinutes(90))).isEqualTo("90 minutes");
        assertThat(DurationWords.of(Duration.ofSeconds(90))).isEqualTo("90 seconds");
        assertThat(DurationWords.of(Duration.ofDays(30))).isEqualTo("30 days");
        assertThat(DurationWords.of(Duration.ofMillis(1500))).isEqualTo("1500 milliseconds");
        assertThat(DurationWords.of(Duration.ZERO)).isEqualTo("0 seconds");
    }
}
