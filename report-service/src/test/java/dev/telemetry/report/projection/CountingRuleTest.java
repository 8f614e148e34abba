package dev.telemetry.report.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.telemetry.consentview.ConsentTimeline;
import dev.telemetry.contract.usage.UsageEvent;

class CountingRuleTest {

    private static final Instant OPT_IN = Instant.parse("2017-04-10T12:00:00Z");
    private static final CountingRule RULE = new CountingRule(Duration.ofHours(24), 2, Duration.ofMinutes(2));

    @Test
    void anEventReceivedAtLeastTheMinimumConsentAgeAfterItsOptInIsSettled() {
        ConsentTimeline timeline = ConsentTimeline.NONE.append(1, ConsentTimeline.Kind.GRANTED, OPT_IN);

        assertThat(RULE.settled(timeline, received(OPT_IN.plus(Duration.ofHours(24))))).isTrue();
        assertThat(RULE.settled(timeline, received(OPT_IN.plus(Duration.ofHours(23))))).isFalse();
    }

    @Test
    void theCaptureTimeAClientClaimsDoesNotMakeAnEventSettled() {
        ConsentTimeline timeline = ConsentTimeline.NONE.append(1, ConsentTimeline.Kind.GRANTED, OPT_IN);
        UsageEvent claimsLater = new UsageEvent(UUID.randomUUID(), "p", OPT_IN.plus(Duration.ofDays(3)), "stop",
                "linux", "1.0.0", Map.of(), OPT_IN.plus(Duration.ofHours(1)), "cf-dev@1");

        assertThat(RULE.settled(timeline, claimsLater)).isFalse();
    }

    @Test
    void theOptInThatCountsIsTheLatestBeforeTheEvent() {
        Instant again = OPT_IN.plus(Duration.ofDays(10));
        ConsentTimeline timeline = ConsentTimeline.NONE.append(1, ConsentTimeline.Kind.GRANTED, OPT_IN)
                .append(2, ConsentTimeline.Kind.WITHDRAWN, OPT_IN.plus(Duration.ofDays(5)))
                .append(3, ConsentTimeline.Kind.GRANTED, again);

        assertThat(RULE.settled(timeline, received(again.plus(Duration.ofHours(2))))).isFalse();
        assertThat(RULE.settled(timeline, received(again.plus(Duration.ofHours(25))))).isTrue();
    }

    @Test
    void withNoMinimumAgeEveryEventOfAnOptedInMachineIsSettledWithinTheClockSkew() {
        CountingRule none = new CountingRule(Duration.ZERO, 1, Duration.ofMinutes(2));
        ConsentTimeline timeline = ConsentTimeline.NONE.append(1, ConsentTimeline.Kind.GRANTED, OPT_IN);

        assertThat(none.settled(timeline, received(OPT_IN.minusSeconds(60)))).isTrue();
    }

    @Test
    void aRuleThatCountsNoMachineIsRefused() {
        assertThatThrownBy(() -> new CountingRule(Duration.ofHours(1), 0, Duration.ZERO))
                .hasMessageContaining("REPORT_MINIMUM_ACTIVE_DAYS");
    }

    private static UsageEvent received(Instant at) {
        return new UsageEvent(UUID.randomUUID(), "p", at.minusSeconds(30), "stop", "linux", "1.0.0", Map.of(), at,
                "cf-dev@1");
    }
}
