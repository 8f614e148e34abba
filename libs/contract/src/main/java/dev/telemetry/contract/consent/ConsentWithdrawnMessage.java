package dev.telemetry.contract.consent;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

import dev.telemetry.contract.Required;

/**
 * The machine opted out (or answered "no" at the first prompt) at {@code occurredAt}; nothing it captures
 * afterwards may be collected.
 */
public record ConsentWithdrawnMessage(UUID eventId, String pseudonym, long version, Instant occurredAt, String os,
        String build, String source) implements ConsentMessage {

    public static final String TYPE = "consent.withdrawn";

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
