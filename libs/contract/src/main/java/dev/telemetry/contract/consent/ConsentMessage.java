package dev.telemetry.contract.consent;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import dev.telemetry.contract.IntegrationEvent;
import dev.telemetry.contract.Topics;

/**
 * Integration events on {@link Topics#CONSENT}, keyed by pseudonym. {@code version} is the position in the
 * machine's consent stream (1, 2, 3, ... without gaps), so a consumer can tell order and completeness.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ConsentGrantedMessage.class, name = ConsentGrantedMessage.TYPE),
        @JsonSubTypes.Type(value = ConsentWithdrawnMessage.class, name = ConsentWithdrawnMessage.TYPE),
        @JsonSubTypes.Type(value = ErasureRequestedMessage.class, name = ErasureRequestedMessage.TYPE)})
public sealed interface ConsentMessage extends IntegrationEvent
        permits ConsentGrantedMessage, ConsentWithdrawnMessage, ErasureRequestedMessage {

    long version();
}
