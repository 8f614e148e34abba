package dev.telemetry.contract.erasure;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

import dev.telemetry.contract.IntegrationEvent;
import dev.telemetry.contract.Required;
import dev.telemetry.contract.Topics;

/**
 * On {@link Topics#ERASURES}: the machine's contribution is gone from every unpublished aggregate, answering the
 * erasure request with this {@code receipt}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonTypeName(ErasureCompleted.TYPE)
public record ErasureCompleted(UUID eventId, String pseudonym, Instant occurredAt, UUID receipt)
        implements
            IntegrationEvent {

    public static final String TYPE = "erasure.completed";

    public ErasureCompleted {
        Required.present(eventId, "eventId");
        Required.present(pseudonym, "pseudonym");
        Required.present(occurredAt, "occurredAt");
        Required.present(receipt, "receipt");
    }
}
