package dev.telemetry.report.projection;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.telemetry.consentview.ConsentTimeline;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.quarter.Quarter;

/**
 * Which machines count in a quarter's usage figures: those active on at least {@link #minimumActiveDays()}
 * distinct UTC days of the quarter (by the events' capture time) that sent at least one event received at least
 * {@link #minimumConsentAge()} after the opt-in that covers it. This makes the k-1 attack (fake machines topping up
 * a rare cell to k, so that the one real machine's numbers are the published cell minus the fakes') cost real time:
 * every fake must be kept opted in for that long and report on that many days, within the quarter.
 *
 * <p>
 * What the rule needs is counted with the events, as two more contribution cells that are never published:
 * {@code day/<yyyy-mm-dd>} (one per day with events) and {@code settled/events} (events received at least the
 * minimum consent age after their opt-in). The report keeps only machines that have enough of both.
 * A singleton, not a client proxy: it is asked about every counted event.
 */
@Singleton
public class CountingRule {

    public static final String DAY = "day";
    public static final String SETTLED = "settled";

    private final Duration minimumConsentAge;
    private final int minimumActiveDays;
    private final Duration clockSkew;

    CountingRule(@ConfigProperty(name = "report.counting.minimum-consent-age") Duration minimumConsentAge,
            @ConfigProperty(name = "report.counting.minimum-active-days") int minimumActiveDays,
            @ConfigProperty(name = "report.consent.clock-skew") Duration clockSkew) {
        this.clockSkew = clockSkew;
        if (minimumConsentAge.isNegative() || minimumActiveDays < 1) {
            throw new IllegalArgumentException(
                    "REPORT_MINIMUM_CONSENT_AGE must not be negative and REPORT_MINIMUM_ACTIVE_DAYS must be at least 1");
        }
        this.minimumConsentAge = minimumConsentAge;
        this.minimumActiveDays = minimumActiveDays;
    }

    public Duration minimumConsentAge() {
        return minimumConsentAge;
    }

    public int minimumActiveDays() {
        return minimumActiveDays;
    }

    /** The UTC day an event counts as activity on. */
    static String day(UsageEvent event) {
        return Quarter.utcDate(event.occurredAt()).toString();
    }

    /**
     * Whether the event reached the collector at least the minimum consent age after the latest opt-in before it
     * (the one that covers it), allowing the clock skew between the services. Receive time is the collector's
     * clock, not the client's, so this needs that much real time to pass.
     */
    boolean settled(ConsentTimeline timeline, UsageEvent event) {
        Instant received = event.receivedAt().plus(clockSkew);
        Instant optIn = null;
        for (ConsentTimeline.Entry entry : timeline.entries()) {
            if (entry.kind() == ConsentTimeline.Kind.GRANTED && !entry.at().isAfter(received)) {
                optIn = entry.at();
            }
        }
        return optIn != null && !received.isBefore(optIn.plus(minimumConsentAge));
    }

    /**
     * SQL selecting the machines that count in quarter {@code $1} (with {@code $2} the minimum number of active
     * days), from the table of contributions named.
     */
    public static String countingMachines(String contribution) {
        return "SELECT pseudonym FROM " + contribution + " WHERE quarter = $1 AND dimension IN ('" + DAY + "', '"
                + SETTLED + "') GROUP BY pseudonym HAVING count(*) FILTER (WHERE dimension = '" + DAY + "') >= $2 "
                + "AND bool_or(dimension = '" + SETTLED + "')";
    }
}
