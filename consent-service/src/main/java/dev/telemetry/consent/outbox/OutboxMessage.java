package dev.telemetry.consent.outbox;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

import dev.telemetry.contract.IntegrationEvent;
import dev.telemetry.contract.IntegrationJson;

/** A message waiting in the outbox; written in the transaction of the event it announces. */
@Entity
@Table(name = "outbox")
public class OutboxMessage extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long position;

    @Column(name = "event_id")
    public UUID eventId;

    public String topic;

    @Column(name = "message_key")
    public String messageKey;

    public String payload;

    /** Queues {@code event} for {@code topic}, keyed by its pseudonym so per-machine order holds. */
    public static Uni<OutboxMessage> enqueue(String topic, IntegrationEvent event) {
        OutboxMessage message = new OutboxMessage();
        message.eventId = event.eventId();
        message.topic = topic;
        message.messageKey = event.pseudonym();
        message.payload = IntegrationJson.write(event);
        return message.persist();
    }
}
