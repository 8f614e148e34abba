package dev.telemetry.consent.ledger;

import java.util.List;

import dev.telemetry.consent.ledger.ConsentCommand.RecordChoice;
import dev.telemetry.consent.ledger.ConsentEvent.ConsentGranted;
import dev.telemetry.consent.ledger.ConsentEvent.ConsentWithdrawn;
import dev.telemetry.consent.ledger.ConsentEvent.ErasureRequested;
import dev.telemetry.consent.ledger.ConsentState.Status;

/** Every consent rule, as pure functions: no framework, no I/O. */
public final class ConsentDecider {

    private ConsentDecider() {
    }

    /** The events a command causes; none when it would not change anything (commands are idempotent). */
    public static List<ConsentEvent> decide(ConsentCommand command, ConsentState state) {
        return command.match(choice -> choice.optIn() ? grant(choice, state) : withdraw(choice, state),
                erasure -> state.pendingErasure() != null
                        ? List.of()
                        : List.of(new ErasureRequested(erasure.receipt(), erasure.at())));
    }

    private static List<ConsentEvent> grant(RecordChoice choice, ConsentState state) {
        return state.status() == Status.OPTED_IN
                ? List.of()
                : List.of(new ConsentGranted(choice.os(), choice.build(), choice.source().wire(), choice.at()));
    }

    /** A "no" at the first prompt is an answer too: it is recorded, so GET shows it. */
    private static List<ConsentEvent> withdraw(RecordChoice choice, ConsentState state) {
        return state.status() == Status.OPTED_OUT
                ? List.of()
                : List.of(new ConsentWithdrawn(choice.os(), choice.build(), choice.source().wire(), choice.at()));
    }

    public static ConsentState evolve(ConsentState state, ConsentEvent event) {
        long version = state.version() + 1;
        return event.match(
                granted -> new ConsentState(version, Status.OPTED_IN, granted.at(), null),
                withdrawn -> new ConsentState(version, Status.OPTED_OUT, withdrawn.at(), state.pendingErasure()),
                // Opted out since the erasure, whenever it opted out before: nothing earlier remains to tell.
                erasure -> new ConsentState(version, Status.OPTED_OUT, erasure.at(), erasure.receipt()));
    }

    public static ConsentState fold(ConsentState state, List<ConsentEvent> events) {
        ConsentState result = state;
        for (ConsentEvent event : events) {
            result = evolve(result, event);
        }
        return result;
    }
}
