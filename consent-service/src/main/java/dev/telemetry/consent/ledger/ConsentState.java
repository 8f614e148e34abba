package dev.telemetry.consent.ledger;

import java.time.Instant;
import java.util.UUID;

/**
 * A machine's consent as of {@code version} events: whether it is opted in, since when, and the receipt of an
 * erasure request not yet followed by a new opt-in (so that repeating the request records nothing new).
 */
public record ConsentState(long version, Status status, Instant since, UUID pendingErasure) {

    public enum Status {
        /** Never answered. */
        UNKNOWN, OPTED_IN, OPTED_OUT
    }

    public static final ConsentState INITIAL = new ConsentState(0, Status.UNKNOWN, null, null);

    public boolean optedIn() {
        return status == Status.OPTED_IN;
    }
}
