package dev.telemetry.contract.consent;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

import dev.telemetry.contract.IntegrationEvent;
import dev.telemetry.contract.Required;
import dev.telemetry.contract.Topics;

/**
 * On every partition of {@link Topics#CONSENT}, sent by consent-service's relay whenever its outbox is empty: every
 * consent event recorded before {@code occurredAt} is on the topic before this message. A consumer that has applied
 * this partition up to the watermark knows the consent of every machine on it as of that time, even after an outage
 * during which consent decisions waited in the outbox.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonTypeName(ConsentWatermark.TYPE)
public record ConsentWatermark(UUID eventId, Instant occurredAt, int partition) implements IntegrationEvent {

    public static final String TYPE = "consent.watermark";

    public ConsentWatermark {
        Required.present(eventId, "eventId");
        Required.present(occurredAt, "occurredAt");
    }

    /** A watermark concerns no machine. */
    @Override
    @JsonIgnore
    public String pseudonym() {
        return null;
    }
}
