package dev.telemetry.contract.consent;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

import dev.telemetry.contract.Required;

/**
 * The machine asked for its data to be erased; it is opted out from {@code occurredAt}. The report service removes
 * its contribution from every unpublished aggregate and confirms with an {@code ErasureCompleted} for
 * {@code receipt}. Collectors reject every later push of this machine's events captured before this moment.
 */
public record ErasureRequestedMessage(UUID eventId, String pseudonym, long version, Instant occurredAt, UUID receipt)
        implements
            ConsentMessage {

    public static final String TYPE = "erasure.requested";

    public ErasureRequestedMessage {
        Required.present(eventId, "eventId");
        Required.present(pseudonym, "pseudonym");
        Required.streamVersion(version);
        Required.present(occurredAt, "occurredAt");
        Required.present(receipt, "receipt");
    }

    @Override
    public <R> R match(Function<ConsentGrantedMessage, R> granted, Function<ConsentWithdrawnMessage, R> withdrawn,
            Function<ErasureRequestedMessage, R> erasureRequested) {
        return erasureRequested.apply(this);
    }
}
