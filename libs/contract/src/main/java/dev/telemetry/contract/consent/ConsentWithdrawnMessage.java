package dev.telemetry.contract.consent;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The machine opted out (or answered "no" at the first prompt) at {@code occurredAt}; nothing it captures
 * afterwards may be collected. {@code proofVerifier} as in {@link ConsentGrantedMessage}.
 */
public record ConsentWithdrawnMessage(UUID eventId, String pseudonym, long version, Instant occurredAt, String os,
        String build, String source,
        @JsonInclude(JsonInclude.Include.NON_NULL) String proofVerifier) implements ConsentMessage {

    public static final String TYPE = "consent.withdrawn";

    /** A message without a verifier: as published before machine proofs (see {@link #proofVerifier}). */
    public ConsentWithdrawnMessage(UUID eventId, String pseudonym, long version, Instant occurredAt, String os,
            String build,
            String source) {
        this(eventId, pseudonym, version, occurredAt, os, build, source, null);
    }

    @Override
    public <R> R match(Function<ConsentGrantedMessage, R> granted, Function<ConsentWithdrawnMessage, R> withdrawn,
            Function<ErasureRequestedMessage, R> erasureRequested) {
        return withdrawn.apply(this);
    }
}
