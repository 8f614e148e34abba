package dev.telemetry.contract.usage;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

import dev.telemetry.contract.IntegrationEvent;
import dev.telemetry.contract.Required;
import dev.telemetry.contract.Topics;

/**
 * An accepted usage event on {@link Topics#USAGE}, keyed by pseudonym. {@code eventId} is the client's own id, so
 * a resent event is recognised downstream (deduplicate by pseudonym and event id). {@code occurredAt} is the
 * client's UTC timestamp; {@code receivedAt} the collector's. {@code data} holds only keys the catalog allowed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonTypeName(UsageEvent.TYPE)
public record UsageEvent(UUID eventId, String pseudonym, Instant occurredAt, String event, String os, String build,
        Map<String, Object> data, Instant receivedAt, String catalog) implements IntegrationEvent {

    public static final String TYPE = "usage.event";

    public UsageEvent {
        Required.present(eventId, "eventId");
        Required.present(pseudonym, "pseudonym");
        Required.present(occurredAt, "occurredAt");
        Required.present(event, "event");
        Required.present(receivedAt, "receivedAt");
    }
}
