package dev.telemetry.consent.ledger;

import java.time.Instant;
import java.util.List;

import dev.telemetry.consent.ledger.ConsentCommand.RecordChoice;
import dev.telemetry.consent.ledger.ConsentCommand.RequestErasure;
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
        if (command instanceof RecordChoice choice && choice.optIn()) {
            return state.status() == Status.OPTED_IN
                    ? List.of()
                    : List.of(new ConsentGranted(choice.os(), choice.build(), choice.source().wire(), choice.at()));
        }
        if (command instanceof RecordChoice choice) {
            // A "no" at the first prompt is an answer too: it is recorded, so GET shows it.
            return state.status() == Status.OPTED_OUT
                    ? List.of()
                    : List.of(new ConsentWithdrawn(choice.os(), choice.build(), choice.source().wire(), choice.at()));
        }
        RequestErasure erasure = (RequestErasure) command;
        return state.pendingErasure() != null
                ? List.of()
                : List.of(new ErasureRequested(erasure.receipt(), erasure.at()));
    }

    public static ConsentState evolve(ConsentState state, ConsentEvent event) {
        long version = state.version() + 1;
        if (event instanceof ConsentGranted granted) {
            return new ConsentState(version, Status.OPTED_IN, granted.at(), null);
        }
        if (event instanceof ConsentWithdrawn withdrawn) {
            return new ConsentState(version, Status.OPTED_OUT, withdrawn.at(), state.pendingErasure());
        }
        ErasureRequested erasure = (ErasureRequested) event;
        Instant since = state.status() == Status.OPTED_OUT ? state.since() : erasure.at();
        return new ConsentState(version, Status.OPTED_OUT, since, erasure.receipt());
    }

    public static ConsentState fold(ConsentState state, List<ConsentEvent> events) {
        ConsentState result = state;
        for (ConsentEvent event : events) {
            result = evolve(result, event);
        }
        return result;
    }
}
