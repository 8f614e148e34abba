package dev.telemetry.contract.consent;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The machine opted in at {@code occurredAt}; events it captures from then on may be collected, if pushed with the
 * machine's proof: {@code proofVerifier} is its verifier ({@link dev.telemetry.contract.MachineProofs}), the same in
 * every message of the machine, absent (null) in messages published before machine proofs existed.
 */
public record ConsentGrantedMessage(UUID eventId, String pseudonym, long version, Instant occurredAt, String os,
        String build, String source,
        @JsonInclude(JsonInclude.Include.NON_NULL) String proofVerifier) implements ConsentMessage {

    public static final String TYPE = "consent.granted";

    /** A message without a verifier: as published before machine proofs (see {@link #proofVerifier}). */
    public ConsentGrantedMessage(UUID eventId, String pseudonym, long version, Instant occurredAt, String os,
            String build,
            String source) {
        this(eventId, pseudonym, version, occurredAt, os, build, source, null);
    }

    @Override
    public <R> R match(Function<ConsentGrantedMessage, R> granted, Function<ConsentWithdrawnMessage, R> withdrawn,
            Function<ErasureRequestedMessage, R> erasureRequested) {
        return granted.apply(this);
    }
}
