package dev.telemetry.consent.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.telemetry.consent.ledger.ConsentCommand.RecordChoice;
import dev.telemetry.consent.ledger.ConsentCommand.RequestErasure;
import dev.telemetry.consent.ledger.ConsentCommand.Source;
import dev.telemetry.consent.ledger.ConsentEvent.ConsentGranted;
import dev.telemetry.consent.ledger.ConsentEvent.ConsentWithdrawn;
import dev.telemetry.consent.ledger.ConsentEvent.ErasureRequested;
import dev.telemetry.consent.ledger.ConsentState.Status;

/** The consent rules, given past events, when a command arrives, then these events and this state. */
class ConsentDeciderTest {

    private static final Instant T1 = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2026-11-03T10:00:00Z");
    private static final UUID RECEIPT = UUID.fromString("6f1d2c3b-4a59-4e8f-8a7b-1c2d3e4f5a6b");

    private static RecordChoice optIn(Instant at) {
        return new RecordChoice(true, "linux", "0.0.1234", Source.PROMPT, at);
    }

    private static RecordChoice optOut(Instant at) {
        return new RecordChoice(false, "linux", "0.0.1234", Source.TOGGLE, at);
    }

    private static ConsentState given(ConsentEvent... history) {
        return ConsentDecider.fold(ConsentState.INITIAL, List.of(history));
    }

    @Test
    void optInAtTheFirstPromptGrantsConsent() {
        List<ConsentEvent> events = ConsentDecider.decide(optIn(T1), given());

        assertThat(events).containsExactly(new ConsentGranted("linux", "0.0.1234", "prompt", T1));
        assertThat(ConsentDecider.fold(given(), events))
                .isEqualTo(new ConsentState(1, Status.OPTED_IN, T1, null));
    }

    @Test
    void noAtTheFirstPromptIsRecordedAsOptedOut() {
        List<ConsentEvent> events = ConsentDecider.decide(optOut(T1), given());

        assertThat(events).containsExactly(new ConsentWithdrawn("linux", "0.0.1234", "toggle", T1));
        assertThat(ConsentDecider.fold(given(), events).status()).isEqualTo(Status.OPTED_OUT);
    }

    @Test
    void repeatingTheCurrentChoiceRecordsNothing() {
        ConsentGranted granted = new ConsentGranted("linux", "1", "prompt", T1);
        ConsentWithdrawn withdrawn = new ConsentWithdrawn("linux", "1", "toggle", T2);

        assertThat(ConsentDecider.decide(optIn(T2), given(granted))).isEmpty();
        assertThat(ConsentDecider.decide(optOut(T3), given(granted, withdrawn))).isEmpty();
    }

    @Test
    void togglingOffThenOnMovesSinceAndVersion() {
        ConsentState state = given(new ConsentGranted("linux", "1", "prompt", T1),
                new ConsentWithdrawn("linux", "1", "toggle", T2));

        List<ConsentEvent> events = ConsentDecider.decide(optIn(T3), state);

        assertThat(ConsentDecider.fold(state, events)).isEqualTo(new ConsentState(3, Status.OPTED_IN, T3, null));
    }

    @Test
    void erasureRequestOptsOutAndCarriesTheReceipt() {
        ConsentState state = given(new ConsentGranted("linux", "1", "prompt", T1));

        List<ConsentEvent> events = ConsentDecider.decide(new RequestErasure(RECEIPT, T2), state);

        assertThat(events).containsExactly(new ErasureRequested(RECEIPT, T2));
        assertThat(ConsentDecider.fold(state, events)).isEqualTo(new ConsentState(2, Status.OPTED_OUT, T2, RECEIPT));
    }

    @Test
    void repeatedErasureRequestRecordsNothingUntilANewOptIn() {
        ConsentState erased = given(new ConsentGranted("linux", "1", "prompt", T1), new ErasureRequested(RECEIPT, T2));

        assertThat(ConsentDecider.decide(new RequestErasure(UUID.randomUUID(), T3), erased)).isEmpty();
        assertThat(ConsentDecider.decide(optOut(T3), erased)).isEmpty();

        ConsentState optedInAgain = ConsentDecider.fold(erased, ConsentDecider.decide(optIn(T3), erased));
        assertThat(optedInAgain.pendingErasure()).isNull();
        assertThat(ConsentDecider.decide(new RequestErasure(RECEIPT, T3), optedInAgain)).hasSize(1);
    }

    @Test
    void erasureOfAnOptedOutMachineLeavesOnlyTheTimeOfTheErasure() {
        ConsentState optedOut = given(new ConsentWithdrawn("linux", "1", "prompt", T1));

        ConsentState state = ConsentDecider.fold(optedOut,
                ConsentDecider.decide(new RequestErasure(RECEIPT, T2), optedOut));

        assertThat(state).isEqualTo(new ConsentState(2, Status.OPTED_OUT, T2, RECEIPT));
    }
}
