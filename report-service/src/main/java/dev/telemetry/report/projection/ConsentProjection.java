package dev.telemetry.report.projection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

import dev.telemetry.consentview.ConsentTimeline;
import dev.telemetry.consentview.ConsentView;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;
import dev.telemetry.contract.erasure.ErasureCompleted;
import dev.telemetry.report.quarter.Quarter;

/**
 * Applies {@link Topics#CONSENT} to the consent view and to the aggregates: opt-ins and opt-outs count in their
 * quarter; an erasure request removes the machine from every unpublished quarter and is then confirmed on
 * {@link Topics#ERASURES}. The message is acknowledged only after the confirmation is acknowledged, so a crash in
 * between repeats the (idempotent) erasure and the confirmation.
 */
@ApplicationScoped
public class ConsentProjection {

    private final Pool pool;
    private final ConsentView view;
    private final Aggregates aggregates;
    private final MutinyEmitter<String> confirmations;
    private final Clock clock;

    ConsentProjection(Pool pool, ConsentView view, Aggregates aggregates,
            @Channel("erasures-out") MutinyEmitter<String> confirmations, Clock clock) {
        this.pool = pool;
        this.view = view;
        this.aggregates = aggregates;
        this.confirmations = confirmations;
        this.clock = clock;
    }

    @Incoming("consent-in")
    public Uni<Void> apply(ConsumerRecord<String, String> record) {
        return pool.withTransaction(tx -> Aggregates.lock(tx)
                .chain(() -> view.consume(tx, record))
                .call(news -> news.isPresent() ? effects(tx, news.get()) : Uni.createFrom().voidItem()))
                // Confirmed again on redelivery too: the confirmation may be what was lost.
                .chain(() -> confirmIfErasure(record))
                // A failed transaction (the database down) changed nothing and applying is idempotent: try again,
                // rather than fail the channel for good.
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely();
    }

    private Uni<Void> confirmIfErasure(ConsumerRecord<String, String> record) {
        try {
            ConsentMessage message = IntegrationJson.read(record.value(), ConsentMessage.class);
            return message instanceof ErasureRequestedMessage erasure ? confirm(erasure) : Uni.createFrom().voidItem();
        } catch (IntegrationJson.UnreadableEventException e) {
            return Uni.createFrom().voidItem();
        }
    }

    private Uni<Void> effects(SqlClient tx, ConsentMessage message) {
        if (message instanceof ErasureRequestedMessage) {
            return aggregates.erase(tx, message.pseudonym());
        }
        String cell = message instanceof ConsentGrantedMessage ? Aggregates.OPTED_IN : Aggregates.OPTED_OUT;
        return countConsent(tx, message.pseudonym(), message.occurredAt(), cell);
    }

    private Uni<Void> countConsent(SqlClient tx, String pseudonym, Instant at, String cell) {
        String quarter = Quarter.of(at).toString();
        return aggregates.isPublished(tx, quarter).chain(published -> published
                ? Uni.createFrom().voidItem()
                : aggregates.add(tx, Aggregates.Tables.LIVE,
                        List.of(new Aggregates.Contribution(quarter, Aggregates.CONSENT, cell, pseudonym, 1))));
    }

    /**
     * Opt-ins and opt-outs of a machine's timeline as live processing would have counted them (an erasure removed
     * those before it), into {@code contributions}; quarters in {@code published} are left alone.
     */
    static void recount(String pseudonym, ConsentTimeline timeline, Set<String> published,
            Contributions contributions) {
        Optional<Instant> lastErasure = timeline.entries().stream()
                .filter(entry -> entry.kind() == ConsentTimeline.Kind.ERASED)
                .map(ConsentTimeline.Entry::at).reduce((a, b) -> b);
        for (ConsentTimeline.Entry entry : timeline.entries()) {
            boolean erasedSince = lastErasure.isPresent() && !entry.at().isAfter(lastErasure.get());
            String quarter = Quarter.of(entry.at()).toString();
            if (entry.kind() == ConsentTimeline.Kind.ERASED || erasedSince || published.contains(quarter)) {
                continue;
            }
            String cell = entry.kind() == ConsentTimeline.Kind.GRANTED ? Aggregates.OPTED_IN : Aggregates.OPTED_OUT;
            contributions.add(quarter, Aggregates.CONSENT, cell, pseudonym);
        }
    }

    private Uni<Void> confirm(ErasureRequestedMessage erasure) {
        ErasureCompleted confirmation = new ErasureCompleted(UUID.nameUUIDFromBytes(
                ("erasure-completed:" + erasure.eventId()).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                erasure.pseudonym(), clock.instant(), erasure.receipt());
        return confirmations.sendMessage(Message.of(IntegrationJson.write(confirmation))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(erasure.pseudonym()).build()));
    }

}
