package dev.telemetry.consent.erasure;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import dev.telemetry.consent.inbox.ProcessedMessage;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.erasure.ErasureCompleted;
import dev.telemetry.deadletters.DeadLetters;

/**
 * Completes erasure receipts when report-service confirms on {@link Topics#ERASURES}. Idempotent: the message id
 * is recorded in the transaction that completes the receipt. A message it cannot read is parked on the dead-letter
 * topic ({@link DeadLetters}) before its offset moves on.
 */
@ApplicationScoped
public class ErasureConfirmations {

    private static final Logger LOG = Logger.getLogger(ErasureConfirmations.class);

    private final Clock clock;
    private final DeadLetters deadLetters;

    ErasureConfirmations(Clock clock, DeadLetters deadLetters) {
        this.clock = clock;
        this.deadLetters = deadLetters;
    }

    @Incoming("erasures-in")
    public Uni<Void> onConfirmation(ConsumerRecord<String, String> record) {
        ErasureCompleted confirmation;
        try {
            confirmation = IntegrationJson.read(record.value(), ErasureCompleted.class);
        } catch (IntegrationJson.UnreadableEventException e) {
            return deadLetters.park(record, e);
        }
        // A failure (the database down) is retried with backoff until it succeeds, never given up: a failed message
        // would end the channel for good, and applying it twice is harmless (processed_message).
        return Uni.createFrom().deferred(() -> Panache.withTransaction(() -> ProcessedMessage
                .seenBefore(confirmation.eventId(), Topics.ERASURES, clock.instant())
                .chain(seen -> seen ? Uni.createFrom().voidItem() : complete(confirmation))))
                .onFailure().invoke(e -> LOG.warnf("applying erasure confirmation %s failed, retrying: %s",
                        confirmation.eventId(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely();
    }

    private static Uni<Void> complete(ErasureCompleted confirmation) {
        return ErasureReceipt.<ErasureReceipt>findById(confirmation.receipt()).invoke(receipt -> {
            if (receipt == null || !receipt.streamId.equals(confirmation.pseudonym())) {
                LOG.warnf("erasure confirmation %s names no receipt of that machine; ignored", confirmation.eventId());
            } else if (receipt.completedAt == null) {
                receipt.completedAt = confirmation.occurredAt();
            }
        }).replaceWithVoid();
    }
}
