package dev.telemetry.consent.ledger;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

/** What a machine asks of its consent ledger. */
public sealed interface ConsentCommand {

    Instant at();

    /** Applies the function for this command's kind; a new kind of command is a compile error in every caller. */
    <R> R match(Function<RecordChoice, R> recordChoice, Function<RequestErasure, R> requestErasure);

    /** The answer to the first-run prompt or a {@code telemetry --on/--off} toggle. */
    record RecordChoice(boolean optIn, String os, String build, Source source, Instant at) implements ConsentCommand {
        public <R> R match(Function<RecordChoice, R> recordChoice, Function<RequestErasure, R> requestErasure) {
            return recordChoice.apply(this);
        }
    }

    /** Erase my data (and stop collecting it); {@code receipt} identifies the request if it is new. */
    record RequestErasure(UUID receipt, Instant at) implements ConsentCommand {
        public <R> R match(Function<RecordChoice, R> recordChoice, Function<RequestErasure, R> requestErasure) {
            return requestErasure.apply(this);
        }
    }

    enum Source {
        PROMPT, TOGGLE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
