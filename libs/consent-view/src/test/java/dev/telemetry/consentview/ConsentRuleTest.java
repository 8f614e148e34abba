package dev.telemetry.consentview;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.telemetry.consentview.ConsentRule.Outcome;
import dev.telemetry.consentview.ConsentRule.Verdict;
import dev.telemetry.consentview.ConsentTimeline.Kind;

/** The consent rule with the shipped defaults: 2 minutes of clock skew, 10 minutes of grace after an opt-out. */
class ConsentRuleTest {

    private static final ConsentRule RULE = new ConsentRule(Duration.ofMinutes(2), Duration.ofMinutes(10));
    private static final Instant NOON = Instant.parse("2026-11-21T12:00:00Z");

    private static Instant at(int minutesFromNoon) {
        return NOON.plus(Duration.ofMinutes(minutesFromNoon));
    }

    private static ConsentTimeline timeline(Object... kindsAndMinutes) {
        ConsentTimeline timeline = ConsentTimeline.NONE;
        for (int i = 0; i < kindsAndMinutes.length; i += 2) {
            timeline = timeline.append(timeline.version() + 1, (Kind) kindsAndMinutes[i],
                    at((int) kindsAndMinutes[i + 1]));
        }
        return timeline;
    }

    /** The collector has consumed the whole consent log up to "now". */
    private static Verdict judge(ConsentTimeline timeline, int capturedAt, int now) {
        return RULE.judge(timeline, at(capturedAt), at(now), at(now));
    }

    @Test
    void eventCapturedWhileOptedInIsAccepted() {
        assertThat(judge(timeline(Kind.GRANTED, 0), 30, 60).outcome()).isEqualTo(Outcome.ACCEPT);
    }

    @Test
    void clientClockUpToTheSkewBehindStillCounts() {
        assertThat(judge(timeline(Kind.GRANTED, 0), -1, 60).outcome()).isEqualTo(Outcome.ACCEPT);
        assertThat(judge(timeline(Kind.GRANTED, 0), -3, 60)).isEqualTo(new Verdict(Outcome.REJECT, "no_consent"));
    }

    @Test
    void machineThatNeverOptedInIsRejected() {
        assertThat(judge(ConsentTimeline.NONE, 0, 60)).isEqualTo(new Verdict(Outcome.REJECT, "no_consent"));
        assertThat(judge(timeline(Kind.WITHDRAWN, -60), 0, 60)).isEqualTo(new Verdict(Outcome.REJECT, "no_consent"));
    }

    @Test
    void optInTheCollectorMayNotHaveSeenYetMeansRetry() {
        Verdict verdict = RULE.judge(ConsentTimeline.NONE, at(0), at(0), at(-1));

        assertThat(verdict).isEqualTo(new Verdict(Outcome.RETRY, "consent_pending"));
    }

    @Test
    void telemetryOffFlushWithinTheGraceWindowIsAccepted() {
        ConsentTimeline optedOut = timeline(Kind.GRANTED, 0, Kind.WITHDRAWN, 60);

        assertThat(judge(optedOut, 59, 65).outcome()).isEqualTo(Outcome.ACCEPT);
        assertThat(judge(optedOut, 61, 65).outcome()).as("within skew").isEqualTo(Outcome.ACCEPT);
    }

    @Test
    void eventCapturedAfterTheOptOutIsRejected() {
        ConsentTimeline optedOut = timeline(Kind.GRANTED, 0, Kind.WITHDRAWN, 60);

        assertThat(judge(optedOut, 63, 66)).isEqualTo(new Verdict(Outcome.REJECT, "after_opt_out"));
    }

    @Test
    void earlierEventsPushedAfterTheGraceWindowAreRejected() {
        ConsentTimeline optedOut = timeline(Kind.GRANTED, 0, Kind.WITHDRAWN, 60);

        assertThat(judge(optedOut, 30, 71)).isEqualTo(new Verdict(Outcome.REJECT, "late_after_opt_out"));
    }

    @Test
    void eventsCapturedBeforeAnErasureRequestAreRejected() {
        ConsentTimeline erased = timeline(Kind.GRANTED, 0, Kind.ERASED, 60);

        assertThat(judge(erased, 30, 61)).isEqualTo(new Verdict(Outcome.REJECT, "erased"));
        assertThat(judge(erased, 61, 62)).isEqualTo(new Verdict(Outcome.REJECT, "erased"));
    }

    @Test
    void optingInAgainAfterAnErasureCoversOnlyNewEvents() {
        ConsentTimeline again = timeline(Kind.GRANTED, 0, Kind.ERASED, 60, Kind.GRANTED, 120);

        assertThat(judge(again, 130, 140).outcome()).isEqualTo(Outcome.ACCEPT);
        assertThat(judge(again, 30, 140)).isEqualTo(new Verdict(Outcome.REJECT, "erased"));
        assertThat(judge(again, 90, 140)).isEqualTo(new Verdict(Outcome.REJECT, "no_consent"));
    }

    @Test
    void eventBetweenTwoConsentPeriodsIsRejected() {
        ConsentTimeline twice = timeline(Kind.GRANTED, 0, Kind.WITHDRAWN, 60, Kind.GRANTED, 120);

        assertThat(judge(twice, 90, 140)).isEqualTo(new Verdict(Outcome.REJECT, "no_consent"));
        assertThat(judge(twice, 125, 140).outcome()).isEqualTo(Outcome.ACCEPT);
    }
}
