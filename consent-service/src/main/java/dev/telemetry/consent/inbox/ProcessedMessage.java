package dev.telemetry.consent.inbox;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

/** A consumed integration message, remembered so that redelivery has no effect (idempotent consumer). */
@Entity
@Table(name = "processed_message")
public class ProcessedMessage extends PanacheEntityBase {

    @Id
    @Column(name = "message_id")
    public UUID messageId;

    @Column(nullable = false)
    public String topic;

    @Column(name = "processed_at", nullable = false)
    public Instant processedAt;

    public static ProcessedMessage of(UUID messageId, String topic, Instant processedAt) {
        ProcessedMessage message = new ProcessedMessage();
        message.messageId = messageId;
        message.topic = topic;
        message.processedAt = processedAt;
        return message;
    }

    /** True if the message was seen before; otherwise records it, within the caller's transaction. */
    public static Uni<Boolean> seenBefore(UUID messageId, String topic, Instant now) {
        return ProcessedMessage.<ProcessedMessage>findById(messageId)
                .flatMap(existing -> existing != null
                        ? Uni.createFrom().item(true)
                        : of(messageId, topic, now).persist().replaceWith(false));
    }
}
