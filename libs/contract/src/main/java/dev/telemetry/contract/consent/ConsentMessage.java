package dev.telemetry.contract.consent;

import java.util.function.Function;

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

    /**
     * Applies the function for this message's type. Consumers that treat every type go through here, so a new type
     * is a compile error in each of them instead of a wrong branch at run time.
     */
    <R> R match(Function<ConsentGrantedMessage, R> granted, Function<ConsentWithdrawnMessage, R> withdrawn,
            Function<ErasureRequestedMessage, R> erasureRequested);
}
