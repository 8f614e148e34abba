package dev.telemetry.collector;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.telemetry.consentview.ConsentFreshness;
import dev.telemetry.testing.TopicReader;

/** For tests whose verdicts depend on the collector knowing the whole consent log before they push. */
public final class ConsentLog {

    private ConsentLog() {
    }

    /** A capture time {@code minutes} ago, at the precision the client writes. */
    public static Instant minutesAgo(int minutes) {
        return Instant.now().minus(Duration.ofMinutes(minutes)).truncatedTo(ChronoUnit.MILLIS);
    }

    /** Waits until the collector has consumed the whole consent log as of now. */
    public static void awaitConsumed(ConsentFreshness freshness) {
        // The view stores watermarks with PostgreSQL's microsecond precision.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        TopicReader.consentWatermark(now);
        await().atMost(Duration.ofSeconds(60)).until(() -> !freshness.consumedUpTo().isBefore(now));
    }
}
