package dev.telemetry.contract.consent;

import java.time.Instant;
import java.util.UUID;

/** The machine opted in at {@code occurredAt}; events it captures from then on may be collected. */
public record ConsentGrantedMessage(UUID eventId, String pseudonym, long version, Instant occurredAt, String os,
        String build, String source) implements ConsentMessage {

    public static final String TYPE = "consent.granted";
}
