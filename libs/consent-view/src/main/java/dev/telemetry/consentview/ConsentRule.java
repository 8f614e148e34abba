package dev.telemetry.consentview;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.telemetry.consentview.ConsentTimeline.Entry;
import dev.telemetry.consentview.ConsentTimeline.Kind;

/**
 * Whether a machine's consent covers an event, judged by the event's own (client) time. Pure; the exact rule is
 * documented in collector-service/README.md and mirrored by report-service.
 *
 * <ol>
 * <li>Consent periods run from each grant to the next withdrawal or erasure request (or are still open). Event times
 * are client clocks, consent times server clocks: every comparison allows {@code skew}.</li>
 * <li>An event captured before an erasure request (and not inside a later period) is rejected: {@code erased}.</li>
 * <li>An event inside a period is accepted, unless the period has ended and the push comes more than {@code grace}
 * after its end: the final flush at {@code telemetry --off} has that long ({@code late_after_opt_out}).</li>
 * <li>Otherwise, if a consent decision that would cover the event could still be on its way to the collector (the
 * collector has not consumed the consent log up to {@code timestamp + skew}), the client should retry:
 * {@code consent_pending}.</li>
 * <li>Otherwise it is rejected: {@code after_opt_out} if captured after the machine's last opt-out (an erasure
 * request is one), {@code no_consent} if the machine never opted in or was not opted in at that time.</li>
 * </ol>
 * The timeline holds only what these steps can still need ({@link ConsentTimeline#append}), so judging an event walks
 * a bounded list.
 */
public final class ConsentRule {

    public enum Outcome {
        ACCEPT, REJECT, RETRY
    }

    public record Verdict(Outcome outcome, String reason) {
        static final Verdict ACCEPTED = new Verdict(Outcome.ACCEPT, null);

        static Verdict reject(String reason) {
            return new Verdict(Outcome.REJECT, reason);
        }
    }

    private record Period(Instant start, Instant end) {
    }

    private final Duration skew;
    private final Duration grace;

    public ConsentRule(Duration skew, Duration grace) {
        this.skew = skew;
        this.grace = grace;
    }

    public ConsentRule(ConsentWindows windows) {
        this(windows.clockSkew(), windows.optOutGrace());
    }

    /**
     * @param timeline what the collector knows of the machine ({@link ConsentTimeline#NONE} if nothing)
     * @param capturedAt the event's timestamp
     * @param now when the push arrived
     * @param consumedUpTo every consent event published before this instant has been applied to {@code timeline}
     */
    public Verdict judge(ConsentTimeline timeline, Instant capturedAt, Instant now, Instant consumedUpTo) {
        List<Period> periods = periods(timeline.entries());
        for (Entry entry : timeline.entries()) {
            boolean capturedBeforeErasure = entry.kind() == Kind.ERASED
                    && capturedAt.isBefore(entry.at().plus(skew));
            if (capturedBeforeErasure && periods.stream()
                    .noneMatch(period -> period.start().isAfter(entry.at()) && covers(period, capturedAt))) {
                return Verdict.reject("erased");
            }
        }
        for (Period period : periods) {
            if (covers(period, capturedAt)) {
                boolean late = period.end() != null && now.isAfter(period.end().plus(grace));
                return late ? Verdict.reject("late_after_opt_out") : Verdict.ACCEPTED;
            }
        }
        if (consumedUpTo.isBefore(capturedAt.plus(skew))) {
            return new Verdict(Outcome.RETRY, "consent_pending");
        }
        Instant lastOptOut = periods.isEmpty() ? erasedAt(timeline) : periods.get(periods.size() - 1).end();
        if (lastOptOut != null && !capturedAt.isBefore(lastOptOut)) {
            return Verdict.reject("after_opt_out");
        }
        return Verdict.reject("no_consent");
    }

    /**
     * An erasure request opts the machine out, and the timeline keeps nothing before it ({@link ConsentTimeline#append}):
     * the erasure marker stands for the opt-out it was.
     */
    private static Instant erasedAt(ConsentTimeline timeline) {
        List<Entry> entries = timeline.entries();
        return !entries.isEmpty() && entries.get(0).kind() == Kind.ERASED ? entries.get(0).at() : null;
    }

    private boolean covers(Period period, Instant capturedAt) {
        return !capturedAt.isBefore(period.start().minus(skew))
                && (period.end() == null || capturedAt.isBefore(period.end().plus(skew)));
    }

    private static List<Period> periods(List<Entry> entries) {
        List<Period> periods = new ArrayList<>();
        Instant start = null;
        for (Entry entry : entries) {
            if (entry.kind() == Kind.GRANTED && start == null) {
                start = entry.at();
            } else if (entry.kind() != Kind.GRANTED && start != null) {
                periods.add(new Period(start, entry.at()));
                start = null;
            }
        }
        if (start != null) {
            periods.add(new Period(start, null));
        }
        return periods;
    }
}
