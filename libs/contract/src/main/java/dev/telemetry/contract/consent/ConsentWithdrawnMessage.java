package dev.telemetry.contract.consent;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.telemetry.contract.Required;

/**
 * The machine opted out (or answered "no" at the first prompt) at {@code occurredAt}; nothing it captures
 * afterwards may be collected. {@code proofVerifier} as in {@link ConsentGrantedMessage}.
 * <p>
 * {@code os}, {@code build} and {@code source} are optional and no longer sent (absent since issue 12: no
 * consumer needs them, and what is not published needs no erasing); messages published before carry them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConsentWithdrawnMessage(UUID eventId, String pseudonym, long version, Instant occurredAt, String os,
        String build, String source,
        String proofVerifier) implements ConsentMessage {

    public static final String TYPE = "consent.withdrawn";

    /** A message without a verifier: as published before machine proofs (see {@link #proofVerifier}). */
    public ConsentWithdrawnMessage(UUID eventId, String pseudonym, long version, Instant occurredAt, String os,
            String build, String source) {
        this(eventId, pseudonym, version, occurredAt, os, build, source, null);
    }

    public ConsentWithdrawnMessage {
        Required.present(eventId, "eventId");
        Required.present(pseudonym, "pseudonym");
        Required.streamVersion(version);
        Required.present(occurredAt, "occurredAt");
    }

    @Override
    public <R> R match(Function<ConsentGrantedMessage, R> granted, Function<ConsentWithdrawnMessage, R> withdrawn,
            Function<ErasureRequestedMessage, R> erasureRequested) {
        return withdrawn.apply(this);
    }
}
