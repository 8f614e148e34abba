package dev.telemetry.consent.ledger;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.telemetry.consent.ledger.ConsentEvent.ConsentGranted;
import dev.telemetry.consent.ledger.ConsentEvent.ConsentWithdrawn;
import dev.telemetry.consent.ledger.ConsentEvent.ErasureRequested;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.consent.ConsentWithdrawnMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;

/**
 * Stored form of the ledger's events and their integration messages. The stored payload holds only the event's
 * own fields; its time is the row's {@code recorded_at}. Schema version 1 is the only one so far: a future
 * version adds an upcaster in {@link #decode}.
 */
final class EventCodec {

    static final int SCHEMA_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventCodec() {
    }

    static String encode(ConsentEvent event) {
        ObjectNode payload = JSON.createObjectNode();
        event.match(
                granted -> payload.put("os", granted.os()).put("build", granted.build())
                        .put("source", granted.source()),
                withdrawn -> payload.put("os", withdrawn.os()).put("build", withdrawn.build())
                        .put("source", withdrawn.source()),
                erasure -> payload.put("receipt", erasure.receipt().toString()));
        return payload.toString();
    }

    static ConsentEvent decode(StoredEvent row) {
        if (row.schemaVersion != SCHEMA_VERSION) {
            throw new IllegalStateException("no upcaster for " + row.eventType + " v" + row.schemaVersion);
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(row.payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable stored event " + row.eventId, e);
        }
        Instant at = row.recordedAt;
        return switch (row.eventType) {
            case ConsentGrantedMessage.TYPE -> new ConsentGranted(payload.path("os").asText(),
                    payload.path("build").asText(), payload.path("source").asText(), at);
            case ConsentWithdrawnMessage.TYPE -> new ConsentWithdrawn(
                    payload.path("os").asText(), payload.path("build").asText(), payload.path("source").asText(), at);
            case ErasureRequestedMessage.TYPE -> new ErasureRequested(
                    UUID.fromString(payload.path("receipt").asText()), at);
            default -> throw new IllegalStateException("unknown stored event type " + row.eventType);
        };
    }

    /**
     * The integration event other services consume for this domain event; consent decisions carry the machine's
     * proof verifier, so that the collector can check pushes without asking this service.
     */
    static ConsentMessage toMessage(UUID eventId, String pseudonym, long version, ConsentEvent event,
            String proofVerifier) {
        return event.match(
                granted -> new ConsentGrantedMessage(eventId, pseudonym, version, granted.at(),
                        granted.os(), granted.build(), granted.source(), proofVerifier),
                withdrawn -> new ConsentWithdrawnMessage(eventId, pseudonym, version, withdrawn.at(),
                        withdrawn.os(), withdrawn.build(), withdrawn.source(), proofVerifier),
                erasure -> new ErasureRequestedMessage(eventId, pseudonym, version, erasure.at(), erasure.receipt()));
    }
}
