package dev.telemetry.consent.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import dev.telemetry.consent.erasure.ErasureReceipt;
import dev.telemetry.consent.ledger.ConsentEvent.ErasureRequested;
import dev.telemetry.consent.outbox.OutboxMessage;
import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.contract.Topics;

/**
 * Handles consent commands against a machine's stream: load state, decide, append with optimistic concurrency,
 * and in the same transaction update the projection, queue the integration messages and record erasure receipts.
 * A concurrent append to the same stream makes the attempt fail and run again on the new state.
 */
@ApplicationScoped
public class ConsentLedger {

    private static final int MAX_ATTEMPTS = 200;

    private final Pseudonyms pseudonyms;
    private final Clock clock;

    ConsentLedger(Pseudonyms pseudonyms, Clock clock) {
        this.pseudonyms = pseudonyms;
        this.clock = clock;
    }

    /** The state after the command, and the events it recorded (none if it changed nothing). */
    public record Outcome(ConsentState state, List<ConsentEvent> recorded) {
    }

    public Uni<Outcome> handle(String anonymousId, Function<Instant, ConsentCommand> command) {
        String stream = pseudonyms.of(anonymousId);
        return Uni.createFrom()
                .deferred(() -> Panache.withTransaction(() -> attempt(stream, command.apply(now()))))
                .onFailure(ConcurrentAppend.class).retry()
                .withBackOff(Duration.ofMillis(2), Duration.ofMillis(50)).withJitter(0.5)
                .atMost(MAX_ATTEMPTS);
    }

    public Uni<ConsentState> current(String anonymousId) {
        String stream = pseudonyms.of(anonymousId);
        return Panache.withSession(() -> ConsentStateRow.<ConsentStateRow>findById(stream))
                .map(row -> row == null ? ConsentState.INITIAL : row.toState());
    }

    public Uni<List<StoredEvent>> history(String anonymousId) {
        String stream = pseudonyms.of(anonymousId);
        return Panache.withSession(() -> StoredEvent.<StoredEvent>list("streamId = ?1 order by version", stream));
    }

    private Uni<Outcome> attempt(String stream, ConsentCommand command) {
        return ConsentStateRow.<ConsentStateRow>findById(stream).flatMap(row -> {
            ConsentState state = row == null ? ConsentState.INITIAL : row.toState();
            List<ConsentEvent> events = ConsentDecider.decide(command, state);
            if (events.isEmpty()) {
                return Uni.createFrom().item(new Outcome(state, events));
            }
            ConsentState next = ConsentDecider.fold(state, events);
            Uni<Void> projection = row == null
                    ? ConsentStateRow.of(stream, next).persist().replaceWithVoid()
                    : Uni.createFrom().item(() -> {
                        row.apply(next);
                        return null;
                    });
            return append(stream, state.version(), events)
                    .chain(() -> projection)
                    .replaceWith(new Outcome(next, events));
        });
    }

    private Uni<Void> append(String stream, long expectedVersion, List<ConsentEvent> events) {
        // One after the other: a conflict on the first must stop the rest.
        Uni<Void> chain = Uni.createFrom().voidItem();
        long version = expectedVersion;
        for (ConsentEvent event : events) {
            long next = ++version;
            chain = chain.chain(() -> insert(stream, next, event));
        }
        return chain;
    }

    private Uni<Void> insert(String stream, long version, ConsentEvent event) {
        UUID eventId = UUID.randomUUID();
        return Panache.getSession()
                .chain(session -> session
                        .createNativeQuery(
                                """
                                        INSERT INTO consent_event (stream_id, version, event_id, event_type, schema_version, payload, recorded_at)
                                        VALUES (:stream, :version, :eventId, :type, :schemaVersion, :payload, :recordedAt)
                                        ON CONFLICT (stream_id, version) DO NOTHING""")
                        .setParameter("stream", stream)
                        .setParameter("version", version)
                        .setParameter("eventId", eventId)
                        .setParameter("type", event.type())
                        .setParameter("schemaVersion", EventCodec.SCHEMA_VERSION)
                        .setParameter("payload", EventCodec.encode(event))
                        .setParameter("recordedAt", event.at())
                        .executeUpdate())
                .flatMap(inserted -> inserted == 0
                        ? Uni.createFrom().failure(new ConcurrentAppend(stream, version))
                        : OutboxMessage.enqueue(Topics.CONSENT, EventCodec.toMessage(eventId, stream, version, event))
                                .chain(() -> receiptFor(stream, event)))
                .replaceWithVoid();
    }

    private static Uni<?> receiptFor(String stream, ConsentEvent event) {
        if (event instanceof ErasureRequested erasure) {
            return ErasureReceipt.pending(erasure.receipt(), stream, erasure.at()).persist();
        }
        return Uni.createFrom().voidItem();
    }

    private Instant now() {
        // PostgreSQL keeps microseconds; truncating here makes stored, returned and published times identical.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Another writer appended to the stream first; the command is retried on the new state. */
    static final class ConcurrentAppend extends RuntimeException {
        ConcurrentAppend(String stream, long version) {
            super("version " + version + " of a consent stream was appended concurrently", null, false, false);
        }
    }

}
