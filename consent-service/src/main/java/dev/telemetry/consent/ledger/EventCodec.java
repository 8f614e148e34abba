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
 * own fields; its time is the row's {@code recorded_at}.
 * <ul>
 * <li>Schema version 2: the personal fields of an opt-in or opt-out ({@code os}, {@code build}, {@code source}) are
 * sealed with the machine's key ({@link MachineKey}): {@code {"sealed": "..."}}. Without the key (deleted by an
 * erasure) they read as absent: the event is shredded, its type and time remain.</li>
 * <li>Schema version 1 (before crypto-shredding): the same fields in clear; an erasure request redacts them
 * ({@code {}}), see {@link ConsentLedger}.</li>
 * </ul>
 */
final class EventCodec {

    static final int SCHEMA_VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventCodec() {
    }

    /** @param key the machine's key; an opt-in or opt-out needs one, an erasure request none */
    static String encode(ConsentEvent event, UUID eventId, MachineKey key) {
        ObjectNode payload = JSON.createObjectNode();
        event.match(
                granted -> payload.put("sealed", key.seal(eventId, personal(granted.os(), granted.build(),
                        granted.source()))),
                withdrawn -> payload.put("sealed", key.seal(eventId, personal(withdrawn.os(), withdrawn.build(),
                        withdrawn.source()))),
                erasure -> payload.put("receipt", erasure.receipt().toString()));
        return payload.toString();
    }

    private static String personal(String os, String build, String source) {
        return JSON.createObjectNode().put("os", os).put("build", build).put("source", source).toString();
    }

    /** @param key the machine's key, or null if it has none (erased): personal fields then read as null */
    static ConsentEvent decode(StoredEvent row, MachineKey key) {
        if (row.schemaVersion != 1 && row.schemaVersion != SCHEMA_VERSION) {
            throw new IllegalStateException("no upcaster for " + row.eventType + " v" + row.schemaVersion);
        }
        JsonNode payload = tree(row.payload, row.eventId);
        if (payload.has("sealed")) {
            payload = key == null
                    ? JSON.createObjectNode()
                    : key.open(row.eventId, payload.get("sealed").asText()).map(plain -> tree(plain, row.eventId))
                            .orElseGet(JSON::createObjectNode);
        }
        Instant at = row.recordedAt;
        return switch (row.eventType) {
            case ConsentGrantedMessage.TYPE -> new ConsentGranted(text(payload, "os"), text(payload, "build"),
                    text(payload, "source"), at);
            case ConsentWithdrawnMessage.TYPE -> new ConsentWithdrawn(text(payload, "os"), text(payload, "build"),
                    text(payload, "source"), at);
            case ErasureRequestedMessage.TYPE -> new ErasureRequested(
                    UUID.fromString(payload.path("receipt").asText()), at);
            default -> throw new IllegalStateException("unknown stored event type " + row.eventType);
        };
    }

    private static JsonNode tree(String json, UUID eventId) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable stored event " + eventId, e);
        }
    }

    private static String text(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /**
     * The integration event other services consume for this domain event. It carries no personal field: no consumer
     * needs the OS, build or source of a consent decision, and what is not published needs no erasing. Consent
     * decisions carry the machine's proof verifier, so that the collector can check pushes without asking this
     * service.
     */
    static ConsentMessage toMessage(UUID eventId, String pseudonym, long version, ConsentEvent event,
            String proofVerifier) {
        return event.match(
                granted -> new ConsentGrantedMessage(eventId, pseudonym, version, granted.at(), null, null, null,
                        proofVerifier),
                withdrawn -> new ConsentWithdrawnMessage(eventId, pseudonym, version, withdrawn.at(), null, null,
                        null, proofVerifier),
                erasure -> new ErasureRequestedMessage(eventId, pseudonym, version, erasure.at(), erasure.receipt()));
    }
}
