package dev.telemetry.consent.ledger;

import java.time.Instant;
import java.util.UUID;

/** What a machine asks of its consent ledger. */
public sealed interface ConsentCommand {

    Instant at();

    /** The answer to the first-run prompt or a {@code telemetry --on/--off} toggle. */
    record RecordChoice(boolean optIn, String os, String build, Source source, Instant at) implements ConsentCommand {
    }

    /** Erase my data (and stop collecting it); {@code receipt} identifies the request if it is new. */
    record RequestErasure(UUID receipt, Instant at) implements ConsentCommand {
    }

    enum Source {
        PROMPT, TOGGLE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
