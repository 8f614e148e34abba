package dev.telemetry.consentview;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.telemetry.consentview.ConsentRule.Outcome;
import dev.telemetry.consentview.ConsentRule.Verdict;
import dev.telemetry.consentview.ConsentTimeline.Entry;
import dev.telemetry.consentview.ConsentTimeline.Kind;

/** A timeline keeps what the consent rule can still need, and no more. */
class ConsentTimelineTest {

    private static final ConsentRule RULE = new ConsentRule(Duration.ofMinutes(2), Duration.ofMinutes(10));
    private static final Instant START = Instant.parse("2026-01-05T12:00:00Z");

    private static ConsentTimeline toggled(int times, Duration apart) {
        ConsentTimeline timeline = ConsentTimeline.NONE;
        for (int i = 0; i < times; i++) {
            timeline = timeline.append(i + 1, i % 2 == 0 ? Kind.GRANTED : Kind.WITHDRAWN,
                    START.plus(apart.multipliedBy(i)));
        }
        return timeline;
    }

    @Test
    void anErasureLeavesOnlyTheMarkerErasedAtItsTime() {
        Instant erasedAt = START.plus(Duration.ofHours(5));
        ConsentTimeline erased = toggled(9, Duration.ofMinutes(30)).append(10, Kind.ERASED, erasedAt);

        assertThat(erased.entries()).containsExactly(new Entry(Kind.ERASED, erasedAt));
        assertThat(erased.version()).isEqualTo(10);
    }

    @Test
    void theMarkerJudgesEventsAsTheWholeTimelineDid() {
        ConsentTimeline full = new ConsentTimeline(3, List.of(new Entry(Kind.GRANTED, START),
                new Entry(Kind.WITHDRAWN, START.plus(Duration.ofHours(1))),
                new Entry(Kind.GRANTED, START.plus(Duration.ofHours(2)))));
        Instant erasedAt = START.plus(Duration.ofHours(3));
        ConsentTimeline shrunk = toggled(3, Duration.ofHours(1)).append(4, Kind.ERASED, erasedAt)
                .append(5, Kind.GRANTED, START.plus(Duration.ofHours(4)));
        ConsentTimeline uncompacted = new ConsentTimeline(5, List.of(full.entries().get(0), full.entries().get(1),
                full.entries().get(2), new Entry(Kind.ERASED, erasedAt),
                new Entry(Kind.GRANTED, START.plus(Duration.ofHours(4)))));
        Instant now = START.plus(Duration.ofHours(6));

        for (int minutes = -10; minutes < 330; minutes++) {
            Instant capturedAt = START.plus(Duration.ofMinutes(minutes));
            assertThat(RULE.judge(shrunk, capturedAt, now, now)).as("captured at +%d min", minutes)
                    .isEqualTo(RULE.judge(uncompacted, capturedAt, now, now));
        }
    }

    @Test
    void afterAnErasureLaterEventsAreRejectedAsAfterTheOptOut() {
        Instant erasedAt = START.plus(Duration.ofHours(1));
        ConsentTimeline erased = toggled(1, Duration.ZERO).append(2, Kind.ERASED, erasedAt);
        Instant later = erasedAt.plus(Duration.ofHours(1));
        Instant now = later.plus(Duration.ofMinutes(5));

        assertThat(RULE.judge(erased, later, now, now)).isEqualTo(new Verdict(Outcome.REJECT, "after_opt_out"));
        assertThat(RULE.judge(erased, START.plus(Duration.ofMinutes(30)), now, now))
                .isEqualTo(new Verdict(Outcome.REJECT, "erased"));
    }

    @Test
    void yearsOfTogglingKeepOnlyThePeriodsThatEndedWithinTwoQuarters() {
        // Twenty changes a day, consent-service's default cap, for five and a half years.
        Duration apart = Duration.ofMinutes(72);
        int toggles = 40_000;
        ConsentTimeline timeline = toggled(toggles, apart);
        Instant last = START.plus(apart.multipliedBy(toggles - 1));

        assertThat(timeline.version()).isEqualTo(toggles);
        assertThat(timeline.entries()).hasSizeLessThanOrEqualTo(20 * 184 + 2);
        assertThat(timeline.entries().get(0).kind()).as("never half a period").isEqualTo(Kind.GRANTED);
        assertThat(timeline.entries().get(0).at()).isAfterOrEqualTo(
                last.minus(ConsentTimeline.KEPT_AFTER_END).minus(apart));
        assertThat(timeline.entries().get(timeline.entries().size() - 1).at()).isEqualTo(last);
    }

    @Test
    void anOpenPeriodIsKeptHoweverOldItsStart() {
        ConsentTimeline timeline = ConsentTimeline.NONE.append(1, Kind.GRANTED, START)
                .append(2, Kind.WITHDRAWN, START.plus(Duration.ofDays(400)))
                .append(3, Kind.GRANTED, START.plus(Duration.ofDays(401)));

        assertThat(timeline.entries()).containsExactly(new Entry(Kind.GRANTED, START),
                new Entry(Kind.WITHDRAWN, START.plus(Duration.ofDays(400))),
                new Entry(Kind.GRANTED, START.plus(Duration.ofDays(401))));
    }

    @Test
    void aPeriodThatEndedLongAgoIsDroppedButTheErasureMarkerStays() {
        Instant erasedAt = START;
        ConsentTimeline timeline = ConsentTimeline.NONE.append(1, Kind.ERASED, erasedAt)
                .append(2, Kind.GRANTED, START.plus(Duration.ofDays(1)))
                .append(3, Kind.WITHDRAWN, START.plus(Duration.ofDays(2)))
                .append(4, Kind.GRANTED, START.plus(Duration.ofDays(300)));

        assertThat(timeline.entries()).containsExactly(new Entry(Kind.ERASED, erasedAt),
                new Entry(Kind.GRANTED, START.plus(Duration.ofDays(300))));
    }
}
