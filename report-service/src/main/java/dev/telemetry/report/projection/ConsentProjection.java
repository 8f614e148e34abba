package dev.telemetry.report.projection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

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

    private static final Logger LOG = Logger.getLogger(ConsentProjection.class);
    /** Taken before the aggregate lock, by consent batches only. */
    private static final long CONSENT_BATCHES = 0x72636f6e73656e74L;

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

    /**
     * A failure (the database or the broker down) is retried with backoff until it succeeds, never given up: a
     * failed record would end the channel for good, and applying is idempotent (a redelivered version is already
     * applied; a confirmation is sent again).
     */
    @Incoming("consent-in")
    public Uni<Void> apply(ConsumerRecords<String, String> records) {
        List<ErasureRequestedMessage> erasures = erasures(records);
        return pool.withTransaction(tx -> lock(tx, erasures)
                .chain(() -> view.consume(tx, records))
                .call(news -> effects(tx, news)))
                // Confirmed again on redelivery too: the confirmation may be what was lost.
                .chain(() -> confirm(erasures))
                .onFailure().invoke(e -> LOG.warnf("applying a batch of %d consent records failed, retrying: %s",
                        records.count(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely();
    }

    /**
     * What the news of a batch does to the aggregates, as if applied one by one: an erasure removes what its machine
     * added before it (in earlier batches, and earlier in this one, which is then never added); the opt-ins and
     * opt-outs left are added in one statement.
     */
    private Uni<Void> effects(SqlClient tx, List<ConsentMessage> news) {
        if (news.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Set<String> erased = new TreeSet<>();
        List<ConsentMessage> counted = new ArrayList<>();
        for (ConsentMessage message : news) {
            if (message instanceof ErasureRequestedMessage) {
                erased.add(message.pseudonym());
                counted.removeIf(earlier -> earlier.pseudonym().equals(message.pseudonym()));
            } else {
                counted.add(message);
            }
        }
        Uni<Void> erasures = Uni.createFrom().voidItem();
        for (String pseudonym : erased) {
            erasures = erasures.chain(() -> aggregates.erase(tx, pseudonym));
        }
        return erasures.chain(() -> counted.isEmpty()
                ? Uni.createFrom().voidItem()
                : aggregates.published(tx)
                        .chain(published -> {
                            Contributions contributions = new Contributions();
                            for (ConsentMessage message : counted) {
                                String quarter = Quarter.of(message.occurredAt()).toString();
                                if (!published.contains(quarter)) {
                                    contributions.add(quarter, Aggregates.CONSENT,
                                            message instanceof ConsentGrantedMessage
                                                    ? Aggregates.OPTED_IN
                                                    : Aggregates.OPTED_OUT,
                                            message.pseudonym());
                                }
                            }
                            return aggregates.add(tx, Aggregates.Tables.LIVE, contributions.all());
                        }));
    }

    /**
     * Consent batches one at a time (replicas overlap during a rebalance, and a machine's first message has no row
     * to lock yet), then the aggregate lock. An erasure must not interleave with a usage batch (one judged before it
     * would add the machine back). Opt-ins, opt-outs and watermarks write no row a usage batch writes, and a usage
     * batch beside them reads the consent view as it was before or after them, so they take the aggregate lock
     * shared.
     */
    private static Uni<Void> lock(SqlClient tx, List<ErasureRequestedMessage> erasures) {
        return tx.query("SELECT pg_advisory_xact_lock(" + CONSENT_BATCHES + ")").execute()
                .chain(() -> erasures.isEmpty() ? Aggregates.lockShared(tx) : Aggregates.lockExclusive(tx));
    }

    private static List<ErasureRequestedMessage> erasures(ConsumerRecords<String, String> records) {
        List<ErasureRequestedMessage> erasures = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                if (IntegrationJson.read(record.value(),
                        ConsentMessage.class) instanceof ErasureRequestedMessage erasure) {
                    erasures.add(erasure);
                }
            } catch (IntegrationJson.UnreadableEventException e) {
                // a watermark, or unreadable (logged by the view): no erasure
            }
        }
        return erasures;
    }

    private Uni<Void> confirm(List<ErasureRequestedMessage> erasures) {
        return erasures.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(erasures.stream().map(this::confirm).toList()).andFailFast().replaceWithVoid();
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
