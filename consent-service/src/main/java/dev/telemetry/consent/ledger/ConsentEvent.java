package dev.telemetry.consent.ledger;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

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

    /**
     * Applies the function for this event's kind. Code that treats every kind goes through here, so a new kind of
     * event is a compile error in each such place instead of a wrong branch at run time.
     */
    <R> R match(Function<ConsentGranted, R> granted, Function<ConsentWithdrawn, R> withdrawn,
            Function<ErasureRequested, R> erasureRequested);

    record ConsentGranted(String os, String build, String source, Instant at) implements ConsentEvent {
        public String type() {
            return ConsentGrantedMessage.TYPE;
        }

        public <R> R match(Function<ConsentGranted, R> granted, Function<ConsentWithdrawn, R> withdrawn,
                Function<ErasureRequested, R> erasureRequested) {
            return granted.apply(this);
        }
    }

    record ConsentWithdrawn(String os, String build, String source, Instant at) implements ConsentEvent {
        public String type() {
            return ConsentWithdrawnMessage.TYPE;
        }

        public <R> R match(Function<ConsentGranted, R> granted, Function<ConsentWithdrawn, R> withdrawn,
                Function<ErasureRequested, R> erasureRequested) {
            return withdrawn.apply(this);
        }
    }

    /** Also opts the machine out. */
    record ErasureRequested(UUID receipt, Instant at) implements ConsentEvent {
        public String type() {
            return ErasureRequestedMessage.TYPE;
        }

        public <R> R match(Function<ConsentGranted, R> granted, Function<ConsentWithdrawn, R> withdrawn,
                Function<ErasureRequested, R> erasureRequested) {
            return erasureRequested.apply(this);
        }
    }
}
