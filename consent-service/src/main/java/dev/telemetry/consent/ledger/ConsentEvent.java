package dev.telemetry.consent.ledger;

import java.time.Instant;
import java.util.UUID;

import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentWithdrawnMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;

/**
 * The facts of a machine's consent stream, in this service's own words. Stored under a fixed type string with a
 * schema version ({@link #type()}); other services see them as the contract's integration events.
 */
public sealed interface ConsentEvent {

    Instant at();

    /** The stored and published type name; never a Java class name. */
    String type();

    record ConsentGranted(String os, String build, String source, Instant at) implements ConsentEvent {
        public String type() {
            return ConsentGrantedMessage.TYPE;
        }
    }

    record ConsentWithdrawn(String os, String build, String source, Instant at) implements ConsentEvent {
        public String type() {
            return ConsentWithdrawnMessage.TYPE;
        }
    }

    /** Also opts the machine out. */
    record ErasureRequested(UUID receipt, Instant at) implements ConsentEvent {
        public String type() {
            return ErasureRequestedMessage.TYPE;
        }
    }
}
