package dev.telemetry.consentview;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A machine's consent events as the collector learned them, in stream order, kept to what the {@link ConsentRule}
 * and the report's recount of opt-ins and opt-outs can still need ({@link #append}), so that its length is bounded
 * by the consent changes one machine may make in {@link #KEPT_AFTER_END} (consent-service caps them per day).
 */
public record ConsentTimeline(long version, List<Entry> entries) {

    /**
     * How long a consent period that has ended is kept after its end: two quarters, the longest an event it covers can
     * still be judged. The collector accepts no event older than its maximum age (30 days by default) and
     * report-service counts only unpublished quarters, which are the current one and, until it is published, the one
     * before (a quarter is published within a quarter after its end, see docs/operations.md).
     */
    public static final Duration KEPT_AFTER_END = Duration.ofDays(184);

    public enum Kind {
        GRANTED, WITHDRAWN, ERASED
    }

    public record Entry(Kind kind, Instant at) {
    }

    public static final ConsentTimeline NONE = new ConsentTimeline(0, List.of());

    /**
     * The timeline with one more event, shrunk to what can still matter:
     * <ul>
     * <li>an erasure request replaces everything before it by itself, the marker "erased at T": the rule rejects every
     * event captured before it that no later opt-in covers, so nothing earlier can decide anything (and the report
     * recounts nothing before an erasure);</li>
     * <li>a consent period (an opt-in and the opt-out that ended it) or a lone opt-out that ended more than
     * {@link #KEPT_AFTER_END} before the new event is dropped; an erasure marker stays as the first entry.</li>
     * </ul>
     */
    public ConsentTimeline append(long newVersion, Kind kind, Instant at) {
        if (kind == Kind.ERASED) {
            return new ConsentTimeline(newVersion, List.of(new Entry(kind, at)));
        }
        List<Entry> next = new ArrayList<>(entries.size() + 1);
        next.addAll(entries);
        next.add(new Entry(kind, at));
        return new ConsentTimeline(newVersion, List.copyOf(withoutEndedBefore(next, at.minus(KEPT_AFTER_END))));
    }

    /** Drops the entries before the first one at or after {@code cutoff}, never splitting a period. */
    private static List<Entry> withoutEndedBefore(List<Entry> entries, Instant cutoff) {
        boolean erasedFirst = entries.get(0).kind() == Kind.ERASED;
        int from = erasedFirst ? 1 : 0;
        while (from < entries.size() && entries.get(from).at().isBefore(cutoff)) {
            from++;
        }
        // The opt-in of the period the first kept entry ends (or the open period, if nothing is recent) stays.
        if (from > (erasedFirst ? 1 : 0) && (from == entries.size() || entries.get(from).kind() != Kind.GRANTED)
                && entries.get(from - 1).kind() == Kind.GRANTED) {
            from--;
        }
        if (from == (erasedFirst ? 1 : 0)) {
            return entries;
        }
        List<Entry> kept = new ArrayList<>(entries.size() - from + 1);
        if (erasedFirst) {
            kept.add(entries.get(0));
        }
        kept.addAll(entries.subList(from, entries.size()));
        return kept;
    }
}
